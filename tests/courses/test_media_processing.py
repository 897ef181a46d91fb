"""A lesson's uploaded file becomes web-ready renditions, or a failure a manager can act on."""

from pathlib import Path

import pytest
from django.core.files import File

from courses.media import ffmpeg, services
from courses.models import Lesson, LessonMedia
from tests.courses import media_helpers
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def upload(lesson: Lesson, path: Path) -> str:
    with path.open("rb") as handle:
        return services.upload_save(lesson=lesson, upload=File(handle, name=path.name))


def test_probe_reads_duration_size_and_streams():
    info = ffmpeg.probe(media_helpers.video(2, 640, 360))
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (640, 360, "h264", "aac")
    assert info.duration == pytest.approx(2, abs=0.1)


def test_rendition_heights_never_upscale():
    assert ffmpeg.video_heights(1080) == [720, 360]
    assert ffmpeg.video_heights(720) == [720, 360]
    assert ffmpeg.video_heights(480) == [360]
    assert ffmpeg.video_heights(241) == [240]


def test_video_becomes_two_fast_start_mp4_renditions_a_poster_and_the_lesson_duration():
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO, duration_minutes=10)
    progress: list[float] = []

    media = services.media_process(
        lesson=lesson, source_name=upload(lesson, media_helpers.video(2, 1280, 720)), on_progress=progress.append
    )

    renditions = {r.label: r for r in media.renditions.all()}
    assert set(renditions) == {"720p", "360p"}
    assert (renditions["720p"].width, renditions["720p"].height) == (1280, 720)
    assert (renditions["360p"].width, renditions["360p"].height) == (640, 360)
    for rendition in renditions.values():
        with rendition.file.open("rb") as handle:
            head = handle.read(64 * 1024)
        # Fast start: the index ("moov") comes before the media data ("mdat").
        assert 0 <= head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head
        info = ffmpeg.probe(Path(rendition.file.path))
        assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert media.poster and media.poster.size > 1000
    assert media.duration_seconds == pytest.approx(2, abs=0.2)
    lesson.refresh_from_db()
    assert lesson.duration_minutes == 1 and progress and max(progress) <= 1


def test_audio_becomes_aac():
    lesson = LessonFactory(kind=Lesson.Kind.AUDIO)

    media = services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.audio(2)))

    (rendition,) = media.renditions.all()
    assert rendition.label == "audio" and rendition.content_type == "audio/mp4"
    assert ffmpeg.probe(Path(rendition.file.path)).audio_codec == "aac"
    assert not media.poster


@pytest.mark.parametrize(
    "make_file, code",
    [
        (
            lambda tmp: (
                tmp.joinpath("notes.pdf").write_bytes(b"%PDF-1.4 not a video at all\n" * 100) and tmp / "notes.pdf"
            ),
            "not_media",
        ),
        (lambda tmp: media_helpers.truncated(media_helpers.video(3, 640, 360), 0.4), None),
    ],
    ids=["not-media", "truncated"],
)
def test_a_bad_file_fails_with_a_message_and_keeps_the_current_media(tmp_path, make_file, code):
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)
    current = services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.video(2, 640, 360)))
    kept = current.renditions.get().file.name

    with pytest.raises(services.MediaFailed) as failure:
        services.media_process(lesson=lesson, source_name=upload(lesson, make_file(tmp_path)))

    assert code is None or failure.value.code == code
    assert failure.value.message and "Traceback" not in failure.value.message
    assert LessonMedia.objects.get(lesson=lesson).pk == current.pk
    assert current.renditions.get().file.storage.exists(kept)


def test_a_file_longer_than_the_limit_fails(settings):
    settings.MEDIA_MAX_DURATION_SECONDS = 1
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)

    with pytest.raises(services.MediaFailed) as failure:
        services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.video(2, 640, 360)))

    assert failure.value.code == "too_long" and "0:00:01" in failure.value.message


def test_a_video_lesson_refuses_a_file_without_picture():
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)

    with pytest.raises(services.MediaFailed) as failure:
        services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.audio(2)))

    assert failure.value.code == "no_video"


def test_replacing_media_deletes_the_old_files_after_success(django_capture_on_commit_callbacks):
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)
    first = services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.video(2, 640, 360)))
    old = first.renditions.get().file

    with django_capture_on_commit_callbacks(execute=True):
        second = services.media_process(lesson=lesson, source_name=upload(lesson, media_helpers.video(2, 640, 360)))

    assert second.pk != first.pk and not old.storage.exists(old.name)
    assert LessonMedia.objects.filter(lesson=lesson).count() == 1


def test_the_reaper_looks_after_media_jobs(manager, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from courses.media.jobs import media_job_create, media_job_run
    from courses.models import MediaJob
    from jobs.services import jobs_reap_all

    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)
    with django_capture_on_commit_callbacks():
        job, _ = media_job_create(lesson=lesson, upload=SimpleUploadedFile("a.mp4", b"x"), created_by=manager)
    long_ago = timezone.now() - timedelta(hours=1)
    MediaJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=long_ago)

    with django_capture_on_commit_callbacks() as sent:
        outcome = jobs_reap_all()

    assert outcome["requeued"] == 1 and len(sent) == 1
    failed = media_job_run(job_id=job.pk)  # what the resent task does: a clean failure
    assert failed.status == "failed" and failed.error_code == "not_media" and failed.attempts == 2
