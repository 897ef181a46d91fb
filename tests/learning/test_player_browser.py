"""A learner plays a video lesson in a real browser, seeks, leaves, comes back where they were,
and sees the progress on "My learning"."""

import time
from pathlib import Path

import pytest
from django.core.files import File

from courses.media import services as media_services
from courses.models import Enrollment, Lesson
from learning.models import LessonProgress
from tests.courses import media_helpers
from tests.factories import CourseFactory, LessonFactory, UserFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def video_course():
    course = CourseFactory(slug="sketching", title_zh="速写入门", title_en="Sketching", lessons=0)
    lesson = LessonFactory(course=course, position=1, kind=Lesson.Kind.VIDEO, title_zh="线条练习")
    LessonFactory(course=course, position=2, title_zh="明暗关系")
    source: Path = media_helpers.video(10, 640, 360)
    with source.open("rb") as handle:
        name = media_services.upload_save(lesson=lesson, upload=File(handle, name=source.name))
    media_services.media_process(lesson=lesson, source_name=name)
    return course, lesson


def test_play_seek_leave_resume_and_see_progress(browser, live_server, video_course):  # noqa: F811
    course, lesson = video_course
    learner = UserFactory(username="xiaomei")
    Enrollment.objects.create(learner=learner, course=course)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "xiaomei")
    page.fill("#id_password", "correct-horse-battery")
    page.click("form [type=submit]")
    page.wait_for_url("**/me/")

    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    video = page.locator("video")
    assert page.get_by_test_id("watermark").inner_text() == "x*****i"
    page.evaluate("v => { v.muted = true; v.playbackRate = 2; return v.play(); }", video.element_handle())
    page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
    # Seek back with the keyboard (← is 5 seconds: to 0:05), then leave the page.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 5) < 0.6")
    page.goto(f"{live_server.url}/me/")  # pagehide: the beacon carries the last report

    assert wait_until(lambda: LessonProgress.objects.filter(lesson=lesson, position_seconds__lt=6).exists())
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.is_completed, progress.watched
    assert page.get_by_test_id("course-progress").inner_text().startswith("50%")

    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 5) < 0.6")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "lesson-player.png", full_page=True)
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    assert page.get_by_test_id("state-done").count() == 1
    assert page.get_by_test_id("continue").get_attribute("href").endswith("/lessons/2/")
