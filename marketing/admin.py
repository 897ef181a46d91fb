from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin import apply_service
from platform_site.exceptions import ServiceUnavailable
from platform_site.queueing import enqueue

from . import dashboard, services, tasks
from .forms import PartnerShareFormSet
from .models import (
    Campaign,
    CampaignPartner,
    CampaignScore,
    Channel,
    Choice,
    Coupon,
    CouponRedemption,
    Question,
    Response,
    Survey,
    TrackedLink,
)


def guarded(model_admin: admin.ModelAdmin, view: Callable[[HttpRequest, int], HttpResponse]) -> Callable:
    """Wrap an extra admin page: admin login, then the model's view permission, as its change list."""

    def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        return view(request, pk)

    return model_admin.admin_site.admin_view(wrapped)


class CampaignPartnerInline(admin.TabularInline):
    model = CampaignPartner
    formset = PartnerShareFormSet
    extra = 0
    autocomplete_fields = ["partner"]


class ChannelInline(admin.TabularInline):
    model = Channel
    extra = 0
    show_change_link = True


class TrackedLinkInline(admin.TabularInline):
    model = TrackedLink
    extra = 0
    fields = ["code", "target_path", "full_link", "referrer"]
    readonly_fields = ["full_link", "referrer"]

    @admin.display(description=_("link to share"))
    def full_link(self, link: TrackedLink) -> str:
        if not link.pk:
            return "-"
        # A read-only input selects in one click: managers copy it into posts and chats.
        return format_html('<input readonly value="{}" size="40" onclick="this.select()">', link.get_absolute_url())


def _status_action(status: str, label: str):
    @admin.action(description=label, permissions=["change"])
    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        apply_service(
            model_admin, request, queryset, lambda c: services.campaign_set_status(campaign=c, status=status),
            lambda n: ngettext("%d campaign updated.", "%d campaigns updated.", n) % n,
        )  # fmt: skip

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "status", "starts_at", "ends_at", "budget", "dashboard_link"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["knowledge_courses", "art_courses"]
    inlines = [CampaignPartnerInline, ChannelInline]
    readonly_fields = ["dashboard_link"]

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
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "kind", "cost"]
    list_filter = ["kind", "campaign"]
    list_select_related = ["campaign"]
    inlines = [TrackedLinkInline]


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "value", "campaign", "valid_from", "valid_until", "total_cap", "per_learner_cap"]
    list_filter = ["kind", "campaign"]
    search_fields = ["code"]
    filter_horizontal = ["courses"]


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    list_display = ["coupon", "order", "learner", "status", "discount", "created_at"]
    list_filter = ["status"]
    list_select_related = ["coupon", "order", "learner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True  # choices are edited on the question's own page
    fields = [("position", "kind", "required", "dimension"), ("text_zh", "text_en"), ("min_value", "max_value")]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "purpose", "campaign", "opens_at", "closes_at", "public_link", "results_link"]
    list_filter = ["purpose", "campaign"]
    search_fields = ["title_zh", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [QuestionInline]

    def get_urls(self):
        return [
            path("<int:pk>/results/", guarded(self, self._results), name="marketing_survey_results"),
            path("<int:pk>/responses.csv", guarded(self, dashboard.survey_responses_csv),
                 name="marketing_survey_responses_csv"),
            *super().get_urls(),
        ]  # fmt: skip

    def _results(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        return dashboard.survey_results(request, survey_id, self)

    @admin.display(description=_("results"))
    def results_link(self, survey: Survey) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:marketing_survey_results", args=[survey.pk]), _("Results")
        )

    @admin.display(description=_("public link"))
    def public_link(self, survey: Survey) -> str:
        return format_html('<a href="{0}">{0}</a>', survey.get_absolute_url())


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "survey", "kind", "dimension", "required"]
    list_filter = ["survey", "kind", "dimension"]
    inlines = [ChoiceInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "respondent", "campaign", "channel", "wants_knowledge", "wants_art", "submitted_at"]
    list_filter = ["survey", "campaign", "channel", "wants_knowledge", "wants_art"]
    list_select_related = ["survey", "respondent", "campaign", "channel"]

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
