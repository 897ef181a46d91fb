"""Managers keep a lesson's attachments and subtitles in the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import LessonAttachment, LessonSubtitle
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def inline_data(lesson, **extra):
    data = {
        "course": lesson.course_id, "position": lesson.position, "kind": "video", "is_required": "on",
        "duration_minutes": 10, "title_zh": lesson.title_zh, "title_en": "", "body_zh": "", "body_en": "",
        "attachments-TOTAL_FORMS": 1, "attachments-INITIAL_FORMS": 0,
        "subtitles-TOTAL_FORMS": 1, "subtitles-INITIAL_FORMS": 0,
        "media_jobs-TOTAL_FORMS": 0, "media_jobs-INITIAL_FORMS": 0,
        "attachments-0-position": 0, "attachments-0-title_zh": "讲义", "attachments-0-title_en": "Handout",
        "subtitles-0-language": "en",
    }  # fmt: skip
    return {**data, **extra}


def test_a_manager_adds_an_attachment_and_subtitles(client, manager):
    lesson = LessonFactory()
    client.force_login(manager)
    data = inline_data(
        lesson,
        **{
            "attachments-0-file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n" * 10),
            "subtitles-0-file": SimpleUploadedFile("en.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"),
        },
    )

    response = client.post(f"/admin/courses/lesson/{lesson.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = LessonAttachment.objects.get(lesson=lesson)
    assert (attachment.kind, attachment.size) == ("pdf", 90)
    assert LessonSubtitle.objects.get(lesson=lesson).language == "en"
    page = client.get(f"/admin/courses/lesson/{lesson.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and "讲义" in html
    # Protected storage has no public URL: the form still names the files stored, not an empty input.
    assert html.count("当前文件") == 2 and "<code>notes.pdf</code>" in html and "<code>en.vtt</code>" in html


def test_subtitles_that_are_not_webvtt_are_refused(client, manager):
    lesson = LessonFactory()
    client.force_login(manager)
    data = inline_data(lesson, **{"attachments-TOTAL_FORMS": 0,
                                  "subtitles-0-file": SimpleUploadedFile("en.srt", b"1\n00:00:00,000 --> 00:00:01,000\nhi\n")})  # fmt: skip

    response = client.post(f"/admin/courses/lesson/{lesson.pk}/change/", data)

    assert response.status_code == 200 and "WebVTT" in response.content.decode()
    assert not LessonSubtitle.objects.exists()


def test_a_manager_uploads_media_through_the_api_and_learners_cannot(as_user, django_capture_on_commit_callbacks):
    from courses.models import MediaJob
    from tests.courses import media_helpers

    lesson = LessonFactory(kind="video")
    video = media_helpers.video(2, 640, 360)
    upload = SimpleUploadedFile("talk.mp4", video.read_bytes())

    refused = as_user("learner_a").post("/api/v1/media-jobs/", {"lesson": lesson.pk, "file": upload})
    upload.seek(0)
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user("manager").post("/api/v1/media-jobs/", {"lesson": lesson.pk, "file": upload})

    assert refused.status_code == 403
    assert response.status_code == 202 and response.json()["status"] == "queued"
    job = MediaJob.objects.get()
    assert job.source.storage.exists(job.source.name) and job.source_name == "talk.mp4"
    assert len(callbacks) == 1  # the task is sent after commit


def test_a_manager_uploads_media_on_the_lesson_page(client, manager, django_capture_on_commit_callbacks):
    from courses.models import MediaJob

    lesson = LessonFactory()
    client.force_login(manager)
    data = inline_data(lesson, **{"attachments-TOTAL_FORMS": 0, "subtitles-TOTAL_FORMS": 0,
                                  "media_file": SimpleUploadedFile("talk.mp4", b"not really a video")})  # fmt: skip

    with django_capture_on_commit_callbacks():
        response = client.post(f"/admin/courses/lesson/{lesson.pk}/change/", data)

    assert response.status_code == 302
    job = MediaJob.objects.get(lesson=lesson)
    assert job.status == "queued" and job.created_by == manager
    page = client.get(f"/admin/courses/lesson/{lesson.pk}/change/").content.decode()
    assert "talk.mp4" in page and "js/admin-upload.js" in page
