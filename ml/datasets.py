"""Training and evaluation data: files in the shared course-record shape (silver spans), JSONL
with explicit spans (gold), the managers' lexicon over course texts, and reviewed predictions."""

import csv
import json
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from ml.spans import ENTITY_TYPES, Example, Lexicon, Span, find_terms

TRACKS = {"knowledge": "KNOWLEDGE", "art": "ART"}


@dataclass(frozen=True)
class Record:
    """A row of the shared CSV shape: id, title, description, skills (;-separated), domain."""

    id: str
    title: str
    description: str
    skills: tuple[str, ...]
    domain: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"

    @property
    def track(self) -> str | None:
        return TRACKS.get(self.domain)

    def silver(self, *, title_only: bool = False, strict: bool = False) -> Example | None:
        """The row's own skills in its text (or title alone), typed by its domain; None for rows of
        other domains. `strict`: word boundaries exactly as the data README defines silver spans
        (for scoring); else the platform's, which also find skills inside Chinese sentences."""
        if self.track is None:
            return None
        text = self.title if title_only else self.text
        return Example(text, tuple(find_terms(text, dict.fromkeys(self.skills, self.track), strict=strict)))


def read_records(path: Path) -> list[Record]:
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Record(
                id=row["id"], title=row.get("title") or "", description=row.get("description") or "",
                skills=tuple(s.strip() for s in (row.get("skills") or "").split(";") if s.strip()),
                domain=(row.get("domain") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]  # fmt: skip


def read_jsonl(path: Path) -> list[Example]:
    """Gold examples: {"text": ..., "spans": [{"start", "end", "type"}]} a line."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError(f'{path}:{number}: expected an object with a "text" string')
            examples.append(Example(row["text"], _gold_spans(row, f"{path}:{number}")))
    return examples


def _gold_spans(row: dict, where: str) -> tuple[Span, ...]:
    """A JSONL row's spans: typed, inside the text, integer offsets, not overlapping."""
    spans = []
    for span in row.get("spans") or []:
        offsets: tuple[Any, Any] = (span.get("start"), span.get("end")) if isinstance(span, dict) else (None, None)
        if (
            not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            or span.get("type") not in ENTITY_TYPES
            or not 0 <= offsets[0] < offsets[1] <= len(row["text"])
        ):
            raise ValueError(f"{where}: bad span {span}")
        spans.append(Span(offsets[0], offsets[1], span["type"]))
    spans.sort()
    for before, after in pairwise(spans):
        if after.start < before.end:
            raise ValueError(f"{where}: overlapping spans {before.key()} and {after.key()}")
    return tuple(spans)


def record_examples(records: Iterable[Record], *, titles: bool = True) -> list[Example]:
    """Training examples of the knowledge/art records: each text with its silver spans and, with
    `titles`, its bare title too (a short title is a task of its own: without these copies the
    model finds next to nothing in one). ART rows are scarce (86 of coursera_2021's 2,280), but
    repeating them three times scored lower on the job's dev split (CHANGELOG, issue 15)."""
    examples: list[Example] = []
    for record in records:
        if (example := record.silver()) is None:
            continue
        examples.append(example)
        if titles:
            title = record.silver(title_only=True)
            assert title is not None  # None only for another domain's rows, skipped above
            examples.append(title)
    return examples


def read_file(path: Path) -> list[Example]:
    if path.suffix == ".jsonl":
        return read_jsonl(path)
    return record_examples(read_records(path))


def lexicon_examples(texts: Iterable[str], terms: dict[str, str]) -> Iterator[Example]:
    """Distant supervision: label every text by the lexicon; texts it finds nothing in are skipped."""
    lexicon = Lexicon(terms)  # indexed once for all the texts
    for text in texts:
        spans = lexicon.find(text)
        if spans:
            yield Example(text, tuple(spans))


@dataclass(frozen=True)
class TermProposal:
    """A lexicon term a training file names: its most used spelling, the type it has most often
    there, how many times the file names it and, of the file's texts it occurs in (`in_texts`),
    how many label it there a skill (`as_skill`)."""

    name: str
    type: str
    occurrences: int
    in_texts: int = 0
    as_skill: int = 0


# The lexicon's column (ml.models.SkillTerm.name): a longer "skill" is a sentence, not a term.
TERM_MAX_LENGTH = 100


def _proposals(named: Iterable[tuple[str, str]]) -> list[TermProposal]:
    """One proposal per term (any case) of these (term, type) pairs, most named first."""
    types: dict[str, Counter[str]] = defaultdict(Counter)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for term, kind in named:
        term = " ".join(term.split())
        if term and len(term) <= TERM_MAX_LENGTH:
            types[term.lower()][kind] += 1
            spellings[term.lower()][term] += 1
    proposals = [
        TermProposal(spellings[key].most_common(1)[0][0], counts.most_common(1)[0][0], counts.total())
        for key, counts in types.items()
    ]
    return sorted(proposals, key=lambda p: (-p.occurrences, p.name.lower()))


def with_term_counts(proposals: list[TermProposal], examples: Iterable[Example]) -> list[TermProposal]:
    """The proposals with, for each, the examples whose text names it (as the lexicon finds it)
    and those of them that label it a skill there: "project" or "analysis" occur in many course
    texts that do not teach them, "TensorFlow" mostly in ones that do (`term_prior`)."""
    lexicon = Lexicon({p.name: p.type for p in proposals})
    in_texts: Counter[str] = Counter()
    as_skill: Counter[str] = Counter()
    for example in examples:
        labelled = {(s.start, s.end) for s in example.spans}
        found: dict[str, bool] = {}
        for span in lexicon.find(example.text):
            key = example.text[span.start : span.end].lower()
            found[key] = found.get(key, False) or (span.start, span.end) in labelled
        for key, skill in found.items():
            in_texts[key] += 1
            as_skill[key] += skill
    return [replace(p, in_texts=in_texts[p.name.lower()], as_skill=as_skill[p.name.lower()]) for p in proposals]


def term_prior(in_texts: int, as_skill: int) -> float | None:
    """How likely a term is a skill of a text that names it, by its corpus (Laplace-smoothed, so
    that a term seen once is not certain); None without counts (a manager's own term)."""
    return (as_skill + 1) / (in_texts + 2) if in_texts else None


def recounted_priors(priors: Mapping[str, float], examples: Iterable[Example]) -> dict[str, float]:
    """The priors of these terms (lower-cased term -> prior) counted again on `examples` alone: a
    training job judges its dev split with priors that were not counted on it (`ml.decoding.calibrate`)."""
    counted = with_term_counts([TermProposal(name, ENTITY_TYPES[0], 0) for name in priors], examples)
    return {p.name: prior for p in counted if (prior := term_prior(p.in_texts, p.as_skill)) is not None}


def record_proposals(records: Iterable[Record]) -> list[TermProposal]:
    """Every skill of the knowledge/art records, typed by the track it appears under most often
    (the data README's lexicon anchor), with its counts in their full texts."""
    records = list(records)
    proposals = _proposals((skill, record.track) for record in records if record.track for skill in record.skills)
    return with_term_counts(proposals, (e for r in records if (e := r.silver()) is not None))


def term_proposals(path: Path) -> list[TermProposal]:
    """The lexicon terms a training file proposes: a CSV's skills (`record_proposals`), a JSONL
    file's gold spans (typed as they are labelled most)."""
    if path.suffix == ".jsonl":
        examples = read_jsonl(path)
        proposals = _proposals((e.text[s.start : s.end], s.type) for e in examples for s in e.spans)
        return with_term_counts(proposals, examples)
    return record_proposals(read_records(path))


def split_by_id(records: list[Record], dev_share: float = 0.2, seed: int = 13) -> tuple[list[Record], list[Record]]:
    """Hold out a share of the records by id (stable for a given seed)."""
    ids = sorted({record.id for record in records})
    random.Random(seed).shuffle(ids)
    dev_ids = set(ids[: int(len(ids) * dev_share)])
    return [r for r in records if r.id not in dev_ids], [r for r in records if r.id in dev_ids]


@contextmanager
def records_csv(records: list[Record], name: str) -> Iterator[Path]:
    """Write records back in the shared shape to `<name>.csv` in a temporary folder (a training
    job's summary names its files by name), for the training data loader; removed on leaving."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "title", "description", "skills", "domain", "source"])
            for r in records:
                writer.writerow([r.id, r.title, r.description, ";".join(r.skills), r.domain, ""])
        yield path
