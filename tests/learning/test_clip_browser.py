"""A music assignment in Debian's Chromium: a learner uploads a performance clip (a renamed text
file first, refused), sees it converting, then plays it on the assignment and lesson pages; an
instructor of the course's partner plays it on the review page. Screenshots at 1366 and 390 px,
in zh-hans and en."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import assignments, clips
from learning.models import Assignment, SubmissionClip
from tests.courses import media_helpers
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.learning.test_assignment_browser import SIZES, _context
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_site_walk import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The player's duration once its metadata has loaded (through the protected, Range-aware URL).
LOADED_DURATION = (
    "v => v.readyState >= 1 ? v.duration : new Promise((ok, no) => {"
    " v.onloadedmetadata = () => ok(v.duration); v.onerror = () => no(String(v.error && v.error.code)); v.load(); })"
)


def _shots(browser, live_server, user, url, name, player=True):  # noqa: F811
    for language in ("zh-hans", "en"):
        for size in SIZES:
            context = _context(browser, live_server, user, language, size)
            page = context.new_page()
            page.goto(url)
            if player:
                assert page.locator('[data-testid$="clip-player"]').first.evaluate(LOADED_DURATION) > 1
            page.screenshot(path=str(SCREENSHOTS / f"clip-{name}-{language}-{size}.png"), full_page=True)
            assert axe_violations(page) == [], (name, language, size)
            context.close()


def test_submit_convert_and_play_a_performance_clip(browser, live_server, tmp_path):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partner = PartnerFactory(slug="strings", name_zh="弦乐坊", name_en="String House")
    course = CourseFactory(slug="violin", title_zh="小提琴入门", title_en="Violin basics", partners=[partner],
                           track="art")  # fmt: skip
    lesson = course.lessons.get(position=2)
    assignments.assignment_save(
        lesson=lesson, brief_zh="录一段 G 大调音阶，一分钟以内。", brief_en="Record a G major scale, under a minute.",
        rubric=[{"name_zh": "音准", "name_en": "Intonation", "max_points": 10}], work=Assignment.Work.CLIP,
    )  # fmt: skip
    learner = UserFactory(username="violinist")
    Enrollment.objects.create(learner=learner, course=course)
    instructor = assign_to_partner_courses(
        MembershipFactory(partner=partner, role="instructor", user=UserFactory(username="maestro"))
    ).user
    assignment_url = live_server.url + reverse("learning:assignment", args=[lesson.pk])

    context = _context(browser, live_server, learner, "zh-hans", "phone")
    page = context.new_page()
    page.goto(live_server.url + lesson.get_absolute_url())
    page.get_by_test_id("assignment-open").click()
    fake = tmp_path / "performance.mp4"
    fake.write_bytes(b"this is a text file, not a performance\n" * 200)
    page.get_by_test_id("submission-clip").set_input_files(str(fake))
    page.get_by_test_id("submission-submit").click()
    assert "不是可以播放的音频或视频片段" in page.get_by_test_id("clip-error").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "clip-refused-zh-hans-phone.png"), full_page=True)
    assert not SubmissionClip.objects.exists()
    page.get_by_test_id("submission-clip").set_input_files(str(media_helpers.video(3, 1280, 720)))
    page.get_by_test_id("submission-submit").click()
    page.wait_for_selector('[data-testid="clip-processing"]')
    context.close()
    _shots(browser, live_server, learner, assignment_url, "converting", player=False)

    clip = SubmissionClip.objects.get()
    assert clips.clip_job_run(job_id=clip.pk).status == "succeeded"

    _shots(browser, live_server, learner, assignment_url, "learner")
    _shots(browser, live_server, learner, live_server.url + lesson.get_absolute_url(), "lesson")
    _shots(browser, live_server, instructor, live_server.url + reverse("partners:submissions"), "queue", player=False)
    review_url = live_server.url + reverse("partners:submission", args=[clip.submission_id])
    _shots(browser, live_server, instructor, review_url, "review")
