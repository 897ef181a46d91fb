"""Publishing a partner's course: direct, or through the platform's review when the setting
PARTNER_PUBLISH_NEEDS_APPROVAL is on (a publish request a platform manager approves or refuses
with a reason the partner reads)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import services as course_services
from courses.models import Course
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted

from .models import Membership, PublishRequest
from .roles import Action
from .services import check_may

if TYPE_CHECKING:
    from accounts.models import User

MAX_REASON_LENGTH = 2000


def publish_needs_approval() -> bool:
    return bool(settings.PARTNER_PUBLISH_NEEDS_APPROVAL)


@transaction.atomic
def course_publish_request(*, actor: Membership, course: Course) -> PublishRequest | None:
    """Publish one of the actor's partner's courses, or ask the platform to when publishing needs
    approval. Asking again while a request is open returns that request. Return the request, or
    None when the course was published directly."""
    check_may(actor=actor, action=Action.EDIT_COURSES)
    locked = Course.objects.select_for_update().filter(pk=course.pk, partners=actor.partner_id).first()
    if locked is None:
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    if locked.status == Course.Status.PUBLISHED:
        raise Conflict(_("This course is published already."), code="already_published")
    if not locked.lessons.exists():
        raise ApplicationError(_("A course needs at least one lesson before it is published."), code="no_lessons")
    if not publish_needs_approval():
        course_services.course_publish(course=locked)
        return None
    pending = PublishRequest.objects.filter(course=locked, status=PublishRequest.Status.PENDING).first()
    if pending is not None:
        return pending
    return PublishRequest.objects.create(course=locked, partner_id=actor.partner_id, requested_by=actor.user)


def _lock_pending(publish_request: PublishRequest) -> PublishRequest:
    locked = PublishRequest.objects.select_for_update().select_related("course").get(pk=publish_request.pk)
    if locked.status != PublishRequest.Status.PENDING:
        raise Conflict(_("This request has been decided already."), code="publish_request_decided")
    return locked


@transaction.atomic
def publish_request_approve(*, publish_request: PublishRequest, reviewer: "User") -> PublishRequest:
    """Approve a pending request: the course is published (it must still have a lesson)."""
    locked = _lock_pending(publish_request)
    course_services.course_publish(course=locked.course)
    locked.status = PublishRequest.Status.APPROVED
    locked.decided_by, locked.decided_at = reviewer, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def publish_request_refuse(*, publish_request: PublishRequest, reviewer: "User", reason: str) -> PublishRequest:
    """Refuse a pending request with the reason the partner reads on its courses page."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH or "\x00" in reason:
        message = _("Tell the partner why, in at most %(n)d characters.") % {"n": MAX_REASON_LENGTH}
        raise ApplicationError(message, code="reason_missing", extra={"fields": {"reason": [message]}})
    locked = _lock_pending(publish_request)
    locked.status = PublishRequest.Status.REFUSED
    locked.reason = reason
    locked.decided_by, locked.decided_at = reviewer, timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return locked
