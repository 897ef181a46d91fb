"""Lesson Q&A in a real browser: a question's moment seeks the player, the ask form takes the
player's moment, and the lesson page and the instructors' inbox are photographed at phone and
desktop widths in both languages."""

import pytest
from django.core.files import File

from courses.media import services as media_services
from courses.models import Enrollment, Lesson
from learning import qa_services
from tests.courses import media_helpers
from tests.factories import (
    CourseFactory,
    LessonFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    assign_to_partner_courses,
)
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, username, *, width, language):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("form [type=submit]")
    page.wait_for_url("**/me/")
    return page


def test_a_questions_moment_seeks_the_player_and_pages_are_photographed(browser, live_server):  # noqa: F811
    partner = PartnerFactory(name_zh="墨韵学堂", name_en="Ink Academy")
    course = CourseFactory(slug="sketching", title_zh="速写入门", title_en="Sketching", partners=[partner], lessons=0)
    lesson = LessonFactory(course=course, position=1, kind=Lesson.Kind.VIDEO, title_zh="线条练习", title_en="Lines")
    source = media_helpers.video(10, 640, 360)
    with source.open("rb") as handle:
        name = media_services.upload_save(lesson=lesson, upload=File(handle, name=source.name))
    media_services.media_process(lesson=lesson, source_name=name)
    learner = UserFactory(username="xiaomei", first_name="小美")
    other = UserFactory(username="ahua", first_name="阿华")
    teacher = UserFactory(username="laoshi", first_name="王老师")
    for user in (learner, other):
        Enrollment.objects.create(learner=user, course=course)
    assign_to_partner_courses(MembershipFactory(partner=partner, user=teacher, role="instructor"))
    MembershipFactory(partner=partner, user=UserFactory(username="jingli", first_name="李经理"), role="manager")
    question = qa_services.question_ask(
        author=learner, lesson=lesson, text="第 6 秒这里的线条为什么要断开？参考 https://example.com/lines", timestamp=6
    )
    qa_services.answer_post(author=teacher, question=question, text="断开的线条留出呼吸感，让形体更轻松。")
    qa_services.answer_post(author=other, question=question, text="我也想知道 <b>这个</b>！")
    qa_services.question_ask(author=other, lesson=lesson, text="用什么铅笔比较好？")

    page = signed_in(browser, live_server, "xiaomei", width=1366, language="zh-hans")
    page.goto(f"{live_server.url}{lesson.get_absolute_url()}?t=6")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 6) < 0.6")
    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 4; }")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 4) < 0.6")
    page.locator(".qa-write summary").first.click()
    page.get_by_test_id("question-text").click()
    assert page.get_by_test_id("question-timestamp").input_value() == "4"
    assert page.locator("b", has_text="这个").count() == 0  # escaped
    # The question's moment link seeks this very player (no reload).
    page.get_by_test_id("question-timestamp-link").click()
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 6) < 0.6")
    assert page.get_by_test_id("question-timestamp-link").get_attribute("href") == "?t=6#player-media"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        for width in (1366, 390):
            shot = signed_in(browser, live_server, "xiaomei", width=width, language=language)
            shot.goto(f"{live_server.url}{lesson.get_absolute_url()}#questions")
            shot.get_by_test_id("questions").screenshot(path=str(SCREENSHOTS / f"lesson-qa-{language}-{width}.png"))
            moderator = signed_in(browser, live_server, "jingli", width=width, language=language)
            moderator.goto(f"{live_server.url}{lesson.get_absolute_url()}#questions")
            moderator.locator(".qa-hide summary").first.click()
            moderator.get_by_test_id("questions").screenshot(
                path=str(SCREENSHOTS / f"lesson-qa-moderator-{language}-{width}.png")
            )
            inbox = signed_in(browser, live_server, "laoshi", width=width, language=language)
            inbox.goto(f"{live_server.url}/partner/questions/")
            assert inbox.get_by_test_id("inbox-row").count() == 1
            inbox.screenshot(path=str(SCREENSHOTS / f"partner-questions-{language}-{width}.png"), full_page=True)
