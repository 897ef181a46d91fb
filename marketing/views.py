"""Learner-facing marketing pages: tracked links and campaign landing pages."""

import uuid

import qrcode
import qrcode.image.svg
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from platform_site.exceptions import ApplicationError
from platform_site.throttling import client_ip

from . import attribution, selectors, services
from .forms import SurveyForm
from .models import Campaign, Survey


@require_GET
def tracked_link(request: HttpRequest, code: str) -> HttpResponse:
    """Count the visit, remember the touch, and go on to the link's page of this site."""
    link = selectors.tracked_link(code=code)
    if link is None:
        raise Http404
    campaign = link.channel.campaign
    if campaign.status == Campaign.Status.RUNNING:
        visitor = attribution.visitor_id(request)
        services.visit_record(link=link, visitor=visitor, user_agent=request.headers.get("User-Agent", ""))
        hit = attribution.hit_now(campaign.pk, link.channel_id, link=link.pk, referrer=link.referrer_id)
        attribution.remember(request, attribution.read_touches(request).add(hit))
    target = link.target_path
    # The path was validated on save; checked again so that no stored value can leave the site.
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=set()) or not target.startswith("/"):
        target = "/"
    separator = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{separator}c={link.code}")


@require_GET
def campaign_landing(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaign_list().exclude(status=Campaign.Status.DRAFT), slug=slug)
    referral = qr = None
    if request.user.is_authenticated and campaign.status == Campaign.Status.RUNNING:
        try:
            link = services.referral_link_for(learner=request.user, campaign=campaign)
        except ApplicationError:
            link = None
        if link:
            referral = request.build_absolute_uri(link.get_absolute_url())
            qr = qr_svg(referral)
    context = {"campaign": campaign, "referral_url": referral, "referral_qr": qr}
    return render(request, "marketing/campaign_landing.html", context)


def qr_svg(text: str) -> str:
    """Return `text` as an inline SVG QR code, drawn here: no image service, no network."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))


def survey_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """The bilingual survey form. Validation messages sit next to their fields; nothing is lost."""
    survey = get_object_or_404(Survey, slug=slug)
    user = request.user if request.user.is_authenticated else None
    if request.GET.get("done"):
        return render(request, "marketing/survey_done.html", {"survey": survey})
    try:
        services.check_survey_open(survey=survey, respondent=user)
    except ApplicationError as error:
        status = 403 if error.code == "login_required" else 410
        return render(request, "marketing/survey_closed.html", {"survey": survey, "error": error}, status=status)
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
        request, "marketing/survey_form.html", {"survey": survey, "form": form}, status=400 if form.errors else 200
    )
