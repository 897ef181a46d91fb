"""Writes of lesson media: make an uploaded file into a lesson's renditions, attachments, subtitles."""

import logging
import math
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from ..models import Lesson, LessonAttachment, LessonMedia, LessonSubtitle, MediaRendition
from . import ffmpeg
from .storage import protected_storage

logger = logging.getLogger(__name__)

COPY_BLOCK = 1024 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
CONTENT_TYPES = {"audio": "audio/mp4"}


class MediaFailed(ApplicationError):
    """The uploaded file cannot become the lesson's media; the message is for the manager, and
    `code` with `extra` let a page say it again in its own language."""

    default_code = "media_failed"

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(media_failure_message(code, params), code=code, extra=params)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def media_failure_message(code: str, params: dict[str, Any]) -> str:
    """A message a course manager understands, for each way a file can fail (active language)."""
    messages = {
        "not_media": _("This file is not a video or audio file that can be read. "
                       "Upload an MP4, MOV, MKV, MP3, M4A or WAV."),
        "truncated": _("The file seems cut off: only part of it could be read (%(detail)s). Upload it again."),
        "decode_failed": _("The file is damaged and could not be converted. Export it again and upload the new file."),
        "too_long": _("The file is %(duration)s long; a lesson may be at most %(limit)s."),
        "no_video": _("This is a video lesson, but the file has no picture."),
        "no_audio": _("This is an audio lesson, but the file has no sound."),
    }  # fmt: skip
    message = messages.get(code, _("The file could not be converted (%(code)s)."))
    try:
        return message % {"code": code, "detail": "", "duration": "", "limit": "", **params}
    except (KeyError, TypeError, ValueError):
        return message


