"""Reads of the ml domain."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import CourseSkill, ModelVersion


def active_skills() -> QuerySet[CourseSkill]:
    """Skills of the active model version that no manager rejected."""
    return CourseSkill.objects.filter(model_version__is_active=True).exclude(review=CourseSkill.Review.REJECTED)


# Where `with_active_skills` puts a course's skills (most confident first).
PREFETCHED = "active_skill_rows"


def with_active_skills(courses: QuerySet) -> QuerySet:
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


def course_skills(course: Any) -> list[CourseSkill]:
    """A course's distinct active skills, most confident first (prefetched when available)."""
    rows = getattr(course, PREFETCHED, None)
    if rows is None:
        rows = active_skills().filter(course=course).order_by("-confidence", "start")
    return distinct_skills(rows, limit=24)


def course_skill_names(*, course: Any, language: str) -> list[tuple[str, str]]:
    """Distinct (skill, type) of a course for the page's language, most confident first."""
    code = "en" if language.startswith("en") else "zh"
    rows = active_skills().filter(course=course, language=code).order_by("-confidence", "start")
    return [(row.text.strip(), row.type) for row in distinct_skills(rows)]


def filter_courses_by_skill(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Catalogue filter: courses in which the active model found this skill (any language)."""
    if not value:
        return queryset
    matching = active_skills().filter(text__iexact=value.strip()).values("course_id")
    return queryset.filter(pk__in=matching)


def model_version(*, name: str = "") -> ModelVersion | None:
    """The version called `name`, or the active one when no name is given."""
    versions = ModelVersion.objects.all()
    return versions.filter(name=name).first() if name else versions.filter(is_active=True).first()
