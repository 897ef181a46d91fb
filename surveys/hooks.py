"""Extension point of surveys: where a tracked-link code leads.

A survey link may carry a tracked-link code (`?c=`); the response is then attributed to that
link's campaign and channel. Links belong to `marketing`, which `surveys` does not import:
marketing registers the resolver from its AppConfig.ready().
"""

from collections.abc import Callable

# code -> (campaign id, channel id), or None for an unknown code
LinkResolver = Callable[[str], tuple[int, int] | None]

_link_resolvers: list[LinkResolver] = []


def register_link_resolver(resolver: LinkResolver) -> None:
    if resolver not in _link_resolvers:
        _link_resolvers.append(resolver)


def resolve_link(code: str) -> tuple[int, int] | None:
    """Return the campaign and channel ids of the tracked link `code`, if a resolver knows it."""
    for resolver in _link_resolvers:
        if found := resolver(code):
            return found
    return None
