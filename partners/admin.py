from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.request_user import request_user
from courses.admin import ServiceSavedAdmin, add_field_errors
from platform_site.exceptions import ApplicationError

from . import publishing, services, statements
from .models import (
    AgreementEvent,
    ApiToken,
    CourseAssignment,
    CourseShare,
    Invitation,
    LedgerLine,
    Membership,
    PublishRequest,
    Statement,
)


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
    # The stored terms are JSON keyed for the code: the page names what changed in words instead.
    fields = ("campaign", "kind", "partner", "user", "created_at", "changed_terms")
    readonly_fields = fields

    @admin.display(description=_("changed terms"))
    def changed_terms(self, obj: AgreementEvent) -> str:
        from .agreements import TERM_LABELS

        return "、".join(str(TERM_LABELS.get(key, key)) for key in obj.changes) or "—"

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


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    payout_reference = forms.CharField(label=_("Payout reference"), max_length=128)

    def clean_payout_reference(self) -> str:
        reference = self.cleaned_data["payout_reference"].strip()
        if not reference or "\x00" in reference:
            raise forms.ValidationError(_("Enter the payout reference."))
        return reference


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Issued by the monthly job and immutable; finance staff (the "Finance" group, permission
    `mark_statement_paid`) record the payout ("paid on", reference), one statement at a time on
    its page or several with the list's action."""

    form = PayoutForm
    actions = ["mark_statement_paid"]
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

    def has_mark_statement_paid_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("partners.mark_statement_paid")

    @admin.action(description=_("Mark selected statements paid"), permissions=["mark_statement_paid"])
    def mark_statement_paid(self, request: HttpRequest, queryset: QuerySet[Statement]) -> HttpResponse | None:
        """Ask for the payout's date and reference, then record them on each unpaid statement chosen."""
        form = MarkPaidForm(request.POST if "apply" in request.POST else None,
                            initial={"paid_on": timezone.localdate()})  # fmt: skip
        if form.is_bound and form.is_valid():
            marked = 0
            for statement in queryset:
                try:
                    statements.statement_mark_paid(
                        statement=statement,
                        paid_on=form.cleaned_data["paid_on"],
                        reference=form.cleaned_data["payout_reference"],
                    )
                    marked += 1
                except ApplicationError as error:
                    self.message_user(request, f"{statement}: {error.message}", level=messages.ERROR)
            if marked:
                message = ngettext("%(n)d statement marked paid.", "%(n)d statements marked paid.", marked)
                self.message_user(request, message % {"n": marked}, level=messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark statements paid"),
            "form": form,
            "statements": queryset.select_related("partner"),
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/partners/statement/mark_paid.html", context)


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


class PublishDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: publish the course")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    refusal_reason = forms.CharField(
        label=_("Reason (the partner reads it)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    class Meta:
        model = PublishRequest
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", _("Tell the partner why."))
        return data


@admin.register(PublishRequest)
class PublishRequestAdmin(admin.ModelAdmin):
    """Partners' requests to publish a course (PARTNER_PUBLISH_NEEDS_APPROVAL): a course manager
    approves (the course is published) or refuses with a reason the partner reads."""

    form = PublishDecisionForm
    list_display = ("course", "partner", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status", "partner")
    list_select_related = ("course", "partner", "requested_by", "decided_by")
    search_fields = ("course__title_zh", "course__title_en", "partner__name_zh")
    readonly_fields = ("course", "partner", "requested_by", "requested_at", "status", "decided_by", "decided_at",
                       "reason")  # fmt: skip
    actions = ["approve"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:  # type: ignore[override]
        fields = list(self.readonly_fields)
        if isinstance(obj, PublishRequest) and obj.status == PublishRequest.Status.PENDING:
            fields += ["decision", "refusal_reason"]
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("partners.review_publish_request")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_review_permission(request) and (
            obj is None or (isinstance(obj, PublishRequest) and obj.status == PublishRequest.Status.PENDING)
        )

    def save_model(self, request: HttpRequest, obj: PublishRequest, form: forms.ModelForm, change: bool) -> None:
        try:
            if form.cleaned_data["decision"] == "approve":
                publishing.publish_request_approve(publish_request=obj, reviewer=request_user(request))
            else:
                publishing.publish_request_refuse(
                    publish_request=obj, reviewer=request_user(request), reason=form.cleaned_data["refusal_reason"]
                )
        except ApplicationError as error:
            self.message_user(request, str(error.message), level=messages.ERROR)

    @admin.action(description=_("Approve selected requests: publish the courses"), permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[PublishRequest]) -> None:
        approved = 0
        for publish_request in queryset:
            try:
                publishing.publish_request_approve(publish_request=publish_request, reviewer=request_user(request))
                approved += 1
            except ApplicationError as error:
                self.message_user(request, f"{publish_request}: {error.message}", level=messages.ERROR)
        if approved:
            message = ngettext("%(n)d course published.", "%(n)d courses published.", approved)
            self.message_user(request, message % {"n": approved}, level=messages.SUCCESS)


@admin.register(CourseAssignment)
class CourseAssignmentAdmin(ReadOnlyAdmin):
    """Owners and managers assign instructors in the workspace; the admin shows who teaches what."""

    list_display = ("course", "membership", "assigned_by", "created_at")
    list_select_related = ("course", "membership__user", "membership__partner", "assigned_by")
