"""A submitted clip is converted by a real Celery worker, its task routed to the `media` queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from courses.models import Enrollment
from jobs.models import JobStatus
from learning import assignments
from learning.models import Assignment, SubmissionClip
from tests.courses import media_helpers
from tests.factories import CourseFactory, UserFactory
from tests.test_celery_worker import celery_worker, wait_for  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_converts_a_submitted_clip(celery_worker):  # noqa: F811
    if connection.vendor == "sqlite":
        pytest.skip("the worker process needs a database file it can open (PostgreSQL in CI)")
    course = CourseFactory()
    learner = UserFactory()
    Enrollment.objects.create(learner=learner, course=course)
    assignment = assignments.assignment_save(lesson=course.lessons.first(), brief_zh="唱一段", work=Assignment.Work.CLIP,
                                             rubric=[{"name_zh": "音准", "max_points": 10}])  # fmt: skip
    video = media_helpers.video(2, 640, 360)

    submission = assignments.submission_create(learner=learner, assignment=assignment,
                                               clip=SimpleUploadedFile("song.mp4", video.read_bytes()))  # fmt: skip

    from learning.assignment_tasks import clip_process_task

    assert clip_process_task.app.amqp.router.route({}, clip_process_task.name)["queue"].name == "media"
    clip_id = submission.clip.pk
    assert wait_for(lambda: SubmissionClip.objects.get(pk=clip_id).is_finished, timeout=120), celery_worker.poll()
    clip = SubmissionClip.objects.get(pk=clip_id)
    assert clip.status == JobStatus.SUCCEEDED, clip.error
    assert clip.is_ready and clip.poster and not clip.source and clip.heartbeat_at
