"""Template tags that let course pages show marketing bits without `courses` importing `marketing`."""

from typing import Any

from django import template

from marketing import selectors

register = template.Library()


@register.inclusion_tag("marketing/_referral_summary.html", takes_context=True)
def referral_summary(context: dict[str, Any]) -> dict[str, Any]:
    """The learner's referral links and the paid orders they brought (for "my learning")."""
    request = context["request"]
    summary = selectors.referral_summary(learner=request.user)
    links = [(link, request.build_absolute_uri(link.get_absolute_url())) for link in summary.links]
    return {"links": links, "credits": summary.credits, "totals": summary.totals}


@register.inclusion_tag("marketing/_campaign_links.html")
def campaign_links(course: Any = None) -> dict[str, Any]:
    """Links to the running campaigns: all of them (home), or those promoting `course` (its page)."""
    return {"campaigns": selectors.running_campaigns(course=course)}
