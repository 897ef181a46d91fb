"""Writes of the partners domain: invitations, memberships, and the workspace's course writes.

Every write takes the acting membership and checks its role against `roles.ROLE_ACTIONS`; the
pages check the same table first, so a refusal here means a forged request.
"""

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses import services as course_services
from courses.models import Course
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from platform_site.queueing import enqueue_on_commit

from . import tasks
from .models import CourseAssignment, Invitation, Membership
from .roles import Action, Role

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

INVITATION_SALT = "partners.invitation"


def check_may(*, actor: Membership, action: Action) -> None:
    """Refuse what the actor's role may not do."""
    if not actor.may(action):
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")


def _field_error(field: str, message: str, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, extra={"fields": {field: [message]}})


# ------------------------------------------------------------------------------ invitations
def invitation_token(*, invitation: Invitation) -> str:
    """The signed token of an invitation's link; it carries its own time of signing."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


@transaction.atomic
def membership_invite(*, actor: Membership, email: str, role: str, base_url: str) -> Invitation:
    """Invite `email` to the actor's partner as `role` and mail the link once this commits.

    Inviting an address whose invitation is still open renews it (its role, a fresh link).
    """
    check_may(actor=actor, action=Action.MANAGE_MEMBERS)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise _field_error("email", _("Enter a valid e-mail address.")) from error
    if role not in Role.values:
        raise _field_error("role", _("Choose one of the roles."))
    if Membership.objects.filter(partner_id=actor.partner_id, user__email__iexact=email).exists():
        raise _field_error("email", _("This person is a member already."), code="already_member")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(partner_id=actor.partner_id, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        invitation = Invitation(partner_id=actor.partner_id, email=email)
    invitation.role = role
    invitation.invited_by = actor.user
    invitation.save()
    enqueue_on_commit(tasks.invitation_send_task, invitation.pk, base_url, translation.get_language() or "")
    return invitation


def invitation_send(*, invitation_id: int, base_url: str, language: str = "") -> bool:
    """Mail an open invitation its link; return whether a mail went out."""
    invitation = Invitation.objects.select_related("partner").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return False
    link = base_url.rstrip("/") + reverse("partners:invitation", args=[invitation_token(invitation=invitation)])
    days = settings.PARTNER_INVITATION_MAX_AGE // 86400
    with translation.override(language or settings.LANGUAGE_CODE):
        send_mail(
            subject=_("You are invited to %(partner)s's workspace") % {"partner": invitation.partner.name},
            message=_(
                "You are invited to join %(partner)s as %(role)s. Sign in with this e-mail address and "
                "open the link within %(days)s days to accept:\n\n%(link)s"
            )
            % {"partner": invitation.partner.name, "role": invitation.get_role_display(), "days": days, "link": link},
            from_email=None,
            recipient_list=[invitation.email],
        )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def invitation_from_token(*, token: str, lock: bool = False) -> Invitation:
    """The invitation a link names, if its signature holds and it has not expired."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        pk = signer.unsign(token, max_age=settings.PARTNER_INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ApplicationError(
            _("This invitation has expired. Ask the partner's owner to invite you again."), code="invitation_expired"
        ) from error
    except signing.BadSignature as error:
        raise ApplicationError(_("This invitation link is not valid."), code="invitation_invalid") from error
    invitations = Invitation.objects.select_related("partner")
    invitation = (invitations.select_for_update(of=("self",)) if lock else invitations).filter(pk=pk).first()
    if invitation is None:
        raise ApplicationError(_("This invitation link is not valid."), code="invitation_invalid")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: "User") -> Membership:
    """Make `user` a member as the invitation says. Accepting again returns the same membership."""
    invitation = invitation_from_token(token=token, lock=True)
    if invitation.accepted_at is not None:
        existing = Membership.objects.filter(partner_id=invitation.partner_id, user=user).first()
        if invitation.accepted_by_id == user.pk and existing is not None:
            return existing
        raise Conflict(_("This invitation has been used already."), code="invitation_used")
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise NotPermitted(
            _("This invitation was sent to another e-mail address. Sign in with that address to accept it."),
            code="invitation_wrong_user",
        )
    membership, _created = Membership.objects.get_or_create(
        partner_id=invitation.partner_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# ------------------------------------------------------------------------------ memberships
def _lock_member(*, actor: Membership, membership: Membership) -> tuple[Membership, bool]:
    """The member locked for a change by the actor, and whether they are the partner's last owner."""
    check_may(actor=actor, action=Action.MANAGE_MEMBERS)
    if membership.partner_id != actor.partner_id:
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    # Lock the partner's owners: two owners removing each other at once must leave one.
    owners = list(
        Membership.objects.select_for_update().filter(partner_id=actor.partner_id, role=Role.OWNER).order_by("pk")
    )
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise Conflict(_("This person is no longer a member."), code="not_member")
    return locked, locked.role == Role.OWNER and len(owners) <= 1


def _refuse_last_owner() -> Conflict:
    return Conflict(_("A partner keeps at least one owner: make another member owner first."), code="last_owner")


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """Remove a member; the partner's last owner stays."""
    locked, last_owner = _lock_member(actor=actor, membership=membership)
    if last_owner:
        raise _refuse_last_owner()
    locked.delete()


@transaction.atomic
def membership_set_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    """Change a member's role; the partner's last owner stays an owner."""
    if role not in Role.values:
        raise _field_error("role", _("Choose one of the roles."))
    locked, last_owner = _lock_member(actor=actor, membership=membership)
    if role != Role.OWNER and last_owner:
        raise _refuse_last_owner()
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


# ------------------------------------------------------------------------------ courses
def partner_course_create(*, actor: Membership, **fields: Any) -> Course:
    """Create a draft course of the actor's partner, through the catalogue's one write path."""
    check_may(actor=actor, action=Action.EDIT_COURSES)
    fields.pop("status", None)  # publishing is the platform's step, not the workspace's
    return course_services.course_create(partners=[actor.partner], **fields)


def partner_course_update(*, actor: Membership, course: Course, **fields: Any) -> Course:
    """Edit one of the actor's partner's courses (its partners stay as they are)."""
    check_may(actor=actor, action=Action.EDIT_COURSES)
    if not course.partners.filter(pk=actor.partner_id).exists():
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    fields.pop("status", None)
    fields.pop("partners", None)
    return course_services.course_update(course=course, **fields)


@transaction.atomic
def course_instructors_set(*, actor: Membership, course: Course, membership_ids: list[int]) -> set[int]:
    """Make exactly these instructors of the actor's partner teach `course`; return their ids.

    An id that is not an instructor of the actor's partner is refused (nothing changes).
    """
    check_may(actor=actor, action=Action.ASSIGN_INSTRUCTORS)
    if not Course.objects.select_for_update().filter(pk=course.pk, partners=actor.partner_id).exists():
        raise NotPermitted(_("Your role in this partner may not do this."), code="role_not_permitted")
    wanted = set(membership_ids)
    instructors = set(
        Membership.objects.filter(partner_id=actor.partner_id, role=Role.INSTRUCTOR, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if instructors != wanted:
        raise _field_error("instructors", _("Choose among your partner's instructors."))
    current = CourseAssignment.objects.filter(course=course, membership__partner_id=actor.partner_id)
    current.exclude(membership_id__in=wanted).delete()
    have = set(current.values_list("membership_id", flat=True))
    CourseAssignment.objects.bulk_create(
        CourseAssignment(course=course, membership_id=pk, assigned_by=actor.user) for pk in wanted - have
    )
    return wanted


# ------------------------------------------------------------------------------ the platform's writes
def check_membership_grant(*, partner_id: int, user: "User", role: str) -> None:
    """Refuse an unknown role, and demoting the partner's last owner."""
    if role not in Role.values:
        raise _field_error("role", _("Choose one of the roles."))
    owners = Membership.objects.filter(partner_id=partner_id, role=Role.OWNER)
    if role != Role.OWNER and owners.filter(user=user).exists() and owners.count() <= 1:
        raise _field_error("role", str(_refuse_last_owner().message), code="last_owner")


@transaction.atomic
def membership_grant(*, partner_id: int, user: "User", role: str) -> Membership:
    """Seat `user` in a partner as `role` (the platform's staff do, to name a partner's first owner).

    Granting a seat the user holds changes its role; the partner's last owner stays an owner.
    """
    list(Membership.objects.select_for_update().filter(partner_id=partner_id, role=Role.OWNER))
    check_membership_grant(partner_id=partner_id, user=user, role=role)
    membership, created = Membership.objects.get_or_create(partner_id=partner_id, user=user, defaults={"role": role})
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership
