"""A visitor's whole journey in a real browser: Debian's Chromium driven by Playwright."""

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections

from courses.models import Order
from tests.factories import CourseFactory, PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"))
# Without these, Chromium keeps dialling Google's hosts, which this machine's network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # ORM calls made while Playwright's loop runs open a connection of their own; close it.
        connections.close_all()


def sign_up(page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_password1", "a-long-pass-phrase")
    page.fill("#id_password2", "a-long-pass-phrase")
    page.get_by_test_id("signup").click()


def admin_page(browser, live_server, path: str):
    """A page of the admin site, seen by the manager "boss" after logging in."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")
    return page


def test_visitor_signs_up_buys_a_course_and_opens_a_locked_lesson(browser, live_server):
    course = CourseFactory(
        slug="watercolor-landscapes", title_zh="水彩风景画", title_en="Watercolor Landscapes", track="art",
        description_zh="从湿画法到色彩调和，一步步画出有光影层次的水彩风景。",
        partners=[PartnerFactory(name_zh="青羽艺术培训")],
    )  # fmt: skip
    CourseFactory(title_zh="Python 数据分析入门")
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/courses/")
    page.get_by_role("link", name="水彩风景画").first.click()
    page.wait_for_url(f"**/courses/{course.slug}/")
    locked = page.locator(".syllabus li.locked")
    assert locked.count() == 2

    page.get_by_test_id("buy").click()
    sign_up(page, "meimei")
    page.wait_for_url(f"**/courses/{course.slug}/")

    page.get_by_test_id("buy").click()
    page.wait_for_url("**/pay/sandbox/**")
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**/courses/{course.slug}/")

    assert page.locator(".message.success").is_visible()
    assert page.locator(".syllabus li.locked").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "course-page.png", full_page=True)

    third = course.lessons.get(position=3)
    page.get_by_role("link", name=third.title_zh).click()
    page.wait_for_url("**/lessons/3/")
    assert third.body_zh in page.content()
    assert Order.objects.get(learner__username="meimei").status == "paid"


def test_catalogue_fits_a_phone_screen_in_english(browser, live_server):
    for _ in range(4):
        CourseFactory(lessons=0)
    page = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(f"{live_server.url}/courses/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Catalogue"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "catalogue-phone.png", full_page=True)


def test_tracked_link_sign_up_and_coupon_purchase_show_on_the_managers_dashboard(browser, live_server):
    from tests.factories import CouponFactory, ManagerFactory, TrackedLinkFactory

    link = TrackedLinkFactory(target_path="/courses/")
    campaign = link.channel.campaign
    course = campaign.art_courses.get()  # 300.00
    coupon = CouponFactory(code="SPRING20", campaign=campaign, value=20)
    ManagerFactory(username="boss")
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/r/{link.code}/")
    assert f"c={link.code}" in page.url
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_test_id("buy").click()
    sign_up(page, "lin")
    page.wait_for_url(f"**{course.get_absolute_url()}")
    page.get_by_test_id("coupon").fill(coupon.code)
    page.get_by_test_id("buy").click()
    page.wait_for_url("**/pay/sandbox/**")
    assert "240.00" in page.content()
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**{course.get_absolute_url()}")

    # No refresh here: the payment itself brought the headline figures up to date.
    manager = admin_page(browser, live_server, f"/admin/marketing/campaign/{campaign.pk}/dashboard/")

    assert manager.get_by_test_id("orders").inner_text() == "1"
    recent = manager.get_by_test_id("recent-orders").inner_text()
    assert "lin" in recent and "240.00" in recent
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager.screenshot(path=SCREENSHOTS / "campaign-dashboard.png", full_page=True)


def test_survey_answered_from_a_tracked_link_shows_on_the_results_page(browser, live_server):
    from surveys.models import Response
    from tests.factories import ManagerFactory, SurveyFactory, TrackedLinkFactory

    survey = SurveyFactory()
    link = TrackedLinkFactory(target_path=survey.get_absolute_url())
    ManagerFactory(username="boss")
    likert, art, comment = survey.questions.all()
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)

    page.goto(f"{live_server.url}/r/{link.code}/")
    page.get_by_test_id("submit-survey").click()  # nothing answered: messages beside the fields
    assert page.locator(f"[data-testid=q{likert.pk}] .error").is_visible()
    page.locator(f"[data-testid=q{likert.pk}] input[value='5']").check()
    page.locator(f"[data-testid=q{art.pk}] input[type=radio]").first.check()
    page.locator(f"[data-testid=q{comment.pk}] textarea").fill("多一些周末课程")
    page.get_by_test_id("submit-survey").click()
    page.get_by_test_id("survey-done").wait_for()

    response = Response.objects.get()
    assert (response.campaign, response.channel, response.wants_knowledge) == (
        link.channel.campaign,
        link.channel,
        True,
    )
    manager = admin_page(browser, live_server, f"/admin/surveys/survey/{survey.pk}/results/")
    assert manager.get_by_test_id("response-count").inner_text() == "1"
    assert "多一些周末课程" in manager.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager.screenshot(path=SCREENSHOTS / "survey-results.png", full_page=True)


def test_continue_to_payment_keeps_the_coupon_and_the_order(browser, live_server):
    from tests.factories import CouponFactory, UserFactory

    course = CourseFactory(slug="ink-wash", title_zh="水墨入门", title_en="Ink wash basics", price="199.00")
    CouponFactory(code="SPRING20", per_learner_cap=1)
    UserFactory(username="mei", password="a-long-pass-phrase")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    from django.urls import reverse

    page.goto(f"{live_server.url}{reverse('switch-language', args=['en'])}?next={reverse('login')}")
    page.goto(f"{live_server.url}{reverse('login')}?next={course.get_absolute_url()}")
    page.fill("#id_username", "mei")
    page.fill("#id_password", "a-long-pass-phrase")
    page.click("form [type=submit]")
    page.wait_for_url(f"**{course.get_absolute_url()}")

    # A refused code is said at the field and stays typed there.
    page.get_by_test_id("coupon").fill("NOPE1")
    page.get_by_test_id("apply-coupon").click()
    page.get_by_test_id("coupon-error").wait_for()
    assert page.get_by_test_id("coupon-error").inner_text() == "There is no coupon with this code."
    assert page.get_by_test_id("coupon").input_value() == "NOPE1"

    # Apply: the price is previewed in the page (checkout.js swaps the buy box; no order yet).
    page.get_by_test_id("coupon").fill("SPRING20")
    page.get_by_test_id("apply-coupon").click()
    page.wait_for_function("() => document.querySelector('[data-testid=preview] [data-testid=total]') !== null")
    assert page.get_by_test_id("total").inner_text() == "159.20 CNY"
    assert page.get_by_test_id("coupon").input_value() == "SPRING20"
    assert page.url.endswith(course.get_absolute_url())  # swapped in place, not a page load
    assert not Order.objects.exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "course-coupon-preview-en-390.png", full_page=True)

    page.get_by_test_id("buy").click()
    page.wait_for_url("**/pay/sandbox/**")
    first_url = page.url
    assert page.get_by_test_id("gateway-course").inner_text() == "Ink wash basics"
    assert page.get_by_test_id("total").inner_text() == "159.20 CNY"

    page.get_by_test_id("back").click()
    page.wait_for_url(f"**{course.get_absolute_url()}")
    assert page.get_by_test_id("order-breakdown").get_by_test_id("total").inner_text() == "159.20 CNY"
    page.get_by_test_id("buy").click()  # "Continue to payment", the coupon field left empty
    page.wait_for_url("**/pay/sandbox/**")

    assert page.url == first_url
    assert page.get_by_test_id("total").inner_text() == "159.20 CNY"
    assert list(Order.objects.values_list("status", "amount")) == [("pending", Decimal("159.20"))]
    page.screenshot(path=SCREENSHOTS / "gateway-en-390.png", full_page=True)

    # Dropping the coupon is a change of price: both totals are shown, and keeping the order keeps it.
    page.get_by_test_id("back").click()
    page.wait_for_url(f"**{course.get_absolute_url()}")
    page.get_by_test_id("remove-coupon").click()
    page.get_by_test_id("price-changed").wait_for()
    page.screenshot(path=SCREENSHOTS / "checkout-price-changed-en-390.png", full_page=True)
    assert page.get_by_test_id("keep-order").inner_text() == "Keep my order: 159.20 CNY"
    page.get_by_test_id("keep-order").click()
    page.wait_for_url("**/pay/sandbox/**")
    assert page.url == first_url
