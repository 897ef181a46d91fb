from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin import ServiceSavedAdmin, apply_service, guarded, service_checked_form
from platform_site.exceptions import ServiceUnavailable
from platform_site.queueing import enqueue

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from . import dashboard, services, tasks
from .forms import PartnerShareFormSet
from .models import (
    Campaign,
    CampaignPartner,
    CampaignScore,
    Channel,
    Coupon,
    CouponRedemption,
    TrackedLink,
)


def _save_through(formset: Any, save: Callable[[Any], object], delete: Callable[..., None], name: str) -> None:
    """Save an inline's rows through the service: the formset has set their fields, the service checks and saves."""
    for obj in formset.save(commit=False):
        save(obj)
    for obj in formset.deleted_objects:
        delete(**{name: obj})


class CampaignPartnerInline(admin.TabularInline):
    model = CampaignPartner
    formset = PartnerShareFormSet
    extra = 0
    autocomplete_fields = ["partner"]


class ChannelInline(admin.TabularInline):
    model = Channel
    form = service_checked_form(lambda data: services.check_channel(cost=data.get("cost")))
    extra = 0
    show_change_link = True


class TrackedLinkInline(admin.TabularInline):
    model = TrackedLink
    extra = 0
    fields = ["code", "target_path", "full_link", "referrer"]
    readonly_fields = ["full_link", "referrer"]

    class Media:
        js = ["js/select_on_focus.js"]

    @admin.display(description=_("link to share"))
    def full_link(self, link: TrackedLink) -> str:
        if not link.pk:
            return "-"
        # A read-only input selects in one click: managers copy it into posts and chats.
        return format_html('<input readonly value="{}" size="40" data-select-on-focus>', link.get_absolute_url())


def _status_action(status: str, label: "_StrOrPromise"):
    @admin.action(description=label, permissions=["change"])
    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        apply_service(
            model_admin,
            request,
            queryset,
            lambda c: services.campaign_set_status(campaign=c, status=status),
            lambda n: ngettext("%d campaign updated.", "%d campaigns updated.", n) % n,
        )

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Campaign)
class CampaignAdmin(ServiceSavedAdmin):
    form = service_checked_form(
        lambda data: services.check_campaign(
            starts_at=data.get("starts_at"), ends_at=data.get("ends_at"), budget=data.get("budget")
        )
    )
    list_display = ["name_zh", "status", "starts_at", "ends_at", "budget", "dashboard_link"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["knowledge_courses", "art_courses"]
    inlines = [CampaignPartnerInline, ChannelInline]
    # The status moves by the actions below, through the service's transition table.
    readonly_fields = ["status", "dashboard_link"]

    def service_create(self, data: dict[str, Any]) -> Campaign:
        return services.campaign_create(
            knowledge_courses=data.pop("knowledge_courses"), art_courses=data.pop("art_courses"), **data
        )

    def service_update(self, obj: Campaign, data: dict[str, Any]) -> Campaign:
        return services.campaign_update(
            campaign=obj, knowledge_courses=data.pop("knowledge_courses"), art_courses=data.pop("art_courses"), **data
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Channel:
            _save_through(formset, lambda c: services.channel_update(channel=c), services.channel_delete, "channel")
        else:
            formset.save()  # the partners' shares: PartnerShareFormSet ran the service's check

    def get_urls(self):
        prefix = "marketing_campaign"
        return [
            path("<int:pk>/dashboard/", guarded(self, self._dashboard), name=f"{prefix}_dashboard"),
            path("<int:pk>/orders.csv", guarded(self, dashboard.attributed_orders_csv), name=f"{prefix}_orders_csv"),
            path("<int:pk>/split.csv", guarded(self, dashboard.split_statement_csv), name=f"{prefix}_split_csv"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Recompute scores of selected campaigns"), permissions=["view"])
    def recompute_scores(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            enqueue(tasks.campaign_scores_refresh_task, ids)
        except ServiceUnavailable as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        self.message_user(request, _("Scores are being recomputed; the dashboards show them in a moment."))

    def _dashboard(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        return dashboard.campaign_dashboard(request, campaign_id, self)

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, campaign: Campaign) -> str:
        if not campaign.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:marketing_campaign_dashboard", args=[campaign.pk]),
            _("Open the dashboard"),
        )

    actions = [
        "recompute_scores",
        _status_action(Campaign.Status.SCHEDULED, _("Schedule selected campaigns")),
        _status_action(Campaign.Status.RUNNING, _("Start selected campaigns")),
        _status_action(Campaign.Status.ENDED, _("End selected campaigns")),
    ]


@admin.register(Channel)
class ChannelAdmin(ServiceSavedAdmin):
    form = service_checked_form(lambda data: services.check_channel(cost=data.get("cost")))
    list_display = ["name", "campaign", "kind", "cost"]
    list_filter = ["kind", "campaign"]
    list_select_related = ["campaign"]
    inlines = [TrackedLinkInline]

    def service_create(self, data: dict[str, Any]) -> Channel:
        return services.channel_create(**data)

    def service_update(self, obj: Channel, data: dict[str, Any]) -> Channel:
        return services.channel_update(channel=obj, **data)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_through(
            formset, lambda link: services.tracked_link_update(link=link), services.tracked_link_delete, "link"
        )


@admin.register(Coupon)
class CouponAdmin(ServiceSavedAdmin):
    form = service_checked_form(
        lambda data: services.check_coupon_fields(
            kind=data.get("kind"),
            value=data.get("value"),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
    )
    list_display = ["code", "kind", "value", "campaign", "valid_from", "valid_until", "total_cap", "per_learner_cap"]
    list_filter = ["kind", "campaign"]
    search_fields = ["code"]
    filter_horizontal = ["courses"]

    def service_create(self, data: dict[str, Any]) -> Coupon:
        return services.coupon_create(courses=data.pop("courses"), **data)

    def service_update(self, obj: Coupon, data: dict[str, Any]) -> Coupon:
        return services.coupon_update(coupon=obj, courses=data.pop("courses"), **data)


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    list_display = ["coupon", "order", "learner", "status", "discount", "created_at"]
    list_filter = ["status"]
    list_select_related = ["coupon", "order", "learner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CampaignScore)
class CampaignScoreAdmin(admin.ModelAdmin):
    list_display = ["campaign", "computed_at", "f", "g", "h", "respondents", "visitors"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


from . import admin_pairings  # noqa: E402,F401  (registers the pairing suggestions)
