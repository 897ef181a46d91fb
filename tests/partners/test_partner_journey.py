"""The partner journey in Debian's Chromium at a phone's width (390 px): an art school's owner
invites a manager by e-mail; the manager follows the mailed link, accepts it, accepts a joint
campaign's terms for the school's side, retitles a course and downloads last month's statement.

Each step is photographed (partner-journey-<step>.png in the screenshot folder).
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrollment, Order
from partners import agreements, services
from partners.ledger import ledger_post_sale
from partners.models import AgreementEvent, Invitation, LedgerLine, LedgerPosting, Membership, Statement
from partners.statements import month_start, previous_month, statements_issue
from platform_site.celery import app as celery_app
from tests.factories import CampaignFactory, CourseFactory, MembershipFactory, OrderFactory, PartnerFactory, UserFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def school_with_last_months_statement() -> dict:
    """An art school (its owner, a course with four paid orders last month, last month's statement
    issued) and a joint campaign the knowledge platform's side has accepted already."""
    school = PartnerFactory(slug="ink-school", name_zh="墨韵美术学校", name_en="Ink Art School", kind="art_institution")
    platform = PartnerFactory(slug="mind-lab", name_zh="知识实验室", name_en="Mind Lab")
    owner = UserFactory(username="school-owner", email="lin@ink-school.cn")
    MembershipFactory(partner=school, user=owner, role="owner")
    course = CourseFactory(
        title_zh="国画山水入门", title_en="Chinese landscape painting", track="art", partners=[school]
    )
    last_month = previous_month(month_start(timezone.localdate()))
    posted = timezone.now() - timedelta(days=timezone.localdate().day + 3)  # within last month
    for i in range(4):
        learner = UserFactory(first_name=f"Wang{i}", email=f"wang{i}@example.com")
        order = OrderFactory(course=course, learner=learner, status=Order.Status.PAID, paid_at=posted)
        Enrollment.objects.create(course=course, learner=learner, order=order)
        ledger_post_sale(order=order)
    LedgerPosting.objects.update(posted_at=posted)
    LedgerLine.objects.update(posted_at=posted)
    (statement,) = statements_issue(month=last_month)
    campaign = CampaignFactory(
        name_zh="春季知识×艺术联名", name_en="Spring knowledge × art", bundle_price=Decimal("349")
    )
    campaign.partner_shares.filter(side="art").update(partner=school)
    campaign.partner_shares.filter(side="knowledge").update(partner=platform)
    platform_manager = MembershipFactory(partner=platform, user=UserFactory(username="mind-manager"), role="manager")
    digest = agreements.agreement_state(campaign=campaign).digest
    agreements.campaign_terms_accept(actor=platform_manager, campaign=campaign, digest=digest)
    manager = UserFactory(username="wei", first_name="Wei", email="wei@ink-school.cn")
    return {"school": school, "owner": owner, "manager": manager, "course": course, "campaign": campaign,
            "statement": statement}  # fmt: skip


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def phone_page(browser, live_server, user):  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, accept_downloads=True)
    context.add_cookies([
        {"name": "django_language", "value": "zh-hans", "url": live_server.url},
        {"name": "sessionid", "value": session_of(user), "url": live_server.url},
    ])  # fmt: skip
    return context, context.new_page()


def shoot(page, step: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"partner-journey-{step}.png", full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), step


def test_an_owner_invites_a_manager_who_agrees_edits_and_downloads_the_statement(
    browser,  # noqa: F811
    live_server,
):
    world = school_with_last_months_statement()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    mail.outbox.clear()

    # 1. The owner invites Wei as a manager on the members page.
    context, page = phone_page(browser, live_server, world["owner"])
    page.goto(live_server.url + reverse("partners:members"), wait_until="networkidle")
    page.locator("input[name=email]").fill("wei@ink-school.cn")
    page.locator("select[name=role]").select_option("manager")
    page.locator("form:has(input[name=email]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "wei@ink-school.cn" in page.content()  # the notice
    shoot(page, "1-invited")
    context.close()

    # The invitation mail is a Celery job queued on commit: run it as the worker would.
    celery_app.control.purge()
    (invitation,) = Invitation.objects.filter(partner=world["school"], email="wei@ink-school.cn")
    assert services.invitation_send(invitation_id=invitation.pk, base_url=live_server.url + "/")
    (message,) = mail.outbox
    assert message.to == ["wei@ink-school.cn"]
    link = re.search(r"https?://\S+/partner/invitations/\S+/", message.body)
    assert link is not None, message.body
    path = "/" + link.group(0).split("/", 3)[3]

    # 2. Wei, signed in, follows the mailed link and accepts.
    context, page = phone_page(browser, live_server, world["manager"])
    page.goto(live_server.url + path, wait_until="networkidle")
    shoot(page, "2-invitation")
    page.get_by_role("button", name="接受邀请").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith(reverse("partners:home").rstrip("/"))
    assert Membership.objects.get(user=world["manager"]).role == "manager"

    # 3. Wei accepts the joint campaign's terms for the school's side.
    campaign = world["campaign"]
    page.goto(live_server.url + reverse("partners:campaign", args=[campaign.pk]), wait_until="networkidle")
    page.get_by_test_id("accept-terms").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("accept-terms").count() == 0
    shoot(page, "3-terms-accepted")
    assert agreements.agreement_state(campaign=campaign).agreed
    assert AgreementEvent.objects.filter(campaign=campaign, kind="accepted", user=world["manager"]).exists()

    # 4. Wei retitles the course.
    course = world["course"]
    page.goto(live_server.url + reverse("partners:course-edit", args=[course.pk]), wait_until="networkidle")
    page.locator("input[name=title_zh]").fill("国画山水入门（第二版）")
    page.locator("form.form-card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "国画山水入门（第二版）" in page.content()
    shoot(page, "4-course-saved")
    assert Course.objects.get(pk=course.pk).title_zh == "国画山水入门（第二版）"

    # 5. Wei downloads last month's statement as CSV.
    statement = world["statement"]
    page.goto(live_server.url + reverse("partners:statements"), wait_until="networkidle")
    shoot(page, "5-statements")
    with page.expect_download() as info:
        page.locator(f"a[href='{reverse('partners:statement-csv', args=[statement.pk])}']").click()
    download = info.value
    assert download.suggested_filename == f"statement-ink-school-{statement.month:%Y-%m}-{statement.currency}.csv"
    raw = Path(download.path()).read_bytes()
    context.close()
    celery_app.control.purge()  # the course's re-embedding job: no stale message for a later worker test

    assert raw.startswith(b"\xef\xbb\xbf")  # a Chinese spreadsheet opens it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["课程", "活动", "订单", "销售额", "退款", "平台佣金", "净额"]
    (line,) = [row for row in rows[1:] if row and row[0].startswith("国画山水入门")]
    assert line[2] == "4"
    totals = {row[0]: row[-1] for row in rows if row and row[-1]}
    statement = Statement.objects.get(pk=statement.pk)
    assert statement.amount_due > 0
    assert totals["应付金额"] == str(statement.amount_due)
    assert totals["净额"] == str(statement.net)
    assert Decimal(line[-1]) == statement.net  # one course, no campaign: its line is the whole statement
