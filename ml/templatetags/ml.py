"""Skill chips for course pages, without `courses` importing `ml`."""

from typing import Any

from django import template
from django.utils.translation import get_language

from ml import selectors

register = template.Library()


@register.inclusion_tag("ml/_skill_chips.html")
def skill_chips(course: Any) -> dict[str, Any]:
    return {"skills": selectors.course_skill_names(course=course, language=get_language() or "zh-hans")}
