"""The admin, the API docs and learner pages work in Chromium under the site's policies.

Every page is opened with a script (injected by Playwright, which the page's policy does not
govern) that records `securitypolicyviolation` events; the test fails on any such event, on a
console message about the Content-Security-Policy or the Permissions-Policy, and on an uncaught
script error.
"""

import pytest

from courses.models import Course
from tests.factories import CourseFactory, PartnerFactory, TrackedLinkFactory, UserFactory
from tests.test_browser import browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


class Watched:
    """A browser page that remembers every policy complaint of every document it shows."""

    def __init__(self, browser, live_server) -> None:  # noqa: F811
        self.base = live_server.url
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.complaints: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                any(word in message.text for word in POLICY_WORDS)
                and self.complaints.append(f"console: {message.text}")
            ),
        )
        self.page.on("pageerror", lambda error: self.complaints.append(f"script error: {error}"))

    def open(self, path: str) -> None:
        self.collect()
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")

    def collect(self) -> None:
        """Gather the current document's violations before it is left (each document has its own)."""
        if self.page.url.startswith(self.base):
            self.page.wait_for_timeout(100)  # violation events are queued as tasks
            url = self.page.url
            self.complaints += [f"{url}: {v}" for v in self.page.evaluate("window.__violations || []")]


def test_admin_api_docs_and_learner_pages_run_under_the_policies(browser, live_server):  # noqa: F811
    course = CourseFactory(slug="ink-wash", title_en="Ink wash", partners=[PartnerFactory(name_en="Blue Feather")])
    link = TrackedLinkFactory(target_path="/courses/")
    campaign = link.channel.campaign
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    watched = Watched(browser, live_server)
    page = watched.page

    # Learner pages.
    watched.open("/")
    watched.open(course.get_absolute_url())
    assert page.locator("h1").first.is_visible()

    # The offline API docs: Swagger UI starts from its own script file and lists the operations.
    watched.open("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10

    # The admin, logged in.
    watched.open("/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#content-main").is_visible()

    # A change list's actions: "select all" ticks every row and counts them.
    watched.open("/admin/courses/course/")
    page.click("#action-toggle")
    assert page.locator("input.action-select").first.is_checked()
    assert f"{Course.objects.count()} " in page.locator(".action-counter").inner_text()

    # An add form: prepopulated slug, the partners' two-box filter, a lesson inline's "add another".
    watched.open("/admin/courses/course/add/")
    page.locator("#id_title_en").press_sequentially("Brush and Ink")  # prepopulate.js listens to keys
    assert page.input_value("#id_slug") == "brush-and-ink"
    assert page.locator("#id_partners_from").count() == 1  # drawn by SelectFilter2.js
    rows = page.locator(".inline-related:not(.empty-form)")
    before = rows.count()
    page.locator(".inline-group .add-row a").first.click()
    assert rows.count() == before + 1

    # A change form with inlines: date pickers, and an autocomplete in a new partner row.
    watched.open(f"/admin/marketing/campaign/{campaign.pk}/change/")
    page.locator(".datetimeshortcuts a").first.click()  # "Now"/"Today"
    page.locator(".datetimeshortcuts a[id^=calendarlink]").first.click()
    assert page.locator(".calendarbox").first.is_visible()
    page.keyboard.press("Escape")
    page.locator("#partner_shares-group .add-row a, .inline-group .add-row a").first.click()
    assert page.locator(".select2-container").count() >= 1

    # Marketing and ML admin pages.
    watched.open(f"/admin/marketing/channel/{link.channel.pk}/change/")
    page.locator("input[data-select-on-focus]").first.click()
    assert page.evaluate("document.activeElement.selectionEnd - document.activeElement.selectionStart") > 0
    watched.open(f"/admin/marketing/campaign/{campaign.pk}/dashboard/")
    watched.open("/admin/ml/trainingjob/add/")
    watched.open("/admin/surveys/survey/")
    watched.collect()

    assert watched.complaints == []
