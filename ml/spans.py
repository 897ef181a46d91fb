"""Spans and labels shared by training, inference and evaluation (no torch here)."""

import re
from dataclasses import dataclass

ENTITY_TYPES = ("KNOWLEDGE", "ART")
# BIO labels in a fixed order; the order is saved with every model version.
LABELS = ("O", *(f"{prefix}-{kind}" for kind in ENTITY_TYPES for prefix in ("B", "I")))


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str
    confidence: float = 1.0

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.type)


@dataclass(frozen=True)
class Example:
    text: str
    spans: tuple[Span, ...]


_WORD = r"[0-9A-Za-z_]"


def find_terms(text: str, terms: dict[str, str]) -> list[Span]:
    """Spans of `terms` (term -> type) in `text`: case-insensitive, on word boundaries (no letter,
    digit or underscore right before or after; CJK terms need none), overlaps resolved longest-first."""
    found: list[Span] = []
    lowered = text.lower()
    for term in sorted(terms, key=len, reverse=True):
        needle = term.lower().strip()
        if not needle:
            continue
        ascii_edges = bool(re.match(_WORD, needle[0])), bool(re.match(_WORD, needle[-1]))
        for match in re.finditer(re.escape(needle), lowered):
            start, end = match.span()
            if ascii_edges[0] and start > 0 and re.match(_WORD, lowered[start - 1]):
                continue
            if ascii_edges[1] and end < len(lowered) and re.match(_WORD, lowered[end]):
                continue
            if any(start < other.end and other.start < end for other in found):
                continue
            found.append(Span(start, end, terms[term]))
    return sorted(found)
