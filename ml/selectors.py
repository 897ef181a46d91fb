"""Reads of the ml domain."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from courses.models import Course
from platform_site.exceptions import ApplicationError

from . import corpus, datasets
from .files import local_copy
from .models import CourseSkill, ModelVersion, SkillTerm, TrainingCorpus
from .spans import Example, Lexicon, Span

# Skills the model is less sure of than this (the best guess on a bare title, say) still give the
# course its track and wait for the managers' review, but learners and API clients do not see them
# and the skill filter does not match them, unless a manager accepted or corrected them.
SHOWN_CONFIDENCE = 0.5


def active_skills() -> QuerySet[CourseSkill]:
    """The active model version's skills that the platform shows: sure enough or confirmed by a
    manager, and not rejected."""
    confirmed = Q(review__in=[CourseSkill.Review.ACCEPTED, CourseSkill.Review.CORRECTED])
    return (
        CourseSkill.objects.filter(model_version__is_active=True)
        .filter(Q(confidence__gte=SHOWN_CONFIDENCE) | confirmed)
        .exclude(review=CourseSkill.Review.REJECTED)
    )


# Where `with_active_skills` puts a course's skills (most confident first).
PREFETCHED = "active_skill_rows"


def with_active_skills(courses: "QuerySet[Course]") -> "QuerySet[Course]":
    """The courses with their active skills prefetched: one query for a whole page."""
    return courses.prefetch_related(
        Prefetch("skills", queryset=active_skills().order_by("-confidence", "start"), to_attr=PREFETCHED)
    )


def distinct_skills(rows: Iterable[CourseSkill], limit: int = 12) -> list[CourseSkill]:
    """The first row of each skill (same text and language, any case), in the given order."""
    seen: dict[tuple[str, str], CourseSkill] = {}
    for row in rows:
        seen.setdefault((row.language, row.text.strip().lower()), row)
    return list(seen.values())[:limit]


def course_skills(course: "Course") -> list[CourseSkill]:
    """A course's distinct active skills, most confident first (prefetched when available)."""
    rows = getattr(course, PREFETCHED, None)
    if rows is None:
        rows = active_skills().filter(course=course).order_by("-confidence", "start")
    return distinct_skills(rows, limit=24)


def course_skill_names(*, course: "Course", language: str) -> list[tuple[str, str]]:
    """Distinct (skill, type) of a course for the page's language, most confident first; those of
    its other text where it has none in this language (a course written in Chinese only)."""
    code = "en" if language.startswith("en") else "zh"
    rows = list(active_skills().filter(course=course).order_by("-confidence", "start"))
    rows = [row for row in rows if row.language == code] or rows
    return [(row.text.strip(), row.type) for row in distinct_skills(rows)]


def lexicon_terms() -> dict[str, str]:
    """The terms the platform uses (every name and alias of each active term) -> their type."""
    return {name: term.type for term in SkillTerm.objects.active() for name in term.names()}


@dataclass(frozen=True)
class SkillProfile:
    """A course's shown skills, each under one key however it was written: the lexicon term's name
    (lower-cased) for any of its names or aliases, else the text itself (lower-cased)."""

    shown: dict[str, str]  # key -> the name to show (the lexicon's, else the text as written)
    types: dict[str, str]  # key -> EntityType of the skill as the tagger typed it


def skill_profiles(*, course_ids: Iterable[int] | None = None) -> dict[int, SkillProfile]:
    """Per course (all with None), its skill profile with aliases merged through the lexicon: two
    queries (the lexicon, the shown skills), whatever the number of courses."""
    canonical: dict[str, str] = {}
    for term in SkillTerm.objects.active():
        for name in term.names():
            canonical.setdefault(name.strip().lower(), term.name)
    rows = active_skills().order_by("course_id", "-confidence", "start")
    if course_ids is not None:
        rows = rows.filter(course_id__in=list(course_ids))
    profiles: dict[int, SkillProfile] = {}
    for course_id, text, kind in rows.values_list("course_id", "text", "type"):
        written = text.strip()
        shown = canonical.get(written.lower(), written)
        key = shown.lower()
        profile = profiles.setdefault(course_id, SkillProfile(shown={}, types={}))
        profile.shown.setdefault(key, shown)
        profile.types.setdefault(key, kind)
    return profiles


def lexicon() -> Lexicon:
    """The managers' lexicon, indexed for tagging: the terms in use and, for those an imported
    corpus counted, how likely each is a skill where it occurs (its aliases share the prior)."""
    terms: dict[str, str] = {}
    priors: dict[str, float] = {}
    for term in SkillTerm.objects.active():
        for name in term.names():
            terms[name] = term.type
            if (prior := term.prior) is not None:
                priors[name] = prior
    return Lexicon(terms, priors=priors)