def local_copy(name: str, target: Path) -> Path:
    """Copy a file of protected storage to `target`, by blocks; return `target`."""
    # Storage may be remote (object storage): ffmpeg reads a local file.
    with protected_storage().open(name, "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, COPY_BLOCK)
    return target


def media_process(
    *, lesson: Lesson, source_name: str, on_progress: Callable[[float], None] | None = None
) -> LessonMedia:
    """Probe, transcode and install the uploaded file `source_name` (in protected storage) as the
    lesson's media. Raises MediaFailed with a manager's message; the lesson's current media stays
    as it was until this succeeds."""
    with tempfile.TemporaryDirectory(prefix="lesson-media-") as folder:
        workdir = Path(folder)
        source = local_copy(source_name, workdir / ("source" + Path(source_name).suffix.lower()))
        try:
            info = ffmpeg.probe(source)
            limit = settings.MEDIA_MAX_DURATION_SECONDS
            if info.duration > limit:
                raise MediaFailed("too_long", duration=_duration(info.duration), limit=_duration(limit))
            kind = lesson.kind
            if kind == Lesson.Kind.TEXT:
                kind = Lesson.Kind.VIDEO if info.has_video else Lesson.Kind.AUDIO
            if kind == Lesson.Kind.VIDEO and not info.has_video:
                raise MediaFailed("no_video")
            if kind == Lesson.Kind.AUDIO and not info.has_audio:
                raise MediaFailed("no_audio")
            if kind == Lesson.Kind.VIDEO:
                renditions = ffmpeg.transcode_video(source, workdir, info=info, on_progress=on_progress)
                poster: Path | None = ffmpeg.poster(source, workdir / "poster.jpg", info=info)
            else:
                renditions = [ffmpeg.transcode_audio(source, workdir, info=info, on_progress=on_progress)]
                poster = None
        except ffmpeg.MediaError as error:
            logger.info("Lesson %s: media %s failed: %s", lesson.pk, source_name, error)
            raise MediaFailed(error.code, detail=error.detail if error.code == "truncated" else "") from error
        media = media_install(
            lesson=lesson,
            kind=kind,
            duration=renditions[0].duration,
            renditions=renditions,
            poster=poster,
            source_name=Path(source_name).name,
        )
    # The original goes once its renditions are in place (a failed job keeps it, to retry).
    transaction.on_commit(partial(_delete_files, [source_name]))
    return media


def media_install(
    *, lesson: Lesson, kind: str, duration: float, renditions: list[ffmpeg.Rendition], poster: Path | None,
    source_name: str,
) -> LessonMedia:  # fmt: skip
    """Replace the lesson's media with new files in one transaction; the old files go after commit."""
    stale: list[str] = []
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        old = LessonMedia.objects.filter(lesson=lesson).first()
        if old is not None:
            stale = [r.file.name for r in old.renditions.all() if r.file.name]
            if old.poster.name:
                stale.append(old.poster.name)
            old.delete()
        media = LessonMedia(lesson=lesson, duration_seconds=duration, source_name=source_name[:255])
        if poster is not None:
            with poster.open("rb") as handle:
                media.poster.save("poster.jpg", File(handle), save=False)
        media.save()
        for rendition in renditions:
            row = MediaRendition(
                media=media,
                label=rendition.label,
                content_type=CONTENT_TYPES.get(rendition.label, "video/mp4"),
                width=rendition.width,
                height=rendition.height,
                size=rendition.path.stat().st_size,
            )
            with rendition.path.open("rb") as handle:
                row.file.save(rendition.path.name, File(handle), save=False)
            row.save()
        lesson.kind = kind
        lesson.duration_minutes = max(1, math.ceil(duration / 60))
        lesson.save(update_fields=["kind", "duration_minutes"])
        transaction.on_commit(partial(_delete_files, stale))
    return media


def _delete_files(names: list[str]) -> None:
    storage = protected_storage()
    for name in names:
        storage.delete(name)


def upload_save(*, lesson: Lesson, upload: "UploadedFile[bytes]" | IO[bytes], name: str = "") -> str:
    """Store an uploaded media file for a media job; return its storage name.

    Django's upload handlers have already streamed a large upload to a temporary file; storage
    copies it by chunks, never holding it whole in memory.
    """
    filename = Path(name or getattr(upload, "name", "") or "upload").name
    return protected_storage().save(f"uploads/lesson-{lesson.pk}/{filename}", File(upload, name=filename))


def attachment_kind(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix == ".pdf":
        return LessonAttachment.Kind.PDF
    return LessonAttachment.Kind.IMAGE if suffix in IMAGE_SUFFIXES else LessonAttachment.Kind.FILE


def attachment_create(
    *, lesson: Lesson, upload: "UploadedFile[bytes]", title_zh: str, title_en: str = "", position: int = 0
) -> LessonAttachment:
    kind = attachment_kind(upload.name or "")
    attachment = LessonAttachment(
        lesson=lesson, title_zh=title_zh, title_en=title_en, kind=kind, size=upload.size or 0, position=position
    )
    attachment.file.save(Path(upload.name or "file").name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def subtitle_check(upload: IO[bytes]) -> None:
    """Refuse a file that is not WebVTT (browsers show nothing for it, silently)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ApplicationError(_("Subtitles must be a WebVTT file (it starts with WEBVTT)."), code="not_webvtt")


@transaction.atomic
def subtitle_set(*, lesson: Lesson, language: str, upload: "UploadedFile[bytes]") -> LessonSubtitle:
    """Set the lesson's subtitles in `language`, replacing earlier ones."""
    subtitle_check(upload)
    subtitle = LessonSubtitle.objects.filter(lesson=lesson, language=language).first()
    old = subtitle.file.name if subtitle else ""
    subtitle = subtitle or LessonSubtitle(lesson=lesson, language=language)
    subtitle.file.save(f"{language}.vtt", upload, save=False)
    subtitle.full_clean()
    subtitle.save()
    if old:
        transaction.on_commit(partial(_delete_files, [old]))
    return subtitle
