from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from courses.admin import ServiceSavedAdmin, add_field_errors
from platform_site.exceptions import ApplicationError

from . import services, statements
from .models import AgreementEvent, ApiToken, CourseShare, Invitation, LedgerLine, Membership, Statement


class MembershipForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        partner = data.get("partner") or (self.instance.partner if self.instance.pk else None)
        user = data.get("user") or (self.instance.user if self.instance.pk else None)
        if partner is not None and user is not None:
            try:
                services.check_membership_grant(partner_id=partner.pk, user=user, role=data.get("role", ""))
            except ApplicationError as error:
                add_field_errors(self, error)
        return data


@admin.register(Membership)
class MembershipAdmin(ServiceSavedAdmin):
    form = MembershipForm
    list_display = ("user", "partner", "role", "created_at")
    list_filter = ("role", "partner")
    search_fields = ("user__username", "user__email", "partner__name_zh", "partner__name_en")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "partner")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> tuple[str, ...]:
        return ("partner", "user") if obj else ()

    def service_create(self, data: dict[str, Any]) -> Model:
        return services.membership_grant(partner_id=data["partner"].pk, user=data["user"], role=data["role"])

    def service_update(self, obj: Membership, data: dict[str, Any]) -> Model:
        return services.membership_grant(partner_id=obj.partner_id, user=obj.user, role=data["role"])


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are the owners' to send from the workspace; the admin shows them."""

    list_display = ("email", "partner", "role", "created_at", "sent_at", "accepted_at")
    list_filter = ("role", "partner")
    search_fields = ("email", "partner__name_zh")
    readonly_fields = ("partner", "email", "role", "invited_by", "created_at", "sent_at", "accepted_at", "accepted_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    """The agreement trail is written by acceptances and changes of terms only: read-only here."""

    list_display = ("campaign", "kind", "partner", "user", "created_at")
    list_filter = ("kind",)
    list_select_related = ("campaign", "partner", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AgreementEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AgreementEvent | None = None) -> bool:
        return False


@admin.register(CourseShare)
class CourseShareAdmin(admin.ModelAdmin):
    """A course's partners' shares outside campaigns; a course without any splits equally."""

    list_display = ("course", "partner", "share_percent")
    list_select_related = ("course", "partner")
    autocomplete_fields = ("course",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(LedgerLine)
class LedgerLineAdmin(ReadOnlyAdmin):
    """The ledger is posted by payments and refunds only."""

    list_display = ("posted_at", "order", "entry", "kind", "partner", "course", "campaign", "amount", "currency")
    list_filter = ("entry", "kind", "currency", "partner")
    list_select_related = ("order", "partner", "course", "campaign")
    date_hierarchy = "posted_at"


class PayoutForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = ("paid_on", "payout_reference")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("paid_on") and not (data.get("payout_reference") or "").strip():
            self.add_error("payout_reference", _("Enter the payout reference."))
        return data


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Issued by the monthly job and immutable; finance staff record the payout ("paid on", reference)."""

    form = PayoutForm
    list_display = ("partner", "month", "currency", "net", "amount_due", "issued_at", "paid_on", "payout_reference")
    list_filter = ("month", "currency", ("paid_on", admin.EmptyFieldListFilter), "partner")
    search_fields = ("partner__name_zh", "partner__name_en", "payout_reference")
    list_select_related = ("partner",)
    readonly_fields = (
        "partner", "month", "currency", "opening_balance", "sales", "refunds", "commission", "net",
        "closing_balance", "amount_due", "issued_at",
    )  # fmt: skip
    fields = (*readonly_fields, "paid_on", "payout_reference")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Paid is final: a payout recorded is not rewritten from here.
        paid = isinstance(obj, Statement) and obj.paid_on is not None and bool(obj.payout_reference)
        return request.user.has_perm("partners.mark_statement_paid") and not paid

    def save_model(self, request: HttpRequest, obj: Statement, form: forms.ModelForm, change: bool) -> None:
        if obj.paid_on is None:
            return  # nothing to record; the statement itself never changes
        try:
            statements.statement_mark_paid(statement=obj, paid_on=obj.paid_on, reference=obj.payout_reference)
        except ApplicationError as error:  # a second clerk marked it meanwhile
            self.message_user(request, str(error.message), level="error")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Members make and revoke their tokens in the workspace; staff see them (never a secret: only
    its hash is stored) and may delete one that leaked."""

    list_display = ("name", "prefix", "membership", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "membership__user__username", "membership__partner__name_zh")
    list_select_related = ("membership__user", "membership__partner")
    fields = ("name", "prefix", "membership", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
