"""Template tags that let course pages invite to surveys without `courses` importing `surveys`."""

from typing import Any

from django import template

from surveys import selectors

register = template.Library()


@register.inclusion_tag("surveys/_invitations.html", takes_context=True)
def survey_invitations(context: dict[str, Any], course: Any = None) -> dict[str, Any]:
    """Invite the learner to the open campaign surveys they have not answered (of `course`'s campaigns)."""
    learner = context["request"].user
    course_id = course.pk if course is not None else None
    return {"surveys": selectors.survey_invitations(learner=learner, course_id=course_id)}
