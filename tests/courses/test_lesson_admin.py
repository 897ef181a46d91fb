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


def test_subtitles_that_are_not_webvtt_are_refused(client, manager):
    lesson = LessonFactory()
    client.force_login(manager)
    data = inline_data(lesson, **{"attachments-TOTAL_FORMS": 0,
                                  "subtitles-0-file": SimpleUploadedFile("en.srt", b"1\n00:00:00,000 --> 00:00:01,000\nhi\n")})  # fmt: skip

    response = client.post(f"/admin/courses/lesson/{lesson.pk}/change/", data)

    assert response.status_code == 200 and "WebVTT" in response.content.decode()
    assert not LessonSubtitle.objects.exists()
