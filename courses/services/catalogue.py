"""Writes of the catalogue: courses created, edited, published and archived."""

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from .. import hooks
from ..models import Course, Partner

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

# What the skill tagger reads: a change to these fires hooks.course_text_changed.
COURSE_TEXT_FIELDS = ("title_zh", "title_en", "description_zh", "description_en")
SLUG_BASE_LENGTH = 70  # of the slug field's 80, leaving room for a "-<n>" suffix
COURSE_FIELDS = (
    "slug", "title_zh", "title_en", "description_zh", "description_en", "track", "level",
    "language", "price", "currency", "cover",
)  # fmt: skip


# ------------------------------------------------------------------------------ catalogue
def check_course_partners(*, partners: list[Partner] | None) -> None:
    """Refuse a course without a partner: someone must teach it and share its revenue."""
    if partners is not None and not list(partners):
        raise ApplicationError(
            _("A course needs at least one partner."),
            code="invalid",
            extra={"fields": {"partners": [_("A course needs at least one partner.")]}},
        )


@transaction.atomic
def course_slug_derive(*, title_en: str, title_zh: str) -> str:
    """Return a slug no course has yet: from the English title, else a short hash of the Chinese one.

    A Chinese manager often leaves the English title empty; slugify() drops every Chinese
    character, and a transliteration would need a dictionary, so `course-<hash>` it is.
    """
    base = slugify(title_en)[:SLUG_BASE_LENGTH].strip("-")
    if not base:
        base = "course-" + hashlib.sha256(title_zh.encode()).hexdigest()[:8]
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def course_create(*, partners: list[Partner], **fields: Any) -> Course:
    check_course_partners(partners=partners)
    course = Course(**{key: value for key, value in fields.items() if key in COURSE_FIELDS})
    if not course.slug:
        course.slug = course_slug_derive(title_en=course.title_en, title_zh=course.title_zh)
    course.full_clean()
    course.save()
    course.partners.set(partners)
    hooks.course_text_changed([course.pk])
    return course


@transaction.atomic
def course_update(*, course: Course, partners: list[Partner] | None = None, **fields: Any) -> Course:
    text_before = [getattr(course, name) for name in COURSE_TEXT_FIELDS]
    check_course_partners(partners=partners)
    for key, value in fields.items():
        if key in COURSE_FIELDS:
            setattr(course, key, value)
    course.full_clean()
    course.save()
    if partners is not None:
        course.partners.set(partners)
    if [getattr(course, name) for name in COURSE_TEXT_FIELDS] != text_before:
        hooks.course_text_changed([course.pk])
    return course


def course_publish(*, course: Course) -> Course:
    if not course.lessons.exists():
        raise ApplicationError(_("A course needs at least one lesson before it is published."), code="no_lessons")
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    hooks.course_text_changed([course.pk])  # its text is public now: readers (the tagger) start on it
    return course


def course_archive(*, course: Course) -> Course:
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    return course
