"""The public survey page."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError
from platform_site.throttling import client_ip

from . import selectors, services
from .forms import SurveyForm


def survey_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """The bilingual survey form. Validation messages sit next to their fields; nothing is lost."""
    survey = selectors.survey_get(slug=slug)
    if survey is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    if request.GET.get("done"):
        return render(request, "surveys/survey_done.html", {"survey": survey})
    try:
        services.check_survey_open(survey=survey, respondent=user)
    except ApplicationError as error:
        status = 403 if error.code == "login_required" else 410
        return render(request, "surveys/survey_closed.html", {"survey": survey, "error": error}, status=status)
    initial = {"idempotency_key": uuid.uuid4().hex, "c": request.GET.get("c", "")[:32]}
    form = SurveyForm(survey, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        client = client_ip(request)
        if user is None and not services.anonymous_submission_allowed(client=client):
            form.add_error(None, _("Too many answers from this network. Try again in an hour."))
        else:
            try:
                services.survey_submit(
                    survey=survey, respondent=user, answers=form.answers(),
                    idempotency_key=form.cleaned_data["idempotency_key"], link_code=form.cleaned_data["c"],
                )  # fmt: skip
                return HttpResponseRedirect(f"{survey.get_absolute_url()}?done=1")
            except ApplicationError as error:
                form.add_error(None, error.message)
    return render(
        request, "surveys/survey_form.html", {"survey": survey, "form": form}, status=400 if form.errors else 200
    )
