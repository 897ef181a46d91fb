from typing import Any

from django.utils.translation import get_language


class Translated:
    """A read-only attribute that returns `<name>_zh` or `<name>_en` for the active language.

    The other language fills in when the active one is blank, so a course written only in
    Chinese still shows a title on the English pages.
    """

    def __init__(self, base: str) -> None:
        self.base = base

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        english = (get_language() or "").startswith("en")
        first, second = ("en", "zh") if english else ("zh", "en")
        return getattr(obj, f"{self.base}_{first}") or getattr(obj, f"{self.base}_{second}")
