"""Reads of the ml domain."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from .models import CourseSkill, ModelVersion, SkillTerm

if TYPE_CHECKING:
    from courses.models import Course

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
