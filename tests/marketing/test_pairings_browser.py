"""The pairing suggestions page and the "for you" row in a real browser, zh-hans and English, at
desktop and phone width: translated, no Django dashes, the draft-campaign action works."""

import pytest
from django.test import Client

from courses.models import Enrollment
from marketing import services
from marketing.models import Campaign
from tests.marketing.test_pairings import bridge  # noqa: F401  (the fixture)
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_pairing_suggestions_and_for_you_pages(browser, live_server, bridge, manager, learner):  # noqa: F811
    services.course_pairings_refresh()
    Enrollment.objects.create(learner=learner, course=bridge["colour"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        for width in (1366, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([
                {"name": "django_language", "value": language, "url": live_server.url},
                _session(live_server, manager),
            ])  # fmt: skip
            page = context.new_page()
            page.goto(f"{live_server.url}/admin/marketing/coursepairing/")
            text = page.content()
            assert "---------" not in text and (
                "配对建议" in text if language == "zh-hans" else "Pairing suggestions" in text
            )
            page.screenshot(path=SCREENSHOTS / f"pairings-{language}-{width}.png", full_page=True)
            context.close()
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([
                {"name": "django_language", "value": language, "url": live_server.url},
                _session(live_server, learner),
            ])  # fmt: skip
            page = context.new_page()
            page.goto(f"{live_server.url}/")
            assert page.get_by_test_id("for-you").is_visible()
            page.get_by_test_id("for-you").screenshot(path=SCREENSHOTS / f"for-you-{language}-{width}.png")
            context.close()
    # The action, once, in the browser: a draft campaign with both sides.
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies([_session(live_server, manager)])
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/marketing/coursepairing/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "draft_campaign")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    page.screenshot(path=SCREENSHOTS / "pairings-drafted.png", full_page=True)
    context.close()
    campaign = Campaign.objects.get()
    assert campaign.status == "draft" and campaign.partner_shares.count() == 2
