"""The lesson page plays its media for who may open it, with the learner's watermark."""

import pytest
from django.core.files.base import ContentFile

from courses.models import Enrollment, LessonAttachment, LessonSubtitle
from learning import services as learning_services
from tests.courses.media_helpers import installed_media
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_lesson(course):
    lesson = LessonFactory(course=course, position=5, kind="video")
    installed_media(lesson)
    for language in ("zh-hans", "en"):
        subtitle = LessonSubtitle(lesson=lesson, language=language)
        subtitle.file.save(f"{language}.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nhello\n"))
    attachment = LessonAttachment(lesson=lesson, title_zh="讲义", title_en="Handout", kind="pdf", size=2048)
    attachment.file.save("handout.pdf", ContentFile(b"%PDF-1.4\n"))
    return lesson


def test_an_enrolled_learner_gets_the_player_with_a_masked_watermark(client, learner, course, video_lesson):
    Enrollment.objects.create(learner=learner, course=course)
    client.force_login(learner)

    page = client.get(video_lesson.get_absolute_url()).content.decode()

    assert 'data-testid="player"' in page and "/learn/media/" in page
    assert 'data-testid="watermark">a***e<' in page
    assert 'srclang="zh-hans"' in page and "default" in page.split('srclang="zh-hans"')[1][:200]
    assert "讲义" in page and "js/player.js" in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_subtitles_follow_the_page_language(client, learner, course, video_lesson):
    Enrollment.objects.create(learner=learner, course=course)
    client.force_login(learner)
    client.get("/lang/en/")

    page = client.get(video_lesson.get_absolute_url()).content.decode()

    assert 'srclang="en"' in page and "default" in page.split('srclang="en"')[1][:200]
    assert "Handout" in page


def test_the_page_resumes_where_the_learner_left(client, learner, course, video_lesson):
    Enrollment.objects.create(learner=learner, course=course)
    learning_services.progress_report(learner=learner, lesson=video_lesson, position=42.5, watched=[[0, 42.5]], at=1)
    client.force_login(learner)

    assert 'data-resume="42.5"' in client.get(video_lesson.get_absolute_url()).content.decode()


def test_my_learning_shows_progress_and_continue(client, learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    first, second, _third = course.lessons.order_by("position")
    learning_services.lesson_mark_done(learner=learner, lesson=first)
    client.force_login(learner)

    page = client.get("/me/").content.decode()

    assert 'value="33"' in page and f'href="{second.get_absolute_url()}"' in page
