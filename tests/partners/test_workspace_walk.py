"""The partner workspace at a phone's and a desktop's width, in both languages, in Debian's Chromium.

Each page is photographed (partner-<page>-<language>-<width>.png in the screenshot folder) and
checked with axe-core against the WCAG 2.1 AA rules, which must find nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, Order
from marketing.services import campaign_stats_refresh
from partners import agreements, services, tokens
from partners.ledger import ledger_post_sale
from partners.statements import month_start, statements_issue
from tests.factories import CampaignFactory, CourseFactory, MembershipFactory, OrderFactory, PartnerFactory, UserFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_site_walk import WIDTHS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def workspace() -> tuple[dict[str, str], str]:
    """An art school's owner, also an analyst of a knowledge platform, with a little of everything."""
    school = PartnerFactory(slug="ink-school", name_zh="墨韵美术学校", name_en="Ink Art School", kind="art_institution")
    platform = PartnerFactory(slug="mind-lab", name_zh="知识实验室", name_en="Mind Lab")
    owner = UserFactory(username="school-owner", first_name="Lin", email="lin@ink-school.cn")
    owner_seat = MembershipFactory(partner=school, user=owner, role="owner")
    MembershipFactory(partner=platform, user=owner, role="analyst")
    tokens.api_token_create(actor=owner_seat, name="教务系统同步")
    tokens.api_token_revoke(actor=owner_seat, pk=tokens.api_token_create(actor=owner_seat, name="旧的报表脚本")[0].pk)
    teacher = MembershipFactory(partner=school, user=UserFactory(username="teacher-zhou"), role="instructor")
    course = CourseFactory(
        title_zh="国画山水入门", title_en="Chinese landscape painting", track="art", partners=[school, platform]
    )
    draft = CourseFactory(
        title_zh="书法基础", title_en="Calligraphy basics", track="art", partners=[school], status="draft"
    )
    services.course_instructors_set(actor=owner_seat, course=course, membership_ids=[teacher.pk])
    video = course.lessons.order_by("position").first()
    video.kind, video.title_zh, video.title_en = "video", "山石的皴法", "Texture strokes for rocks"
    video.save()
    from django.test import override_settings

    from partners import publishing

    with override_settings(PARTNER_PUBLISH_NEEDS_APPROVAL=True):
        asked = publishing.course_publish_request(actor=owner_seat, course=draft)
    publishing.publish_request_refuse(
        publish_request=asked, reviewer=UserFactory(is_staff=True), reason="课时介绍太短，请补充每课的学习目标。"
    )
    for i in range(4):
        learner = UserFactory(first_name=f"Wang{i}", email=f"wang{i}@example.com")
        order = OrderFactory(course=course, learner=learner, status=Order.Status.PAID, paid_at=timezone.now())
        Enrollment.objects.create(course=course, learner=learner, order=order)
        ledger_post_sale(order=order)
    statements_issue(month=month_start(timezone.localdate()), now=timezone.now() + timedelta(days=32))
    from learning import qa_services

    qa_services.question_ask(
        author=learner, lesson=course.lessons.order_by("position").first(), text="山的皴法有几种？", timestamp=42
    )
    campaign = CampaignFactory(
        name_zh="春季知识×艺术联名", name_en="Spring knowledge × art", bundle_price=Decimal("349")
    )
    campaign.partner_shares.filter(side="art").update(partner=school)
    campaign.partner_shares.filter(side="knowledge").update(partner=platform)
    campaign_stats_refresh()
    platform_manager = MembershipFactory(partner=platform, user=UserFactory(username="mind-manager"), role="manager")
    digest = agreements.agreement_state(campaign=campaign).digest
    agreements.campaign_terms_accept(actor=platform_manager, campaign=campaign, digest=digest)
    actor = school.memberships.get(role="owner")
    services.membership_invite(actor=actor, email="new-teacher@example.com", role="instructor", base_url="http://x/")
    token = services.invitation_token(invitation=school.invitations.get())
    invitee = UserFactory(username="new-teacher", email="new-teacher@example.com")
    pages = {
        "home": reverse("partners:home"),
        "courses": reverse("partners:courses"),
        "course-edit": reverse("partners:course-edit", args=[course.pk]),
        "lessons": reverse("partners:lessons", args=[course.pk]),
        "lessons-draft": reverse("partners:lessons", args=[draft.pk]),
        "lesson-new": reverse("partners:lesson-create", args=[course.pk]),
        "lesson-edit": reverse("partners:lesson-edit", args=[video.pk]),
        "instructors": reverse("partners:course-instructors", args=[course.pk]),
        "progress": reverse("partners:course-progress", args=[course.pk]),
        "orders": reverse("partners:orders"),
        "order": reverse("partners:order", args=[Order.objects.order_by("pk").first().pk]),
        "enrollments": reverse("partners:enrollments"),
        "campaigns": reverse("partners:campaigns"),
        "campaign": reverse("partners:campaign", args=[campaign.pk]),
        "members": reverse("partners:members"),
        "questions": reverse("partners:questions"),
        "tokens": reverse("partners:tokens"),
        "statements": reverse("partners:statements"),
    }
    client = Client()
    client.force_login(owner)
    invitee_client = Client()
    invitee_client.force_login(invitee)
    return (
        pages,
        client.cookies["sessionid"].value,
        reverse("partners:invitation", args=[token]),
        invitee_client.cookies["sessionid"].value,
    )


def test_every_workspace_page_passes_axe_at_both_widths_and_is_photographed_in_both_languages(browser, live_server):  # noqa: F811
    pages, session, invitation_url, invitee_session = workspace()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    violations = {}
    for language in ("zh-hans", "en"):
        for width_name, (width, height) in WIDTHS.items():
            for who, sessionid, walk in (
                ("owner", session, pages),
                ("invitee", invitee_session, {"invitation": invitation_url}),
            ):
                context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
                context.add_cookies([
                    {"name": "django_language", "value": language, "url": live_server.url},
                    {"name": "sessionid", "value": sessionid, "url": live_server.url},
                ])  # fmt: skip
                page = context.new_page()
                for name, path in walk.items():
                    response = page.goto(live_server.url + path, wait_until="networkidle")
                    assert response is not None and response.status == 200, (who, name)
                    page.screenshot(path=SCREENSHOTS / f"partner-{name}-{language}-{width_name}.png", full_page=True)
                    # Nothing may stick out sideways on a phone but the scrolling tables.
                    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), name
                    if found := axe_violations(page):
                        violations[f"{name} {language} {width_name}"] = found
                context.close()
    assert violations == {}