def skill_names(value: str) -> set[str]:
    """`value` and, where the managers' lexicon has it as a name or an alias, every other name of
    that skill (so "数据分析" also finds "data analysis"); lower-cased."""
    wanted = value.strip().lower()
    names = {wanted}
    for term in SkillTerm.objects.active().filter(Q(name__iexact=wanted) | Q(aliases__icontains=wanted)):
        if wanted in (candidates := {name.lower() for name in term.names()}):
            names |= candidates
    return names


def filter_courses_by_skill(queryset: "QuerySet[Course]", name: str, value: str) -> "QuerySet[Course]":
    """Catalogue filter: courses in which the active model found this skill, under any of its
    names, in either language."""
    if not value.strip():
        return queryset
    matching = active_skills().annotate(lowered=Lower("text")).filter(lowered__in=skill_names(value))
    return queryset.filter(pk__in=matching.values("course_id"))


def model_version(*, name: str = "") -> ModelVersion | None:
    """The version called `name`, or the active one when no name is given."""
    versions = ModelVersion.objects.all()
    return versions.filter(name=name).first() if name else versions.filter(is_active=True).first()


# ------------------------------------------------------------------------------ training data
def course_texts(course: Course) -> dict[str, str]:
    texts = {"zh": f"{course.title_zh}\n{course.description_zh}"}
    if course.title_en or course.description_en:
        texts["en"] = f"{course.title_en}\n{course.description_en}"
    return texts


def training_examples(
    *, sources: Iterable[str], files: Iterable[Path] = (), corpora: Iterable[int] = ()
) -> tuple[list[Example], dict[str, int]]:
    """Gather examples from the named sources, files and imported corpora (ids); return them and a
    count per source."""
    examples: list[Example] = []
    summary: dict[str, int] = {}
    for source in sources:
        if source == "corpus":
            found = corpus.build()
        elif source == "lexicon":
            terms = lexicon_terms()
            texts = [t for c in Course.objects.published() for t in course_texts(c).values()]
            found = list(datasets.lexicon_examples(texts, terms)) if terms else []
        elif source == "reviewed":
            found = reviewed_examples()
        else:
            raise ApplicationError(_("Unknown data source %(name)s.") % {"name": source}, code="unknown_source")
        summary[source] = len(found)
        examples += found
    for path in files:
        found = datasets.read_file(Path(path))
        name = Path(path).name  # a name, not where a temporary copy lies
        summary[name] = summary.get(name, 0) + len(found)
        examples += found
    chosen = TrainingCorpus.objects.filter(pk__in=list(corpora))
    if missing := set(corpora) - {imported.pk for imported in chosen}:
        raise ApplicationError(_("Imported corpora %(ids)s no longer exist.") % {"ids": sorted(missing)}, code="gone")
    for imported in chosen:
        with imported.file.open("rb") as stream, local_copy(stream, Path(imported.file.name or "").suffix) as path:
            found = datasets.read_file(path)
        summary[f"corpus {imported.name}"] = len(found)
        examples += found
    return examples, summary


def reviewed_examples() -> list[Example]:
    """Course texts whose every predicted span a manager reviewed, as gold: accepted and corrected
    spans are skills, the rest of the text (rejected spans included) is not.

    A text with a span still pending is left out, since training on it would teach that nothing is
    there; so is one whose reviewed spans no longer match the course text (edited since). Where
    several model versions were reviewed on one text, the latest complete review counts."""
    pending = CourseSkill.Review.PENDING
    reviewed_courses = CourseSkill.objects.exclude(review=pending).values("course_id")
    by_review: dict[tuple[int, str, int], list[CourseSkill]] = defaultdict(list)
    for skill in CourseSkill.objects.filter(course_id__in=reviewed_courses).order_by("model_version_id", "start"):
        by_review[(skill.course_id, skill.language, skill.model_version_id)].append(skill)
    courses = Course.objects.in_bulk({course_id for course_id, _, _ in by_review})
    latest: dict[tuple[int, str], Example] = {}
    for (course_id, language, _version), skills in by_review.items():  # by version: later ones replace
        text = course_texts(courses[course_id]).get(language)
        if text is None or any(s.review == pending or not s.matches(text) for s in skills):
            continue
        kept = [s for s in skills if s.review in (CourseSkill.Review.ACCEPTED, CourseSkill.Review.CORRECTED)]
        latest[(course_id, language)] = Example(text, tuple(Span(s.start, s.end, s.type) for s in _disjoint(kept)))
    return list(latest.values())


def _disjoint(skills: list[CourseSkill]) -> list[CourseSkill]:
    """Skills sorted by start, without any that overlaps one before it (a span is one label each)."""
    kept: list[CourseSkill] = []
    for skill in sorted(skills, key=lambda s: (s.start, -s.end)):
        if not kept or skill.start >= kept[-1].end:
            kept.append(skill)
    return kept
