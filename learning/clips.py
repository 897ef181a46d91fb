"""A short audio or video clip handed in for a music or performance assignment.

At upload the content decides, never the name: ffmpeg must read the file as audio or video (a
text file or a still image renamed .mp4 is refused), short and small enough; only then is it kept
in protected storage and its job queued. The job (a `SubmissionClip` row on the `media` queue)
transcodes it with the lessons' ffmpeg functions into one web-ready file and a poster.
"""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from courses.media import ffmpeg
from courses.media.services import CONTENT_TYPES, local_copy
from jobs.models import JobStatus
from jobs.services import Heartbeat, JobCancelled, job_create, job_finish, job_run
from platform_site.exceptions import ApplicationError

from .models import Submission, SubmissionClip

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A clip is a minute or three: transcoding it takes seconds; anything near this is stuck.
TRANSCODE_TIMEOUT = 600
_READ_LIMIT_SLACK = 1


class ClipRefused(ApplicationError):
    default_code = "clip_refused"


@dataclass(frozen=True)
class CheckedClip:
    kind: str  # SubmissionClip.Kind
    duration: float


def _minutes(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def clip_failure_message(code: str) -> str:
    """What the learner (and the instructor) read about a clip that failed, in the active language."""
    messages = {
        "not_media": _("This file is not an audio or video clip that can be played. Upload an MP4, MOV, WebM, "
                       "MP3, M4A or WAV file."),
        "too_long": _("The clip is longer than %(limit)s minutes.") % {
            "limit": _minutes(settings.ASSIGNMENT_MAX_CLIP_SECONDS)},
        "too_large": _("The clip is larger than %(limit)d MB.") % {
            "limit": settings.ASSIGNMENT_MAX_CLIP_BYTES // (1024 * 1024)},
        "truncated": _("The clip seems cut off: only part of it could be read. Export it again and submit it."),
        "decode_failed": _("The clip is damaged and could not be converted. Export it again and submit it."),
    }  # fmt: skip
    return messages.get(code, _("The clip could not be converted. Submit it again."))


def _refused(code: str) -> ClipRefused:
    message = clip_failure_message(code)
    return ClipRefused(message, code=code, extra={"fields": {"clip": [message]}})


@contextmanager
def _local_file(upload: IO[bytes]) -> Iterator[Path]:
    """The upload as a local file for ffmpeg: Django's temporary file where it made one, else a copy."""
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        yield Path(temporary())
        return
    with tempfile.TemporaryDirectory(prefix="clip-check-") as folder:
        target = Path(folder) / "upload"
        upload.seek(0)
        with target.open("wb") as out:
            shutil.copyfileobj(upload, out)
        yield target


def check_clip(upload: IO[bytes], *, size: int | None = None) -> CheckedClip:
    """Return what the clip is (video or audio, and how long); raise ClipRefused."""
    limit = settings.ASSIGNMENT_MAX_CLIP_BYTES
    if size is None:  # no declared size (a plain file object): measure it without reading it
        size = upload.seek(0, 2)
    if size > limit:
        raise _refused("too_large")
    with _local_file(upload) as path:
        try:
            info = ffmpeg.probe(path)
        except ffmpeg.MediaError as error:
            raise _refused("not_media") from error
    upload.seek(0)
    if info.duration > settings.ASSIGNMENT_MAX_CLIP_SECONDS:
        raise _refused("too_long")
    kind = SubmissionClip.Kind.VIDEO if info.has_video else SubmissionClip.Kind.AUDIO
    return CheckedClip(kind=kind, duration=info.duration)


def send_clip_task(job_id: int) -> object:
    from .assignment_tasks import clip_process_task

    return clip_process_task.delay(job_id)


def clip_job_create(
    *, submission: Submission, upload: IO[bytes], checked: CheckedClip, learner: "User"
) -> tuple[SubmissionClip, str]:
    """Keep the checked upload in protected storage and queue its job (sent after commit); return
    the job and the stored file's name, for the caller to delete should its transaction fail."""
    field = SubmissionClip._meta.get_field("source")
    storage = field.storage
    name = storage.save(field.generate_filename(SubmissionClip(submission=submission), "source"), File(upload))
    clip, _created = job_create(
        model=SubmissionClip, send=send_clip_task, created_by=learner,
        submission=submission, kind=checked.kind, duration_seconds=checked.duration, source=name,
    )  # fmt: skip
    return clip, name


def _store(clip: SubmissionClip, *, rendition: ffmpeg.Rendition, poster: Path | None) -> None:
    with rendition.path.open("rb") as handle:
        clip.file.save(f"clip{rendition.path.suffix}", File(handle), save=False)
    if poster is not None:
        with poster.open("rb") as handle:
            clip.poster.save("poster.jpg", File(handle), save=False)


def _work(clip: SubmissionClip, beat: Heartbeat) -> None:
    def progress(share: float) -> None:
        if beat(share):  # cancelled, or handed to another run by the reaper: stop ffmpeg
            raise JobCancelled

    source_name = clip.source.name or ""
    with tempfile.TemporaryDirectory(prefix="clip-") as folder:
        workdir = Path(folder)
        source = local_copy(source_name, workdir / "source")
        try:
            info = ffmpeg.probe(source)
            if info.has_video:
                assert info.height is not None
                # One rendition: the instructor watches it once or twice, a second size is waste.
                heights = ffmpeg.video_heights(info.height)[:1]
                rendition = ffmpeg.transcode_video(source, workdir, info=info, on_progress=progress,
                                                   timeout=TRANSCODE_TIMEOUT, heights=heights)[0]  # fmt: skip
                poster: Path | None = ffmpeg.poster(source, workdir / "poster.jpg", info=info, height=heights[0])
            else:
                rendition = ffmpeg.transcode_audio(source, workdir, info=info, on_progress=progress,
                                                   timeout=TRANSCODE_TIMEOUT)  # fmt: skip
                poster = None
        except ffmpeg.MediaError as error:
            logger.info("Submission clip %s failed: %s", clip.pk, error)
            job_finish(job=clip, status=JobStatus.FAILED, error=str(error)[:2000], error_code=error.code)
            return
        _store(clip, rendition=rendition, poster=poster)
    finished = job_finish(
        job=clip, status=JobStatus.SUCCEEDED, progress=1.0, file=clip.file.name, poster=clip.poster.name or "",
        content_type=CONTENT_TYPES.get(rendition.label, "video/mp4"), duration_seconds=rendition.duration,
        size=clip.file.size, source="",
    )  # fmt: skip
    # The upload goes once its conversion is in place; a run that lost the job drops its own files.
    stale = [source_name] if finished else [name for name in (clip.file.name, clip.poster.name) if name]
    transaction.on_commit(partial(delete_files, stale))


def clip_job_run(*, job_id: int) -> SubmissionClip | None:
    return job_run(model=SubmissionClip, job_id=job_id, work=_work)


def delete_files(names: list[str]) -> None:
    storage = SubmissionClip._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # left for the operator; nothing names it any more
            logger.warning("Could not delete %s", name, exc_info=True)


def clip_names(clip: SubmissionClip) -> list[str]:
    return [name for name in (clip.source.name, clip.file.name, clip.poster.name) if name]
