"""Template tags that let learner pages link to the partner workspace without `courses` importing `partners`."""

from typing import Any

from django import template

from partners import selectors

register = template.Library()


@register.inclusion_tag("partners/_workspace_links.html", takes_context=True)
def partner_workspace_links(context: dict[str, Any]) -> dict[str, Any]:
    """The partners the signed-in user is a member of, each a way into its workspace (one query)."""
    user = context["request"].user
    memberships = list(selectors.user_memberships(user=user)) if user.is_authenticated else []
    return {"memberships": memberships, "request": context["request"]}
