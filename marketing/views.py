"""Learner-facing marketing pages: tracked links and campaign landing pages."""

import qrcode
import qrcode.image.svg
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from platform_site.exceptions import ApplicationError
from platform_site.shortcuts import found

from . import attribution, selectors, services
from .models import Campaign

BUNDLE_PAIRS_SHOWN = 6  # the best savings; a longer table reads as a price list, not an offer


@require_GET
def tracked_link(request: HttpRequest, code: str) -> HttpResponse:
    """Count the visit, remember the touch, and go on to the link's page of this site."""
    link = found(selectors.tracked_link(code=code))
    before = attribution.read_touches(request)
    touches = services.tracked_link_follow(
        link=link,
        visitor=lambda: attribution.visitor_id(request),
        user_agent=request.headers.get("User-Agent", ""),
        touches=before,
    )
    if touches is not before:  # a visit of a running campaign: the cookie takes the new touch
        attribution.remember(request, touches)
    target = link.target_path
    # The path was validated on save; checked again so that no stored value can leave the site.
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=set()) or not target.startswith("/"):
        target = "/"
    separator = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{separator}c={link.code}")


@require_GET
def campaign_landing(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaign_list().exclude(status=Campaign.Status.DRAFT), slug=slug)
    referral = None
    if request.user.is_authenticated and campaign.status == Campaign.Status.RUNNING:
        try:
            link = services.referral_link_for(learner=request.user, campaign=campaign)
        except ApplicationError:
            link = None
        if link:
            referral = request.build_absolute_uri(link.get_absolute_url())
    # What is shared: the learner's referral link when there is one, else the page itself.
    share_url = referral or request.build_absolute_uri(reverse("marketing:campaign", args=[campaign.slug]))
    context = {
        "campaign": campaign, "referral_url": referral, "share_url": share_url, "share_qr": qr_svg(share_url),
        "bundle_pairs": services.bundle_pairs(campaign=campaign)[:BUNDLE_PAIRS_SHOWN],
        **selectors.campaign_offers(campaign=campaign),
    }  # fmt: skip
    return render(request, "marketing/campaign_landing.html", context)


def qr_svg(text: str) -> str:
    """Return `text` as an inline SVG QR code, drawn here: no image service, no network."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))
