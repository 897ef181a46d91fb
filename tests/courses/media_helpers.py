"""Real media for tests, made by the same ffmpeg the platform runs (small, cached per session)."""

from functools import cache
from pathlib import Path
from tempfile import mkdtemp

from courses.media import ffmpeg


@cache
def _folder() -> Path:
    return Path(mkdtemp(prefix="test-media-"))


@cache
def video(seconds: float = 2, width: int = 640, height: int = 360) -> Path:
    return ffmpeg.make_test_video(_folder() / f"v{seconds}-{width}x{height}.mp4", seconds=seconds, width=width,
                                  height=height)  # fmt: skip


@cache
def audio(seconds: float = 2) -> Path:
    return ffmpeg.make_test_audio(_folder() / f"a{seconds}.wav", seconds=seconds)


def truncated(source: Path, share: float = 0.5) -> Path:
    """The first `share` of a file's bytes: an upload cut off half way."""
    target = _folder() / f"cut-{share}-{source.name}"
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target


def installed_media(lesson, data: bytes = bytes(range(256)) * 4096, duration: float = 60.0):
    """Give a lesson media rows whose rendition holds `data` (no transcode: for serving tests)."""
    from django.core.files.base import ContentFile

    from courses.models import LessonMedia, MediaRendition

    media = LessonMedia.objects.create(lesson=lesson, duration_seconds=duration)
    media.poster.save("poster.jpg", ContentFile(b"\xff\xd8poster"), save=True)
    rendition = MediaRendition(media=media, label="360p", content_type="video/mp4", height=360, size=len(data))
    rendition.file.save("360p.mp4", ContentFile(data), save=True)
    return media
