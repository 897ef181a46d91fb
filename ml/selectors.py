"""Reads of the ml domain."""

from typing import Any

from django.db.models import QuerySet

from .models import CourseSkill, ModelVersion


def active_skills() -> QuerySet[CourseSkill]:
    """Skills of the active model version that no manager rejected."""
    return CourseSkill.objects.filter(model_version__is_active=True).exclude(review=CourseSkill.Review.REJECTED)


def course_skill_names(*, course: Any, language: str) -> list[tuple[str, str]]:
    """Distinct (skill, type) of a course for the page's language, most confident first."""
    code = "en" if language.startswith("en") else "zh"
    seen: dict[str, str] = {}
    for text, kind in (
        active_skills().filter(course=course, language=code).order_by("-confidence").values_list("text", "type")
    ):
        seen.setdefault(text.strip(), kind)
    return list(seen.items())[:12]


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
