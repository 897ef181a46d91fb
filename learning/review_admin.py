"""Moderating reviews in the admin: reports to read, reviews to hide (with a reason kept) or show again.

Every change goes through the services; nothing is edited in place (the rating and text are the
author's)."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.request_user import request_user
from platform_site.exceptions import ApplicationError

from . import services
from .models import Review, ReviewReply, ReviewReport

if TYPE_CHECKING:
    from accounts.models import User

T = TypeVar("T")


class ModerationActionForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason (for hiding)"), required=False, max_length=services.HIDE_REASON_MAX
    )


def hide_each(request: HttpRequest, items: Iterable[T], hide: Callable[["User", T, str], object], done: str) -> None:
    """Hide each item with the reason the action form carries, through `hide` (a service); the first
    refusal (a missing reason refuses them all alike) is the message, else `done` with the count."""
    moderator, reason, hidden = request_user(request), request.POST.get("reason", ""), 0
    for item in items:
        try:
            hide(moderator, item, reason)
        except ApplicationError as error:
            messages.error(request, error.message)
            return
        hidden += 1
    messages.success(request, done % {"count": hidden})


def _hide(request: HttpRequest, reviews: QuerySet[Review]) -> None:
    hide_each(
        request, reviews, lambda moderator, review, reason: services.review_hide(
            moderator=moderator, review=review, reason=reason
        ), _("%(count)d reviews hidden."),
    )  # fmt: skip


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["course", "learner", "rating", "created_at", "report_count", "hidden_at", "hidden_reason"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter), "rating", "course"]
    search_fields = ["text", "learner__username", "course__slug"]
    list_select_related = ["course", "learner"]
    readonly_fields = ["learner", "course", "rating", "text", "created_at", "updated_at", "hidden_at",
                       "hidden_reason", "hidden_by"]  # fmt: skip
    action_form = ModerationActionForm
    actions = ["hide", "unhide"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(description=gettext_lazy("reports"), ordering="report_count")
    def report_count(self, review: Review) -> int:
        return int(getattr(review, "report_count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Review | None = None) -> bool:
        return False  # hidden, never deleted: the reason stays

    @admin.action(description=gettext_lazy("Hide the selected reviews (give the reason above)"),
                  permissions=["change"])  # fmt: skip
    def hide(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        _hide(request, queryset)

    @admin.action(description=gettext_lazy("Show the selected reviews again"), permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        moderator = request_user(request)
        for review in queryset:
            services.review_unhide(moderator=moderator, review=review)
        messages.success(request, _("%(count)d reviews shown again.") % {"count": len(queryset)})


@admin.register(ReviewReport)
class ReviewReportAdmin(admin.ModelAdmin):
    list_display = ["review", "reason", "note", "learner", "created_at", "review_hidden", "resolved_at"]
    # The queue: "dealt with at: empty" are the open reports.
    list_filter = [
        ("resolved_at", admin.EmptyFieldListFilter),
        "reason",
        ("review__hidden_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["note", "review__text", "learner__username"]
    list_select_related = ["review__course", "review__learner", "learner"]
    readonly_fields = ["review", "learner", "reason", "note", "created_at", "resolved_at"]
    action_form = ModerationActionForm
    actions = ["hide_reviews", "keep_reviews"]

    @admin.display(description=gettext_lazy("review hidden"), boolean=True)
    def review_hidden(self, report: ReviewReport) -> bool:
        return report.review.is_hidden

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewReport | None = None) -> bool:
        return False

    def has_hide_reviews_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("learning.change_review")

    @admin.action(description=gettext_lazy("Hide the reported reviews (give the reason above)"),
                  permissions=["hide_reviews"])  # fmt: skip
    def hide_reviews(self, request: HttpRequest, queryset: QuerySet[ReviewReport]) -> None:
        _hide(request, Review.objects.filter(pk__in=queryset.values("review_id")))

    @admin.action(description=gettext_lazy("Keep the reported reviews shown (their reports are dealt with)"),
                  permissions=["hide_reviews"])  # fmt: skip
    def keep_reviews(self, request: HttpRequest, queryset: QuerySet[ReviewReport]) -> None:
        from .partner_reviews import review_reports_keep

        moderator = request_user(request)
        kept = sum(
            review_reports_keep(moderator=moderator, review=review)
            for review in Review.objects.filter(pk__in=queryset.values("review_id"))
        )
        messages.success(request, _("%(count)d reports dealt with.") % {"count": kept})


@admin.register(ReviewReply)
class ReviewReplyAdmin(admin.ModelAdmin):
    """Partners' public answers, read and hidden (with a reason) or shown again here; partners
    write and edit them in their workspace."""

    list_display = ["review", "partner", "author", "updated_at", "hidden_at", "hidden_reason"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "partner__name_zh", "partner__name_en"]
    list_select_related = ["review__course", "review__learner", "partner", "author"]
    readonly_fields = ["review", "partner", "author", "text", "created_at", "updated_at", "hidden_at",
                       "hidden_reason", "hidden_by"]  # fmt: skip
    action_form = ModerationActionForm
    actions = ["hide", "unhide"]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("learning.change_review")  # the platform's review moderators

    @admin.action(description=gettext_lazy("Hide the selected answers (give the reason above)"),
                  permissions=["moderate"])  # fmt: skip
    def hide(self, request: HttpRequest, queryset: QuerySet[ReviewReply]) -> None:
        from .partner_reviews import review_reply_hide

        hide_each(
            request, queryset.select_related("review"), lambda moderator, reply, reason: review_reply_hide(
                moderator=moderator, reply=reply, reason=reason
            ), _("%(count)d hidden."),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Show the selected answers again"), permissions=["moderate"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[ReviewReply]) -> None:
        from .partner_reviews import review_reply_unhide

        moderator = request_user(request)
        for reply in queryset.select_related("review"):
            review_reply_unhide(moderator=moderator, reply=reply)
        messages.success(request, _("%(count)d shown again.") % {"count": len(queryset)})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewReply | None = None) -> bool:
        return False
