"""Assignments on the lesson page and the gallery on the course page, without `courses` importing `learning`."""

from typing import Any

from django import template

from courses.models import Course, Lesson
from learning import assignment_selectors

register = template.Library()


@register.inclusion_tag("learning/_assignment_box.html", takes_context=True)
def assignment_box(context: dict[str, Any], lesson: Lesson, is_enrolled: bool) -> dict[str, Any]:
    assignment = assignment_selectors.lesson_assignment(lesson=lesson)
    latest = None
    if assignment is not None and is_enrolled:
        attempts = assignment_selectors.learner_submissions(learner=context["request"].user, assignment=assignment)
        latest = attempts[0] if attempts else None
    return {"lesson": lesson, "assignment": assignment, "latest": latest, "is_enrolled": is_enrolled}


@register.inclusion_tag("learning/_gallery.html")
def course_gallery(course: Course) -> dict[str, Any]:
    return {"works": assignment_selectors.course_gallery(course=course)}
