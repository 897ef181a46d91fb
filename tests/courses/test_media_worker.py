"""Media jobs run on a real Celery worker consuming the `media` queue, on the test database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from courses.media.jobs import media_job_create
from courses.models import Lesson, LessonMedia, MediaJob
from jobs.models import JobStatus
from tests.courses import media_helpers
from tests.factories import LessonFactory
from tests.test_celery_worker import celery_worker, wait_for  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture(autouse=True)
def _postgres():
    if connection.vendor == "sqlite":
        pytest.skip("the worker process needs a database file it can open (PostgreSQL in CI)")


def test_a_real_worker_transcodes_an_upload_into_the_lessons_media(celery_worker, manager):  # noqa: F811
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)

    job, created = media_job_create(lesson=lesson, upload=upload(media_helpers.video(3, 1280, 720)), created_by=manager)

    assert created
    assert wait_for(lambda: MediaJob.objects.get(pk=job.pk).is_finished, timeout=120), celery_worker.poll()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress == 1.0 and job.heartbeat_at and job.duration_seconds == pytest.approx(3, abs=0.2)
    media = LessonMedia.objects.get(lesson=lesson)
    assert sorted(r.label for r in media.renditions.all()) == ["360p", "720p"]
    assert media.poster and not job.source


@pytest.mark.parametrize(
    "make_upload, code",
    [
        (lambda: SimpleUploadedFile("lecture.mp4", b"this is not a video, just text " * 200), "not_media"),
        (lambda: upload(media_helpers.truncated(media_helpers.video(3, 640, 360), 0.3), "cut.mp4"), None),
    ],
    ids=["non-media", "corrupt"],
)
def test_a_bad_upload_fails_the_job_cleanly_and_keeps_the_current_media(celery_worker, manager, make_upload, code):  # noqa: F811
    lesson = LessonFactory(kind=Lesson.Kind.VIDEO)
    good, _ = media_job_create(lesson=lesson, upload=upload(media_helpers.video(2, 640, 360)), created_by=manager)
    assert wait_for(lambda: MediaJob.objects.get(pk=good.pk).status == JobStatus.SUCCEEDED, timeout=120)
    current = LessonMedia.objects.get(lesson=lesson)

    job, _ = media_job_create(lesson=lesson, upload=make_upload(), created_by=manager)

    assert wait_for(lambda: MediaJob.objects.get(pk=job.pk).is_finished, timeout=120)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error_code and (code is None or job.error_code == code), (
        job.status,
        job.error_code,
        job.error,
    )
    assert "Traceback" not in job.failure_message() and job.failure_message() == job.error
    assert job.source and job.source.storage.exists(job.source.name)  # kept, to retry
    assert LessonMedia.objects.get(lesson=lesson).pk == current.pk
    assert celery_worker.poll() is None, "worker died"
