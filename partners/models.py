"""Partner members, their roles and the invitations that make them members.

The partner itself is `courses.models.Partner`: courses, orders and campaigns hang on it, and
`courses` (the ground floor) cannot depend on this app.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Currency, Order, Partner

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
        """Not revoked and not expired (a token without an expiry never expires)."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


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
    # Empty: it never expires (the tokens made before expiry existed); new ones always get a date.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class CourseShare(models.Model):
    """A course partner's share of the course's sales outside joint campaigns; without any, equal shares."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="partner_shares", verbose_name=_("course")
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    share_percent = models.DecimalField(
        _("revenue share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["course", "partner"]
        verbose_name = _("course revenue share")
        verbose_name_plural = _("course revenue shares")
        constraints = [
            models.UniqueConstraint(fields=["course", "partner"], name="course_share_unique"),
            models.CheckConstraint(
                condition=Q(share_percent__gte=0, share_percent__lte=100), name="course_share_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.partner} ({self.share_percent}%)"


class LedgerPosting(models.Model):
    """One posting of an order to the ledger: its sale when paid, its reversal when refunded.

    The unique (order, entry) pair is what makes posting idempotent: a retried payment callback or
    a second refund finds the posting there and posts nothing.
    """

    class Entry(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="ledger_postings", verbose_name=_("order"))
    entry = models.CharField(_("entry"), max_length=8, choices=Entry.choices)
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("ledger posting")
        verbose_name_plural = _("ledger postings")
        constraints = [models.UniqueConstraint(fields=["order", "entry"], name="ledger_posting_once_per_order_entry")]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_entry_display()}"


class LedgerLine(models.Model):
    """One part of a posted order: a partner's share, or the platform's commission on it.

    Signed: a refund's lines are its sale's lines negated. The parts of a posting add up to the
    order's amount paid (or its negation) exactly. A line is never changed after it is posted,
    except that a statement takes it once.
    """

    class Kind(models.TextChoices):
        SHARE = "share", _("Partner share")
        COMMISSION = "commission", _("Platform commission")

    posting = models.ForeignKey(
        LedgerPosting, on_delete=models.PROTECT, related_name="lines", verbose_name=_("posting")
    )
    # Denormalised from the posting: statements group and sum by them without joins.
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+", verbose_name=_("order"))
    entry = models.CharField(_("entry"), max_length=8, choices=LedgerPosting.Entry.choices)
    posted_at = models.DateTimeField(_("posted at"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The partner whose share this is, or from whose share the commission was taken; empty for
    # the platform's own course (no partner: the whole amount is the platform's).
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_lines", verbose_name=_("partner")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    campaign = models.ForeignKey(
        "marketing.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
        verbose_name=_("campaign"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    statement = models.ForeignKey(
        "Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("statement"),
    )

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        constraints = [
            models.UniqueConstraint(fields=["posting", "kind", "partner"], name="ledger_line_once_per_part"),
            models.CheckConstraint(
                condition=Q(entry="sale", amount__gte=0) | Q(entry="refund", amount__lte=0),
                name="ledger_line_sign_follows_entry",
            ),
        ]
        indexes = [
            # Statement issuing reads a partner's lines not yet on a statement, by time.
            models.Index(
                fields=["partner", "currency", "posted_at"],
                condition=Q(statement__isnull=True),
                name="ledger_line_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_kind_display()} · {self.amount} {self.currency}"


class Statement(models.Model):
    """A partner's monthly statement in one currency: issued once, never changed, except its payout mark.

    The balance carried from the previous statement is what the partner owed back (refunds beyond
    its sales): what the platform owed was due, and paid, on that statement.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="statements", verbose_name=_("partner"))
    month = models.DateField(_("month"))  # the first day of the month it covers
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    opening_balance = models.DecimalField(_("opening balance"), max_digits=12, decimal_places=2)
    sales = models.DecimalField(_("sales"), max_digits=12, decimal_places=2)  # the partner's part, before commission
    refunds = models.DecimalField(_("refunds"), max_digits=12, decimal_places=2)  # negative or zero
    commission = models.DecimalField(_("platform commission"), max_digits=12, decimal_places=2)  # net of refunds
    net = models.DecimalField(_("net"), max_digits=12, decimal_places=2)  # the sum of its share lines
    closing_balance = models.DecimalField(_("closing balance"), max_digits=12, decimal_places=2)
    amount_due = models.DecimalField(_("amount due"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("issued at"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payout_reference = models.CharField(_("payout reference"), max_length=128, blank=True)

    class Meta:
        ordering = ["-month", "partner", "currency"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [("mark_statement_paid", _("Can mark statements paid"))]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month", "currency"], name="statement_once_per_month"),
            models.CheckConstraint(condition=Q(amount_due__gte=0), name="statement_amount_due_not_negative"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | ~Q(payout_reference=""), name="statement_paid_has_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.month:%Y-%m} · {self.currency}"


class DigestedQuestion(models.Model):
    """A lesson question went out in an instructor's digest: each question is in one digest per
    instructor only, whatever the number of runs, retries or partners they teach it for."""

    question = models.ForeignKey("learning.Question", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("lesson question"))  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("instructor"))  # fmt: skip
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question in a digest")
        verbose_name_plural = _("questions in digests")
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="digest_question_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.question_id}"


class CourseAssignment(models.Model):
    """An instructor's assignment to one of the partner's courses: instructors see and teach only
    the courses they are assigned to. Owners and managers assign; removing the membership (or
    the course) removes the assignment."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="course_assignments", verbose_name=_("member")
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="instructor_assignments", verbose_name=_("course")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["course", "membership"]
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        constraints = [
            models.UniqueConstraint(fields=["membership", "course"], name="course_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} → {self.course}"


class PublishRequest(models.Model):
    """A partner's request that the platform publish one of its courses (when
    PARTNER_PUBLISH_NEEDS_APPROVAL is on). A platform manager approves it (the course is
    published) or refuses it with a reason the partner reads; the rows stay as the course's history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="publish_requests", verbose_name=_("course")
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)  # the partner reads it on a refusal

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("publish request")
        verbose_name_plural = _("publish requests")
        permissions = [("review_publish_request", _("Can approve or refuse partners' publish requests"))]
        constraints = [
            # A second click on "publish" finds the open request instead of making another.
            models.UniqueConstraint(
                fields=["course"], condition=Q(status="pending"), name="publish_request_one_pending_per_course"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="publish_request_refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.get_status_display()}"
