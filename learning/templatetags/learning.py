"""Progress on courses pages (syllabus states, "continue", resume), without `courses` importing `learning`."""

from typing import Any

from django import template

from courses.models import Course, Lesson
from learning import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_progress(context: dict[str, Any], course: Course) -> selectors.CourseProgress:
    return selectors.course_progress(learner=context["request"].user, course=course)


@register.simple_tag(takes_context=True)
def courses_progress(context: dict[str, Any], enrollments: Any) -> dict[int, selectors.CourseProgress]:
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    return selectors.courses_progress(learner=user, course_ids=[e.course_id for e in enrollments])


@register.simple_tag(takes_context=True)
def lesson_progress(context: dict[str, Any], lesson: Lesson) -> Any:
    return selectors.lesson_progress(learner=context["request"].user, lesson=lesson)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("learning/_progress_bar.html")
def progress_bar(progress: selectors.CourseProgress | None) -> dict[str, Any]:
    return {"progress": progress}


@register.inclusion_tag("learning/_certificate_box.html", takes_context=True)
def certificate_box(context: dict[str, Any], course: Course, progress: selectors.CourseProgress) -> dict[str, Any]:
    request = context["request"]
    certificate = None
    if request.user.is_authenticated and progress and progress.is_complete:
        certificate = selectors.certificate_of(learner=request.user, course=course)
    return {"course": course, "progress": progress, "certificate": certificate, "csrf_token": context.get("csrf_token")}
