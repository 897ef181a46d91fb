"""The share poster in Debian's Chromium: a learner submits a painting, the instructor leaves
feedback and passes it, the learner shows it in the gallery, makes a poster and downloads it; its
QR code decodes to the learner's referral link. The poster page at 1366 and 390 px, zh-hans and en."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from courses.models import Enrollment
from learning import assignments
from learning.models import Poster, Submission
from marketing.models import TrackedLink
from tests.factories import (
    CampaignFactory,
    CourseFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    assign_to_partner_courses,
)
from tests.learning.test_assignment_browser import LOADED_WIDTH, SIZES, _context, _painting
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_site_walk import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_downloads_the_poster_of_a_passed_painting(browser, live_server, tmp_path):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partner = PartnerFactory(slug="ink", name_zh="墨韵学堂", name_en="Ink Academy", kind="art_institution")
    course = CourseFactory(
        slug="bamboo", title_zh="墨竹入门", title_en="Painting bamboo", partners=[partner], track="art"
    )
    campaign = CampaignFactory(slug="spring", name_zh="春日联名", name_en="Spring together")
    campaign.art_courses.add(course)
    lesson = course.lessons.get(position=2)
    assignments.assignment_save(
        lesson=lesson, brief_zh="用三种墨色画一丛竹子。", brief_en="Paint a clump of bamboo in three ink tones.",
        rubric=[{"name_zh": "构图", "name_en": "Composition", "max_points": 10}],
    )  # fmt: skip
    learner = UserFactory(username="painter", first_name="竹", last_name="小")
    Enrollment.objects.create(learner=learner, course=course)
    seat = MembershipFactory(partner=partner, role="instructor", user=UserFactory(username="teacher"))
    instructor = assign_to_partner_courses(seat).user

    context = _context(browser, live_server, learner, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + reverse("learning:assignment", args=[lesson.pk]))
    page.get_by_test_id("submission-images").set_input_files(str(_painting(tmp_path / "bamboo.jpg")))
    page.get_by_test_id("submission-submit").click()
    page.wait_for_selector('[data-testid="submission"]')
    context.close()
    submission = Submission.objects.get()

    context = _context(browser, live_server, instructor, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + reverse("partners:submission", args=[submission.pk]))
    page.fill("#id_grade_0", "9")
    page.fill("#id_comment", "竹节挺拔，浓淡分明。")
    page.check('input[name="decision"][value="passed"]')
    page.get_by_test_id("feedback-submit").click()
    page.wait_for_url(f"**{reverse('partners:submissions')}")
    context.close()

    context = _context(browser, live_server, learner, "zh-hans", "phone")
    page = context.new_page()
    page.goto(live_server.url + reverse("learning:assignment", args=[lesson.pk]))
    assert "竹节挺拔" in page.get_by_test_id("feedback-comment").inner_text()
    page.get_by_test_id("publish").click()
    page.get_by_test_id("poster-open").click()
    page.wait_for_selector('[data-testid="poster-form"]')
    assert "春日联名" in page.get_by_test_id("poster-referral").inner_text()
    page.check('input[name="size"][value="moments"]')
    page.get_by_test_id("poster-show-name").check()
    page.fill("#id_display_name", "小竹")
    page.get_by_test_id("poster-make").click()
    page.wait_for_selector('[data-testid="poster"] img')
    assert page.locator('[data-testid="poster"] img').evaluate(LOADED_WIDTH) == 1080
    with page.expect_download() as download_info:
        page.get_by_test_id("poster-download").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    context.close()

    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.size == (1080, 1440)
    codes = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    link = TrackedLink.objects.get(referrer=learner, channel__campaign=campaign, channel__kind="user_referral")
    assert codes == [f"{live_server.url}/r/{link.code}/"]
    poster = Poster.objects.get()

    for language in ("zh-hans", "en"):
        for size in SIZES:
            context = _context(browser, live_server, learner, language, size)
            page = context.new_page()
            page.goto(f"{live_server.url}{reverse('learning:poster', args=[submission.pk])}?poster={poster.pk}")
            page.locator('[data-testid="poster"] img').evaluate(LOADED_WIDTH)
            page.screenshot(path=str(SCREENSHOTS / f"poster-{language}-{size}.png"), full_page=True)
            assert axe_violations(page) == [], (language, size)
            context.close()
