"""ffmpeg as plain typed functions: probe a file, transcode it to web-ready renditions, take a poster.

The binary comes from the pinned `imageio-ffmpeg` wheel, so a fresh machine needs nothing from the
system. The wheel ships no ffprobe: `probe` reads what `ffmpeg -i` prints about its input.
"""

import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import imageio_ffmpeg

# Renditions, tallest first; a source is never scaled up to one taller than itself.
VIDEO_HEIGHTS = (720, 360)
AUDIO_BITRATE = "128k"
# x264's "veryfast" is 3-4x faster than "medium" for a few percent more bytes: lessons are mostly
# slides and talking heads, and an upload should be watchable within minutes.
X264_PRESET = "veryfast"
X264_CRF = "23"
# An output this much shorter than its input's stated duration means the input was cut off.
TRUNCATED_BELOW = 0.9

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
# Still images and cover art are "video" streams to ffmpeg, but no lesson is made of one.
_STILL_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff"}


class MediaError(Exception):
    """The file cannot be made into a lesson's media; `code` says why, for a translated message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


@dataclass(frozen=True)
class Rendition:
    label: str  # "720p", "360p", "audio"
    path: Path
    width: int | None
    height: int | None
    duration: float


@cache
def executable() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def probe(path: Path) -> Probe:
    """Return what ffmpeg reads in the file's header; MediaError("not_media") when it reads no media."""
    result = subprocess.run(
        [executable(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, text=True, timeout=60
    )  # exits 1 ("no output file"), having printed the input's streams
    text = result.stderr
    video = next((m for m in _VIDEO.finditer(text) if m.group(1) not in _STILL_CODECS), None)
    audio = _AUDIO.search(text)
    duration = _DURATION.search(text)
    if not (video or audio) or duration is None:
        raise MediaError("not_media", text.strip().splitlines()[-1] if text.strip() else "")
    hours, minutes, seconds = duration.groups()
    return Probe(
        duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        width=int(video.group(2)) if video else None,
        height=int(video.group(3)) if video else None,
        video_codec=video.group(1) if video else None,
        audio_codec=audio.group(1) if audio else None,
    )


def video_heights(source_height: int) -> list[int]:
    """Rendition heights for a source: the standard ones it reaches, or its own (even) height."""
    heights = [height for height in VIDEO_HEIGHTS if height <= source_height]
    return heights or [source_height - source_height % 2]


def _run(args: list[str], *, duration: float, on_progress: Callable[[float], None] | None, timeout: float) -> None:
    """Run ffmpeg, reporting the share of `duration` done; MediaError("decode_failed") when it fails."""
    command = [executable(), "-hide_banner", "-nostdin", "-y", "-v", "error", "-progress", "pipe:1", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                if on_progress and line.startswith("out_time_us=") and duration > 0:
                    microseconds = line.split("=", 1)[1].strip()
                    if microseconds.isdigit():
                        on_progress(min(int(microseconds) / 1e6 / duration, 1.0))
            _, errors = process.communicate(timeout=timeout)
        except BaseException:  # a timeout, or the job cancelled from a progress callback
            process.kill()
            raise
    if process.returncode != 0:
        raise MediaError("decode_failed", errors.strip()[-500:])


def _check_complete(rendition: Rendition, expected: float) -> Rendition:
    if expected > 0 and rendition.duration < expected * TRUNCATED_BELOW:
        raise MediaError("truncated", f"{rendition.duration:.1f}s of {expected:.1f}s")
    return rendition


def _offset(on_progress: Callable[[float], None] | None, index: int, parts: int) -> Callable[[float], None] | None:
    """Report part `index` of `parts` equal parts as its share of the whole."""
    if on_progress is None:
        return None
    report = on_progress
    return lambda share: report((index + share) / parts)


def transcode_video(
    source: Path, workdir: Path, *, info: Probe, on_progress: Callable[[float], None] | None = None,
    timeout: float = 3600, heights: Sequence[int] = (),
) -> list[Rendition]:  # fmt: skip
    """Encode H.264/AAC MP4 renditions with the index up front (fast start), tallest first: of
    `heights`, or of every standard height the source reaches (`video_heights`)."""
    assert info.height is not None
    heights = heights or video_heights(info.height)
    renditions = []
    for index, height in enumerate(heights):
        target = workdir / f"{height}p.mp4"
        audio = ["-map", "0:a:0", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"] if info.has_audio else []
        _run(
            ["-i", str(source), "-map", "0:v:0", "-vf", f"scale=-2:{height}", "-c:v", "libx264",
             "-preset", X264_PRESET, "-crf", X264_CRF, "-pix_fmt", "yuv420p", *audio,
             "-movflags", "+faststart", str(target)],
            duration=info.duration, timeout=timeout,
            on_progress=_offset(on_progress, index, len(heights)),
        )  # fmt: skip
        out = probe(target)
        renditions.append(
            _check_complete(Rendition(f"{height}p", target, out.width, out.height, out.duration), info.duration)
        )
    return renditions


def transcode_audio(
    source: Path, workdir: Path, *, info: Probe, on_progress: Callable[[float], None] | None = None,
    timeout: float = 3600,
) -> Rendition:  # fmt: skip
    """Encode AAC in an MP4 (.m4a) container with the index up front."""
    target = workdir / "audio.m4a"
    _run(
        ["-i", str(source), "-vn", "-map", "0:a:0", "-c:a", "aac", "-b:a", AUDIO_BITRATE,
         "-movflags", "+faststart", str(target)],
        duration=info.duration, on_progress=on_progress, timeout=timeout,
    )  # fmt: skip
    out = probe(target)
    return _check_complete(Rendition("audio", target, None, None, out.duration), info.duration)


def poster(source: Path, target: Path, *, info: Probe, height: int = VIDEO_HEIGHTS[0]) -> Path:
    """Write a JPEG frame from a second in (or the middle of a shorter video), at most `height` tall."""
    at = min(1.0, info.duration / 2)
    scale = f"scale=-2:{min(height, info.height or height)}"
    _run(
        ["-ss", f"{at:.2f}", "-i", str(source), "-frames:v", "1", "-vf", scale, "-q:v", "3", str(target)],
        duration=0, on_progress=None, timeout=120,
    )  # fmt: skip
    return target


def make_test_video(target: Path, *, seconds: float = 3, width: int = 640, height: int = 360, tone: int = 440) -> Path:
    """Write a test-pattern video with a sine tone (demo content, tests, benchmarks)."""
    _run(
        ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency={tone}:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
         str(target)],
        duration=0, on_progress=None, timeout=600,
    )  # fmt: skip
    return target


def make_test_audio(target: Path, *, seconds: float = 3, tone: int = 330) -> Path:
    """Write a sine tone (wav, mp3 or m4a by `target`'s suffix)."""
    _run(["-f", "lavfi", "-i", f"sine=frequency={tone}:duration={seconds}", str(target)],
         duration=0, on_progress=None, timeout=600)  # fmt: skip
    return target
