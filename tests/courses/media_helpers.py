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
