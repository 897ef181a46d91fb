"""An art assignment in Debian's Chromium: a learner submits a painting, an instructor of the
course's partner grades and passes it, the learner reads the feedback and shows the work in the
course's gallery. Screenshots of each page at 1366 and 390 px, in zh-hans and en."""

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from courses.models import Enrollment
from learning import assignments
from learning.models import Submission
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_site_walk import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# An image's natural width once it has loaded (lazy ones load when scrolled to, so wait).
LOADED_WIDTH = "img => img.complete ? img.naturalWidth : new Promise(r => { img.onload = () => r(img.naturalWidth) })"
SIZES = {"desktop": {"viewport": {"width": 1366, "height": 900}},
         "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}  # fmt: skip


def _context(browser, live_server, user, language, size):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = browser.new_context(**SIZES[size])
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url},
    ])  # fmt: skip
    return context


def _painting(path):
    image = Image.new("RGB", (900, 600), (245, 240, 225))
    draw = ImageDraw.Draw(image)
    for x in range(60, 900, 140):
        draw.line([(x, 560), (x + 40, 60)], fill=(40, 110, 60), width=14)
    image.save(path, format="JPEG")
    return path


def _shots(browser, live_server, user, url, name):  # noqa: F811
    for language in ("zh-hans", "en"):
        for size in SIZES:
            context = _context(browser, live_server, user, language, size)
            page = context.new_page()
            page.goto(url)
            page.screenshot(path=str(SCREENSHOTS / f"assignment-{name}-{language}-{size}.png"), full_page=True)
            assert axe_violations(page) == [], (name, language, size)
            context.close()


def test_submit_review_and_publish_a_painting(browser, live_server, tmp_path):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partner = PartnerFactory(slug="ink", name_zh="墨韵学堂", name_en="Ink Academy")
    course = CourseFactory(
        slug="bamboo", title_zh="墨竹入门", title_en="Painting bamboo", partners=[partner], track="art"
    )
    lesson = course.lessons.get(position=2)
    assignments.assignment_save(
        lesson=lesson, brief_zh="用三种墨色画一丛竹子。", brief_en="Paint a clump of bamboo in three ink tones.",
        rubric=[{"name_zh": "构图", "name_en": "Composition", "max_points": 10},
                {"name_zh": "笔墨", "name_en": "Brushwork", "max_points": 10}],
        required_for_completion=True,
    )  # fmt: skip
    learner = UserFactory(username="painter")
    Enrollment.objects.create(learner=learner, course=course)
    instructor = assign_to_partner_courses(
        MembershipFactory(partner=partner, role="instructor", user=UserFactory(username="teacher"))
    ).user

    context = _context(browser, live_server, learner, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + lesson.get_absolute_url())
    page.get_by_test_id("assignment-open").click()
    page.get_by_test_id("submission-images").set_input_files(str(_painting(tmp_path / "bamboo.jpg")))
    page.get_by_test_id("submission-submit").click()
    page.wait_for_selector('[data-testid="submission"]')
    assert page.get_by_test_id("submission-status").inner_text() == "待批改"
    assert page.locator(".artwork-grid img").evaluate(LOADED_WIDTH) > 0
    context.close()
    submission = Submission.objects.get()
    _shots(
        browser, live_server, learner, live_server.url + reverse("learning:assignment", args=[lesson.pk]), "submitted"
    )

    context = _context(browser, live_server, instructor, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + reverse("partners:submissions"))
    assert page.locator('[data-testid="submission-row"] img').evaluate(LOADED_WIDTH) > 0
    _shots(browser, live_server, instructor, live_server.url + reverse("partners:submissions"), "queue")
    _shots(browser, live_server, instructor, live_server.url + reverse("partners:submission", args=[submission.pk]),
           "review")  # fmt: skip
    page.goto(live_server.url + reverse("partners:submission", args=[submission.pk]))
    page.fill("#id_grade_0", "12")  # beyond the criterion's 10
    page.fill("#id_grade_1", "9")
    page.fill("#id_comment", "竹节挺拔，浓淡分明。")
    page.check('input[name="decision"][value="passed"]')
    page.get_by_test_id("feedback-submit").click()
    assert page.get_by_test_id("grade_0-error").is_visible()
    page.fill("#id_grade_0", "8")
    page.check('input[name="decision"][value="passed"]')
    page.get_by_test_id("feedback-submit").click()
    page.wait_for_url(f"**{reverse('partners:submissions')}")
    context.close()

    context = _context(browser, live_server, learner, "zh-hans", "phone")
    page = context.new_page()
    page.goto(live_server.url + lesson.get_absolute_url())
    assert "竹节挺拔" in page.get_by_test_id("assignment-feedback").inner_text()
    page.get_by_test_id("assignment-open").click()
    assert page.get_by_test_id("feedback-score").inner_text() == "17 / 20"
    page.get_by_test_id("publish").click()
    page.wait_for_selector('[data-testid="unpublish"]')
    context.close()
    _shots(browser, live_server, learner, live_server.url + reverse("learning:assignment", args=[lesson.pk]), "passed")

    visitor = browser.new_context(viewport={"width": 1366, "height": 900})
    page = visitor.new_page()
    page.goto(live_server.url + course.get_absolute_url())
    gallery = page.get_by_test_id("gallery-work")
    assert gallery.count() == 1 and gallery.locator("img").evaluate(LOADED_WIDTH) > 0
    page.screenshot(path=str(SCREENSHOTS / "assignment-gallery-zh-hans-desktop.png"), full_page=True)
    assert axe_violations(page) == []
    visitor.close()
