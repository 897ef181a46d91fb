"""What the player page and its renewal endpoint need: who may open a lesson's files, and signed URLs."""

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import Storage
from django.utils.translation import get_language

from .. import hooks, selectors
from ..models import Course, Enrollment, Lesson, LessonAttachment, LessonMedia, LessonSubtitle, MediaRendition
from . import serving
from .storage import protected_storage

if TYPE_CHECKING:
    from accounts.models import User


def can_open(*, lesson: Lesson, user: "User | AnonymousUser") -> bool:
    """Whether `user` may open the lesson's files now: preview, an active enrollment, or a manager.

    Asked on every Range request of a playing video: the common answers (a preview, an enrolled
    learner) cost no query and one; the permission lookup of managers comes last.
    """
    if lesson.course.status == Course.Status.PUBLISHED:
        if lesson.is_free_preview:
            return True
        if (
            user.is_authenticated
            and Enrollment.objects.active().filter(learner=user, course_id=lesson.course_id).exists()
        ):
            return True
        if hooks.lesson_access_granted(user=user, course_id=lesson.course_id):  # the course's instructors
            return True
    return selectors.user_is_manager(user)


def asset_file(asset: serving.Asset) -> tuple[Lesson, Storage, str, str, str] | None:
    """Return (lesson, storage, file name, content type, download name) of an asset; None if gone."""
    model, field = serving.ASSETS[asset.kind]
    related = "media__lesson__course" if model is MediaRendition else "lesson__course"
    row: Any = model._default_manager.select_related(related).filter(pk=asset.id).first()
    if row is None or not getattr(row, field):
        return None
    lesson = row.media.lesson if model is MediaRendition else row.lesson
    name = getattr(row, field).name
    content_type = ""
    download = ""
    if model is MediaRendition:
        content_type = row.content_type
    elif model is LessonSubtitle:
        content_type = "text/vtt; charset=utf-8"
    elif model is LessonAttachment:
        download = name.rsplit("/", 1)[-1]
    return lesson, protected_storage(), name, content_type, download


def mask_account(name: str) -> str:
    """Show the first and last character of an account name, the rest as stars: 'meimei' -> 'm****i'."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * min(len(name) - 2, 6) + name[-1]


def _subtitle_label(language: str) -> str:
    return str(dict(LessonSubtitle.Language.choices).get(language, language))


def media_urls(*, lesson: Lesson, user: "User | AnonymousUser") -> dict[str, Any]:
    """Fresh signed URLs of everything the lesson's player and attachment list open."""

    def sign(kind: str, asset_id: int) -> str:
        return serving.sign(user=user, kind=kind, asset_id=asset_id)

    media: LessonMedia | None = getattr(lesson, "media", None) if lesson.kind != Lesson.Kind.TEXT else None
    language = get_language() or settings.LANGUAGE_CODE
    renditions = list(media.renditions.all()) if media else []
    return {
        "expires_in": settings.MEDIA_URL_MAX_AGE_SECONDS,
        "issued_at": int(time.time()),
        "poster": sign("poster", media.pk) if media and media.poster else "",
        "duration": media.duration_seconds if media else 0,
        "sources": [
            {"label": r.label, "url": sign("rendition", r.pk), "type": r.content_type, "height": r.height}
            for r in renditions
        ],
        "subtitles": [
            {
                "language": s.language,
                "label": str(_subtitle_label(s.language)),
                "url": sign("subtitle", s.pk),
                "default": s.language == language,
            }
            for s in lesson.subtitles.all()
        ],
        "attachments": [
            {"title": str(a.title), "kind": a.kind, "size": a.size, "url": sign("attachment", a.pk)}
            for a in lesson.attachments.all()
        ],
    }


def player_context(*, lesson: Lesson, user: "User | AnonymousUser") -> dict[str, Any]:
    """The lesson page's player: its signed URLs and the watermark's text."""
    urls = media_urls(lesson=lesson, user=user)
    return {
        "player": urls,
        "has_player": bool(urls["sources"]),
        "watermark": mask_account(user.get_username()) if user.is_authenticated else "",
    }
