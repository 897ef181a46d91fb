"""Spans and labels shared by training, inference and evaluation (no torch here)."""

import re
from collections import defaultdict
from collections.abc import Mapping
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
# What a term can begin with in a text: a whole run of ASCII word characters, or any other character.
_UNIT = re.compile(r"[0-9a-z_]+|[^\s0-9a-z_]")


class Lexicon:
    """Terms (term -> type) to find in many texts: indexed once by their first word or character,
    so that a text is searched for the few terms that can occur in it, not for all of them.

    `strict` applies the shared data's silver-span rule word for word: no letter (any script),
    digit or underscore right before or after any term. The platform's default needs a boundary
    only where the term itself begins or ends with an ASCII letter, digit or underscore, so that
    Chinese terms match inside Chinese sentences and "Python" inside "学Python课"."""

    def __init__(
        self, terms: Mapping[str, str], *, strict: bool = False, priors: Mapping[str, float] | None = None
    ) -> None:
        # How likely a term is a skill where it occurs, by the corpus that counted it (lower-cased
        # term -> probability; a manager's own terms have none): the decoder weighs it.
        self.priors = {term.lower().strip(): prior for term, prior in (priors or {}).items()}
        # Per term: its order, lower-cased text, type, and which of its ends need a word boundary.
        self._by_unit: dict[str, list[tuple[int, str, str, tuple[bool, bool]]]] = defaultdict(list)
        self._size = 0
        self._word = re.compile(r"\w" if strict else _WORD)
        for order, (term, kind) in enumerate(terms.items()):
            needle = term.lower().strip()
            if needle:
                ascii_edges = (bool(re.match(_WORD, needle[0])), bool(re.match(_WORD, needle[-1])))
                edges = (True, True) if strict else ascii_edges
                unit = _UNIT.match(needle)
                assert unit is not None  # a stripped, non-empty needle starts with a unit
                self._by_unit[unit.group()].append((order, needle, kind, edges))
                self._size += 1

    def __len__(self) -> int:
        return self._size

    def find(self, text: str, *, overlapping: bool = False) -> list[Span]:
        """Spans of the terms in `text`: case-insensitive, on word boundaries (see the class),
        overlaps resolved longest-first; with `overlapping`, every match (a term inside a longer
        one included), for a decoder that resolves them among the terms it keeps."""
        lowered = text.lower()
        candidates = [entry for unit in set(_UNIT.findall(lowered)) for entry in self._by_unit.get(unit, ())]
        found: list[Span] = []
        # Longest first; terms of equal length in the order they were given.
        for _, needle, kind, edges in sorted(candidates, key=lambda entry: (-len(entry[1]), entry[0])):
            for match in re.finditer(re.escape(needle), lowered):
                start, end = match.span()
                if edges[0] and start > 0 and self._word.match(lowered[start - 1]):
                    continue
                if edges[1] and end < len(lowered) and self._word.match(lowered[end]):
                    continue
                if any(
                    (start, end) == (other.start, other.end) if overlapping else start < other.end and other.start < end
                    for other in found
                ):
                    continue
                found.append(Span(start, end, kind))
        return sorted(found)


def find_terms(text: str, terms: Mapping[str, str], *, strict: bool = False) -> list[Span]:
    """Spans of `terms` (term -> type) in `text` (see `Lexicon`)."""
    return Lexicon(terms, strict=strict).find(text)
