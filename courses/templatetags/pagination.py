"""One pager for every paginated page: the catalogue, a course's reviews, the partner workspace's lists."""

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("_pagination.html", takes_context=True)
def pagination(context: dict[str, Any], page: Page, param: str = "page", anchor: str = "", label: str = "") -> dict:
    """Previous/next links for `page` that keep the request's other query parameters."""

    def url(number: int) -> str:
        query = context["request"].GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{anchor}"

    return {
        "page": page,
        "label": label or _("Pages"),
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
    }
