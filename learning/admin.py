"""Learning in the admin: progress rows (read only) and, per course, the figures managers steer by."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, Enrollment
from platform_site.csv_export import csv_response

from . import qa_admin, review_admin, selectors
from .models import Certificate, LessonProgress

__all__ = ["qa_admin", "review_admin"]  # imported to register the moderation admins

CHART_BAR_WIDTH = 36
CHART_HEIGHT = 160


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["learner", "lesson", "watched_seconds", "position_seconds", "completed_at", "updated_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "lesson__course"]
    search_fields = ["learner__username", "lesson__title_zh", "lesson__course__slug"]
    list_select_related = ["learner", "lesson__course"]
    readonly_fields = [f.name for f in LessonProgress._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("courses/", view(self.courses_view), name="learning_course_stats_index"),
            path("courses/<int:course_id>/", view(self.course_view), name="learning_course_stats"),
            path("courses/<int:course_id>/stats.csv", view(self.course_csv), name="learning_course_stats_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra_context = {**(extra_context or {}), "stats_link": True}
        return super().changelist_view(request, extra_context)

    def _check(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def courses_view(self, request: HttpRequest) -> TemplateResponse:
        self._check(request)
        courses = Course.objects.annotate(
            enrolled=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE))
        ).order_by("-enrolled", "slug")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "courses": courses,
                   "title": gettext_lazy("Course progress")}  # fmt: skip
        return TemplateResponse(request, "admin/learning/course_stats_index.html", context)

    def course_view(self, request: HttpRequest, course_id: int) -> TemplateResponse:
        self._check(request)
        stats = selectors.course_stats(course=get_object_or_404(Course, pk=course_id))
        top = max([s.started for s in stats.lessons] + [1])
        bars = []
        for index, s in enumerate(stats.lessons):
            x = 40 + index * (CHART_BAR_WIDTH + 14)
            started_h = round(CHART_HEIGHT * s.started / top)
            stopped_h = round(CHART_HEIGHT * s.stopped_here / top)
            bars.append({
                "x": x, "label_x": x + CHART_BAR_WIDTH // 2, "stats": s,
                "started_h": started_h, "started_y": 10 + CHART_HEIGHT - started_h,
                "stopped_h": stopped_h, "stopped_y": 10 + CHART_HEIGHT - stopped_h,
            })  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": stats.course.title,
            "stats": stats,
            "bars": bars,
            "chart_width": 60 + len(bars) * (CHART_BAR_WIDTH + 14),
            "chart_height": CHART_HEIGHT + 40,
            "bar_width": CHART_BAR_WIDTH,
            "baseline": CHART_HEIGHT + 10,
        }
        return TemplateResponse(request, "admin/learning/course_stats.html", context)

    def course_csv(self, request: HttpRequest, course_id: int) -> HttpResponseBase:
        self._check(request)
        stats = selectors.course_stats(course=get_object_or_404(Course, pk=course_id))
        rows: list[list[object]] = [
            [stats.enrolled, stats.started, stats.completed, stats.average_percent],
            [],
            [_("Position"), _("Lesson"), _("Started"), _("Completed"), _("Stopped here")],
            *(
                [row.lesson.position, row.lesson.title, row.started, row.completed, row.stopped_here]
                for row in stats.lessons
            ),
        ]
        header = [_("Enrolled"), _("Started"), _("Completed"), _("Average progress (%)")]
        return csv_response(filename=f"progress-{stats.course.slug}.csv", header=header, rows=rows)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "name", "course", "learner", "issued_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "course"]
    search_fields = ["serial", "name", "learner__username"]
    list_select_related = ["course", "learner"]
    readonly_fields = ["serial", "learner", "course", "name", "issued_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


from . import assignment_admin  # noqa: E402, F401  (registers the assignment admins)
