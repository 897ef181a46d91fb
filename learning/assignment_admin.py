"""Admin of art assignments: written through `learning.assignments` (the rubric is checked there);
submissions are read-only here, their feedback is given in the partner workspace."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from courses.admin import ServiceSavedAdmin, service_checked_form
from platform_site.exceptions import ApplicationError

from . import assignments
from .models import Assignment, Submission, SubmissionClip, SubmissionImage


def _check(data: dict[str, Any]) -> None:
    rubric = assignments.check_rubric(data.get("rubric"))
    data["rubric"] = rubric
    lesson = data.get("lesson")
    assignments.check_rubric_change(assignment=Assignment.objects.filter(lesson=lesson).first() if lesson else None,
                                    rubric=rubric)  # fmt: skip
    if not (data.get("brief_zh") or "").strip():
        raise ApplicationError("", extra={"fields": {"brief_zh": [assignments.brief_missing_message()]}})


@admin.register(Assignment)
class AssignmentAdmin(ServiceSavedAdmin):
    form = service_checked_form(_check)
    list_display = ["lesson", "work", "required_for_completion", "due_at", "updated_at"]
    list_filter = ["work", "required_for_completion"]
    search_fields = ["lesson__title_zh", "lesson__course__title_zh", "brief_zh"]
    raw_id_fields = ["lesson"]

    def _service(self, data: dict[str, Any]) -> Model:
        return assignments.assignment_save(
            lesson=data["lesson"],
            brief_zh=data["brief_zh"],
            brief_en=data.get("brief_en", ""),
            rubric=data["rubric"],
            due_at=data.get("due_at"),
            required_for_completion=data.get("required_for_completion", False),
            work=data.get("work") or Assignment.Work.IMAGES,
        )

    def service_create(self, data: dict[str, Any]) -> Model:
        return self._service(data)

    def service_update(self, obj: Any, data: dict[str, Any]) -> Model:
        return self._service(data)


class SubmissionImageInline(admin.TabularInline):
    model = SubmissionImage
    fields = ["position", "content_type", "width", "height", "size"]
    readonly_fields = ["position", "content_type", "width", "height", "size"]
    extra = 0
    can_delete = False


class SubmissionClipInline(admin.StackedInline):
    model = SubmissionClip
    fields = readonly_fields = ("player", "kind", "status", "progress", "duration_seconds", "size", "error_code",
                                "finished_at")  # fmt: skip
    extra = 0
    can_delete = False

    @admin.display(description=_("clip"))
    def player(self, clip: SubmissionClip) -> SafeString | str:
        if not clip.is_ready:
            return clip.failure_message() if clip.has_failed else str(clip.get_status_display())
        tag = "video" if clip.kind == SubmissionClip.Kind.VIDEO else "audio"
        url = reverse("learning:clip-own", args=[clip.pk, "file"])
        return format_html('<{} controls preload="metadata" src="{}" class="admin-clip"></{}>', tag, url, tag)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "learner", "attempt", "status", "score", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["learner__username", "assignment__lesson__title_zh"]
    inlines = [SubmissionImageInline, SubmissionClipInline]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
