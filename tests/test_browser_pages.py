"""Learner pages in Debian's Chromium: the campaign page's share and survey links, the phone's
first screen of the catalogue, "my learning" on a phone, and the 404 page in both languages."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from courses.models import Enrollment, Order
from marketing import services
from tests.factories import CampaignFactory, CouponFactory, CourseFactory, OrderFactory, SurveyFactory, UserFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def signed_in(browser, live_server, username: str, **options):  # noqa: F811
    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(**options)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    context.add_cookies([cookie])
    return context


def test_campaign_page_copies_its_link_and_its_survey_link_opens_the_survey(browser, live_server):  # noqa: F811
    campaign = CampaignFactory(bundle_price=Decimal("320.00"))
    CouponFactory(code="SPRING20", campaign=campaign, value=20)
    survey = SurveyFactory(campaign=campaign)
    url = f"{live_server.url}{reverse('marketing:campaign', args=[campaign.slug])}"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(url)

    assert page.get_by_test_id("bundle-pair").inner_text().count("CNY") == 3  # separately, together, saved
    page.get_by_test_id("copy-link").click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent !== ''")
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    assert page.locator("[data-copy-status]").inner_text() == "已复制"

    page.get_by_test_id("campaign-survey").click()
    page.wait_for_url(f"**{survey.get_absolute_url()}")
    assert page.get_by_test_id("submit-survey").is_visible()
    context.close()


def test_without_a_clipboard_the_link_is_left_selected_to_copy_by_hand(browser, live_server):  # noqa: F811
    campaign = CampaignFactory()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    # A browser that refuses both ways of copying (an embedded web view, a locked-down policy).
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));document.execCommand = () => false;"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('marketing:campaign', args=[campaign.slug])}")
    page.get_by_test_id("copy-link").click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent !== ''")
    selected = page.evaluate(
        "() => { const i = document.activeElement; return i.value.slice(i.selectionStart, i.selectionEnd); }"
    )
    assert selected == page.get_by_test_id("share-url").input_value()
    assert "Ctrl+C" in page.locator("[data-copy-status]").inner_text()
    context.close()


def test_share_sheet_button_shows_only_where_the_browser_has_one(browser, live_server):  # noqa: F811
    campaign = CampaignFactory()
    path = reverse("marketing:campaign", args=[campaign.slug])
    context = browser.new_context()
    context.add_init_script("delete Navigator.prototype.share;")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_test_id("copy-link").is_visible()
    assert not page.get_by_test_id("share-sheet").is_visible()
    context.close()

    context = browser.new_context(**PHONE)
    context.add_init_script("navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    page.get_by_test_id("share-sheet").click()
    assert page.evaluate("() => window.__shared.url") == f"{live_server.url}{path}"
    context.close()


def test_the_phones_first_screen_of_the_catalogue_shows_a_course(browser, live_server):  # noqa: F811
    for _ in range(4):
        CourseFactory(lessons=0)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('courses:catalogue')}", wait_until="networkidle")
    card = page.locator(".card").first.bounding_box()
    assert card is not None and card["y"] + 120 < 844  # the card's cover and title start above the fold
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "catalogue-first-screen-zh-hans-phone.png")
    context.close()


def test_my_learning_on_a_phone_shows_each_orders_status_date_and_buttons(browser, live_server):  # noqa: F811
    learner = UserFactory(username="mei")
    campaign = CampaignFactory()
    SurveyFactory(campaign=campaign)
    services.referral_link_for(learner=learner, campaign=campaign)
    bought = campaign.art_courses.get()
    paid = OrderFactory(
        learner=learner, course=bought, list_price=Decimal("300.00"), discount=Decimal("60.00"),
        amount=Decimal("240.00"), status=Order.Status.PAID,
    )  # fmt: skip
    Enrollment.objects.create(learner=learner, course=bought, order=paid)
    OrderFactory(learner=learner, course=CourseFactory(title_zh="一门名字相当长的正在等待付款的课程"))
    context = signed_in(browser, live_server, "mei", **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('courses:my-learning')}", wait_until="networkidle")

    assert "已付 240.00 CNY" in page.get_by_test_id("paid").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    for testid in ("order-status", "order-date", "order-pay", "order-cancel"):
        box = page.get_by_test_id(testid).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, testid
    assert page.get_by_test_id("survey-invitation").is_visible()
    page.get_by_test_id("referrals").get_by_test_id("copy-link").click()
    page.wait_for_function("() => [...document.querySelectorAll('[data-copy-status]')].some(s => s.textContent)")
    link = page.get_by_test_id("referral-link").input_value()
    assert page.evaluate("() => navigator.clipboard.readText()") == link and "/r/" in link
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "my-learning-orders-zh-hans-phone.png", full_page=True)
    context.close()


def test_an_unknown_url_shows_the_sites_404_in_chinese_then_in_english(browser, live_server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    assert "URLconf" not in page.content() and "Page not found" not in page.inner_text("main")

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Page not found"
    assert "页面不存在" not in page.inner_text("main")
    page.get_by_role("link", name="Browse the catalogue").click()
    page.wait_for_url("**/courses/")
