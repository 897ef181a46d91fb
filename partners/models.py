"""Partner members, their roles and the invitations that make them members.

The partner itself is `courses.models.Partner`: courses, orders and campaigns hang on it, and
`courses` (the ground floor) cannot depend on this app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from courses.models import Partner

from .roles import Action, Role, role_may


class Membership(models.Model):
    """A user's seat in a partner's workspace. A user may hold seats in several partners."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["partner__name_zh", "id"]
        verbose_name = _("partner member")
        verbose_name_plural = _("partner members")
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="membership_unique_per_partner"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"

    def may(self, action: Action) -> bool:
        return role_may(self.role, action)


class Invitation(models.Model):
    """An owner's invitation of an e-mail address to a role. Its link is signed and expires;
    accepting it once makes the membership, and it is spent from then on."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("partner")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # Inviting an address again while its invitation is open renews that one.
            models.UniqueConstraint(
                "partner", Lower("email"), condition=Q(accepted_at__isnull=True), name="invitation_open_per_address"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partner} ({self.get_role_display()})"


class AgreementEvent(models.Model):
    """One line of a joint campaign's agreement trail: a side accepted its terms, or the terms changed.

    A side has agreed when it accepted the terms as they are now (the same digest): any change of
    the terms after an acceptance asks both sides again, without touching the old rows.
    """

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Terms accepted")
        TERMS_CHANGED = "terms_changed", _("Terms changed")

    campaign = models.ForeignKey(
        "marketing.Campaign", on_delete=models.CASCADE, related_name="agreement_events", verbose_name=_("campaign")
    )
    # The side that accepted; empty on a change of terms (the platform's).
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    digest = models.CharField(_("terms digest"), max_length=64)
    terms = models.JSONField(_("terms"), default=dict)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # field -> [before, after]
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A member's key to the partner API (`/api/v1/partner/…`): it acts as that membership.

    Only the SHA-256 of the secret is stored: the member sees the secret once, when it is made.
    Removing the membership deletes its tokens; revoking keeps the row for the record.
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("membership")
    )
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the secret, to tell tokens apart on the page; too few to guess with.
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
