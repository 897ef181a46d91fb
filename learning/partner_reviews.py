"""What the course's partner does with its reviews: answer them publicly in its name, and keep a
reported review shown (its reports leave the queue). Hiding a review is `services.review_hide`;
hiding the partner's answer is the platform's moderators' alone (`review_reply_hide`)."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError, NotPermitted

from .hooks import course_staff
from .models import Review, ReviewReply, ReviewReport
from .services import ModerationCheck, _clean_text, _figures_changed, hide_reason, platform_moderator, review_moderator

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Partner

REPLY_TEXT_MAX = 2000


def review_reply_save(*, author: "User", partner: "Partner", review: Review, text: object) -> tuple[ReviewReply, bool]:
    """Answer a review in `partner`'s name, or edit the answer; return it and whether it is new.

    One answer per review. Only the owners and managers of one of the course's partners write it,
    for that partner; editing it later, any of them may (the partner speaks, not the person), and
    the answer then names the partner that edited it last.
    """
    if not author.is_active or partner.pk not in course_staff(user=author, course_id=review.course_id).speaks_for:
        raise NotPermitted(_("Only the course's partner may answer its reviews."), code="not_partner")
    if review.is_hidden:
        raise ApplicationError(_("This review is hidden."), code="hidden")
    errors: dict[str, list[str]] = {}
    cleaned = _clean_text(text, field="text", limit=REPLY_TEXT_MAX, errors=errors)
    if not cleaned and not errors:
        errors["text"] = [_("Write something first.")]
    if errors:
        raise ApplicationError(_("Check the answer."), code="invalid", extra={"fields": errors})
    values = {"partner": partner, "author": author, "text": cleaned}
    try:
        with transaction.atomic():
            reply, created = ReviewReply.objects.update_or_create(review=review, defaults=values)
    except IntegrityError:  # two first answers at once: the later write edits the first
        ReviewReply.objects.filter(review=review).update(**values, updated_at=timezone.now())
        reply, created = ReviewReply.objects.get(review=review), False
    _figures_changed()  # the course page (cached for visitors) shows the answer
    return reply, created


def _check_platform_moderator(moderator: "User", reply: ReviewReply) -> None:
    # The partner speaks in its answers and edits them; it does not moderate its own voice.
    if not platform_moderator(moderator, reply.review):
        raise NotPermitted(
            _("Only the platform's moderators may hide or show a partner's answer."), code="not_moderator"
        )


def review_reply_hide(*, moderator: "User", reply: ReviewReply, reason: object) -> ReviewReply:
    """Hide a partner's answer from the course page and the API, keeping why and by whom (hiding
    again keeps the first reason); the partner reads the reason in its workspace."""
    _check_platform_moderator(moderator, reply)
    cleaned = hide_reason(reason, message=_("Say why the answer is hidden."))
    if ReviewReply.objects.filter(pk=reply.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_reason=cleaned, hidden_by=moderator
    ):
        _figures_changed()  # the course page (cached for visitors) drops the answer
    reply.refresh_from_db()
    return reply


def review_reply_unhide(*, moderator: "User", reply: ReviewReply) -> ReviewReply:
    """Show a hidden answer again; the reason it was hidden stays on the row."""
    _check_platform_moderator(moderator, reply)
    if ReviewReply.objects.filter(pk=reply.pk, hidden_at__isnull=False).update(hidden_at=None, hidden_by=None):
        _figures_changed()
    reply.refresh_from_db()
    return reply


def review_reports_keep(*, moderator: "User", review: Review, may_moderate: ModerationCheck = review_moderator) -> int:
    """A moderator read a review's reports and keeps it shown: they leave the queue (the rows
    stay). Return how many were open."""
    if not may_moderate(moderator, review):
        raise NotPermitted(_("Only moderators may hide or show reviews."), code="not_moderator")
    return ReviewReport.objects.open().filter(review=review).update(resolved_at=timezone.now())
