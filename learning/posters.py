"""Share posters of works in the gallery: made once per (work, options, language), stored, and
gone when the work leaves the gallery.

The QR code holds the learner's personal referral link of the newest running campaign promoting
the course (`marketing.services.referral_link_for`, its "user referral" channel): visits through
it, the sign-ups and orders that follow are counted and credited by marketing's one attribution
path, as for the link on the campaign page. Without a running campaign it holds the course page.
"""

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image

from courses.models import Partner
from marketing import selectors as marketing_selectors
from marketing import services as marketing_services
from platform_site.exceptions import ApplicationError, NotPermitted

from . import poster_drawing
from .models import Poster, Submission, SubmissionImage

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

NAME_MAX = 24  # one line under the title at the poster's name size
LANGUAGES = ("zh-hans", "en")


class PosterUnavailable(NotPermitted):
    default_code = "poster_unavailable"


@dataclass(frozen=True)
class _Plan:
    """What a poster shows; its hash is the poster's fingerprint."""

    layout: int
    size: str
    language: str
    image: str
    texts: poster_drawing.PosterTexts
    logos: list[str]
    qr_text: str

    def fingerprint(self) -> str:
        raw = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


def poster_submission(*, learner: "User", submission_id: int) -> Submission:
    """The learner's own work, shown in the gallery of a published course; else PosterUnavailable."""
    submission = (
        Submission.objects.published()
        .filter(pk=submission_id, learner=learner, assignment__lesson__course__status="published")
        .select_related("assignment__lesson__course")
        .first()
    )
    if submission is None:
        raise PosterUnavailable(_("Only the author of a work shown in the gallery can make its poster."))
    return submission


def check_display_name(value: object) -> str:
    """Return the name cleaned: printable, one line, at most NAME_MAX characters."""
    text = " ".join(str(value or "").split())
    if not text or len(text) > NAME_MAX or not text.isprintable():
        message = _("Write a name of 1 to %(max)d characters, or leave the name off.") % {"max": NAME_MAX}
        raise ApplicationError(message, code="bad_name", extra={"fields": {"display_name": [message]}})
    return text


def _texts(*, course_title: str, name: str, partners: list[Partner], campaign_name: str) -> poster_drawing.PosterTexts:
    return poster_drawing.PosterTexts(
        caption=_("My work from the course"),
        title=course_title,
        name_line=(_("by %(name)s") % {"name": name}) if name else "",
        call=_("Scan to learn with me"),
        hint=(
            _("Scan the code to join %(campaign)s.") % {"campaign": campaign_name}
            if campaign_name
            else _("Scan the code to see the course.")
        ),
        partners=[partner.name for partner in partners],
    )


def poster_make(
    *, learner: "User", submission_id: int, size: str, language: str, display_name: str = "", base_url: str
) -> Poster:
    """Return the poster of the learner's work for these options, drawing and storing it only once.

    `display_name` empty: no name on the poster. `base_url`: the site's address, for the QR code.
    """
    if size not in poster_drawing.SIZES:
        message = _("Choose a poster size.")
        raise ApplicationError(message, code="bad_size", extra={"fields": {"size": [message]}})
    if language not in LANGUAGES:
        language = settings.LANGUAGE_CODE
    name = check_display_name(display_name) if display_name else ""
    submission = poster_submission(learner=learner, submission_id=submission_id)
    image = SubmissionImage.objects.filter(submission=submission).order_by("position", "id").first()
    if image is None:
        raise PosterUnavailable(_("This work has no image to put on a poster."))
    course = submission.assignment.lesson.course
    campaign = marketing_selectors.course_referral_campaign(course=course)
    if campaign is not None:
        link = marketing_services.referral_link_for(learner=learner, campaign=campaign)
        partners = [share.partner for share in campaign.partner_shares.all()]
        qr_text = base_url.rstrip("/") + link.get_absolute_url()
    else:
        partners = list(course.partners.all())
        qr_text = base_url.rstrip("/") + course.get_absolute_url()
    with translation.override(language):
        texts = _texts(
            course_title=course.title, name=name, partners=partners, campaign_name=campaign.name if campaign else ""
        )
    plan = _Plan(
        layout=poster_drawing.LAYOUT_VERSION, size=size, language=language, image=str(image.file.name), texts=texts,
        logos=[str(partner.logo.name) for partner in partners if partner.logo], qr_text=qr_text,
    )  # fmt: skip
    fingerprint = plan.fingerprint()
    existing = Poster.objects.filter(submission=submission, fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    content, width, height = _draw(plan, image=image, partners=partners)
    poster = Poster(
        submission=submission, size=size, language=language, display_name=name, target_url=qr_text,
        referral=campaign is not None, fingerprint=fingerprint, width=width, height=height,
    )  # fmt: skip
    poster.file.save(f"{fingerprint[:20]}.jpg", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            poster.save()
    except IntegrityError:  # a parallel request drew the same poster first: keep theirs
        _delete_files([str(poster.file.name)])
        return Poster.objects.get(submission=submission, fingerprint=fingerprint)
    return poster


def _draw(plan: _Plan, *, image: SubmissionImage, partners: list[Partner]) -> tuple[bytes, int, int]:
    with image.file.open("rb") as handle, Image.open(handle) as artwork:
        # JPEG decodes at a reduced scale when the poster needs no more: much less time and memory.
        artwork.draft("RGB", poster_drawing.draft_size(plan.size))
        artwork.load()
        logos = []
        for partner in partners:
            if not partner.logo:
                continue
            try:
                with partner.logo.open("rb") as logo_file, Image.open(logo_file) as logo:
                    logos.append(logo.convert("RGBA"))
            except (OSError, ValueError):  # a missing or unreadable logo: the name still shows
                logger.warning("Logo of partner %s could not be drawn", partner.pk, exc_info=True)
        return poster_drawing.draw(
            poster_drawing.PosterInput(
                size=plan.size, artwork=artwork, texts=plan.texts, qr_text=plan.qr_text, logos=logos
            )
        )


def _delete_files(names: list[str]) -> None:
    storage = Poster._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # left for the operator; nothing links to it
            logger.warning("Could not delete %s", name, exc_info=True)


def posters_delete(*, submission: Submission) -> int:
    """Remove the work's posters, rows now and files once the transaction commits; return how many."""
    names = list(Poster.objects.filter(submission=submission).values_list("file", flat=True))
    Poster.objects.filter(submission=submission).delete()
    transaction.on_commit(lambda: _delete_files(names))
    return len(names)
