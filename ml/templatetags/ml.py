"""Skill chips for course pages, without `courses` importing `ml`."""

from typing import Any

from django import template
from django.utils.translation import get_language

from ml import selectors

register = template.Library()


@register.inclusion_tag("ml/_skill_chips.html")
def skill_chips(course: Any) -> dict[str, Any]:
    return {"skills": selectors.course_skill_names(course=course, language=get_language() or "zh-hans")}


@register.inclusion_tag("ml/_recommendations.html", takes_context=True)
def course_recommendations(context: dict[str, Any], course: Any) -> dict[str, Any]:
    """The course page's "similar courses", "pair it with" and "bought together" rows, each course with why."""
    from ml.recommendations import course_recommendations as recommendations

    user = context["request"].user
    return {"found": recommendations(course=course, user_id=user.pk if user.is_authenticated else None)}


@register.inclusion_tag("ml/_for_you.html", takes_context=True)
def for_you(context: dict[str, Any]) -> dict[str, Any]:
    """The signed-in learner's "for you" row (home page, my learning), each course with why; nothing for visitors."""
    from ml.recommendations import learner_recommendations

    user = context["request"].user
    return {"found": learner_recommendations(user_id=user.pk) if user.is_authenticated else []}
