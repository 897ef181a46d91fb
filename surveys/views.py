"""The public survey page."""

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found
from platform_site.throttling import client_ip

from . import selectors, services
from .forms import SurveyForm
from .respondents import remember_respondent, respondent_token


def survey_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """The bilingual survey form. Validation messages sit next to their fields; nothing is lost."""
    survey = found(selectors.survey_get(slug=slug))
    user = request.user if request.user.is_authenticated else None
    if request.GET.get("done"):
        return render(request, "surveys/survey_done.html", {"survey": survey})
    if selectors.survey_answered(survey=survey, respondent=user):  # say so before a blank form
        return render(request, "surveys/survey_done.html", {"survey": survey, "already": True})
    try:
        services.check_survey_open(survey=survey, respondent=user)
    except ApplicationError as error:
        status = 403 if error.code == "login_required" else 410
        return render(request, "surveys/survey_closed.html", {"survey": survey, "error": error}, status=status)
    initial = {"idempotency_key": uuid.uuid4().hex, "c": request.GET.get("c", "")[:32]}
    form = SurveyForm(survey, request.POST or None, initial=initial)
    token, new_token = respondent_token(request) if user is None else ("", False)
    response: HttpResponse | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(
                survey=survey, respondent=user, answers=form.answers(),
                idempotency_key=form.cleaned_data["idempotency_key"], respondent_token=token,
                client=client_ip(request), link_code=form.cleaned_data["c"],
            )  # fmt: skip
            response = HttpResponseRedirect(f"{survey.get_absolute_url()}?done=1")
        except ApplicationError as error:
            form.add_error(None, error.message)
    if response is None:
        status = 400 if form.errors else 200
        response = render(request, "surveys/survey_form.html", {"survey": survey, "form": form}, status=status)
    if new_token:
        remember_respondent(response, token)
    return response
