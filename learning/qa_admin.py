"""Moderating lesson questions and answers in the admin: hide (with a reason kept) or show again.

Every change goes through the services; the text is its author's and is never edited here."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.request_user import request_user

from . import qa_services
from .models import Answer, QaReport, Question
from .review_admin import ModerationActionForm, hide_each

if TYPE_CHECKING:
    from accounts.models import User

HIDDEN_FIELDS = ["hidden_at", "hidden_reason", "hidden_by"]


def _post_hide(moderator: "User", post: Question | Answer, reason: str) -> object:
    return qa_services.post_hide(moderator=moderator, post=post, reason=reason)


class PostAdmin(admin.ModelAdmin):
    action_form = ModerationActionForm
    actions = ["hide", "unhide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # hidden, never deleted: the reason stays

    @admin.action(description=gettext_lazy("Hide the selected items (give the reason above)"),
                  permissions=["change"])  # fmt: skip
    def hide(self, request: HttpRequest, queryset: QuerySet[Question] | QuerySet[Answer]) -> None:
        posts: list[Question | Answer] = list(queryset)
        hide_each(request, posts, _post_hide, _("%(count)d hidden."))

    @admin.action(description=gettext_lazy("Show the selected items again"), permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[Question] | QuerySet[Answer]) -> None:
        moderator = request_user(request)
        for post in queryset:
            qa_services.post_unhide(moderator=moderator, post=post)
        messages.success(request, _("%(count)d shown again.") % {"count": len(queryset)})


@admin.register(Question)
class QuestionAdmin(PostAdmin):
    list_display = ["text", "lesson", "author", "created_at", "answer_count", "hidden_at", "hidden_reason"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter), "lesson__course"]
    search_fields = ["text", "author__username", "lesson__course__slug"]
    list_select_related = ["lesson__course", "author"]
    readonly_fields = ["lesson", "author", "text", "timestamp_seconds", "accepted_answer", "created_at",
                       *HIDDEN_FIELDS]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(description=gettext_lazy("answers"), ordering="answer_count")
    def answer_count(self, question: Question) -> int:
        return int(getattr(question, "answer_count", 0))


@admin.register(Answer)
class AnswerAdmin(PostAdmin):
    list_display = ["text", "question", "author", "is_instructor", "created_at", "hidden_at", "hidden_reason"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter), "is_instructor"]
    search_fields = ["text", "author__username"]
    list_select_related = ["question", "author"]
    readonly_fields = ["question", "author", "text", "is_instructor", "created_at", "notified_at", *HIDDEN_FIELDS]


@admin.register(QaReport)
class QaReportAdmin(admin.ModelAdmin):
    """The reports queue of questions and answers ("dealt with at: empty" are the open ones)."""

    list_display = ["target", "reason", "note", "learner", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason"]
    search_fields = ["note", "question__text", "answer__text", "learner__username"]
    list_select_related = ["question", "answer", "learner"]
    readonly_fields = ["question", "answer", "learner", "reason", "note", "created_at", "resolved_at"]
    action_form = ModerationActionForm
    actions = ["hide_posts", "keep_posts"]

    @admin.display(description=gettext_lazy("reported"))
    def target(self, report: QaReport) -> str:
        return str(report.question or report.answer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: QaReport | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("learning.change_question") and request.user.has_perm("learning.change_answer")

    @staticmethod
    def _posts(queryset: QuerySet[QaReport]) -> list[Question | Answer]:
        return [
            *Question.objects.filter(pk__in=queryset.filter(question__isnull=False).values("question_id")),
            *Answer.objects.filter(pk__in=queryset.filter(answer__isnull=False).values("answer_id")),
        ]

    @admin.action(description=gettext_lazy("Hide the reported items (give the reason above)"),
                  permissions=["moderate"])  # fmt: skip
    def hide_posts(self, request: HttpRequest, queryset: QuerySet[QaReport]) -> None:
        hide_each(request, self._posts(queryset), _post_hide, _("%(count)d hidden."))

    @admin.action(description=gettext_lazy("Keep the reported items shown (their reports are dealt with)"),
                  permissions=["moderate"])  # fmt: skip
    def keep_posts(self, request: HttpRequest, queryset: QuerySet[QaReport]) -> None:
        moderator = request_user(request)
        kept = sum(qa_services.post_reports_keep(moderator=moderator, post=post) for post in self._posts(queryset))
        messages.success(request, _("%(count)d reports dealt with.") % {"count": kept})
