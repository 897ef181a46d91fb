"""The isolation matrix: a member of partner A, in each role, against partner B's objects.

Every read, change and delete of B's courses, orders, enrollments, campaigns and members, by
guessing ids, by forging the session or the switcher, must fail (403 or 404) and change nothing;
what a role may not do is refused with 403 on its own partner's objects too.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrollment, Lesson, MediaJob, Order
from marketing.services import campaign_stats_refresh
from partners.ledger import ledger_post_sale
from partners.models import AgreementEvent, CourseAssignment, Membership, PublishRequest
from partners.statements import month_start, statements_issue
from partners.views import SESSION_KEY
from tests.factories import CampaignFactory, CourseFactory, MembershipFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "manager", "instructor", "analyst"]
REFUSED = {403, 404, 405}


def paid_order(course, learner):
    order = OrderFactory(course=course, learner=learner, status=Order.Status.PAID, paid_at=timezone.now())
    Enrollment.objects.create(course=course, learner=learner, order=order)
    return order


@pytest.fixture
def world(partner_a, partner_b, owner_a, owner_b):
    """Each partner with a course, a paid order and its enrollment, a campaign and two members."""
    course_a = CourseFactory(title_zh="墨韵课程", title_en="Ink course", partners=[partner_a])
    course_b = CourseFactory(title_zh="秘密课程", title_en="Secret course", partners=[partner_b])
    learner_b = UserFactory(username="learner-b", email="zhao@b-secret.cn")
    order_a = paid_order(course_a, UserFactory(email="li@a-school.cn"))
    order_b = paid_order(course_b, learner_b)
    campaigns = {}
    for name, partner in (("a", partner_a), ("b", partner_b)):
        campaign = CampaignFactory(name_zh=f"活动-{name}", name_en=f"Campaign {name.upper()}")
        campaign.partner_shares.filter(side="knowledge").update(partner=partner)
        campaigns[name] = campaign
    campaign_stats_refresh()
    for order in (order_a, order_b):
        ledger_post_sale(order=order)
    statement_a, statement_b = sorted(
        statements_issue(month=month_start(timezone.localdate()), now=timezone.now() + timedelta(days=32)),
        key=lambda statement: statement.partner_id != partner_a.pk,
    )
    member_b = MembershipFactory(partner=partner_b, user=UserFactory(username="analyst-b"), role="analyst")
    return {
        "course_a": course_a, "course_b": course_b, "order_a": order_a, "order_b": order_b,
        "campaign_a": campaigns["a"], "campaign_b": campaigns["b"], "member_b": member_b, "owner_b": owner_b,
        "statement_a": statement_a, "statement_b": statement_b,
    }  # fmt: skip


def member_client(partner, role) -> tuple[Client, Membership]:
    membership = (
        Membership.objects.get(partner=partner, role="owner")
        if role == "owner"
        else MembershipFactory(partner=partner, role=role)
    )
    client = Client()
    client.force_login(membership.user)
    return client, membership


def b_state(world) -> tuple:
    """What an attack on B could change."""
    course = Course.objects.get(pk=world["course_b"].pk)
    members = tuple(
        Membership.objects.filter(partner=world["owner_b"].partner).order_by("pk").values_list("pk", "role")
    )
    lessons = tuple(
        Lesson.objects.filter(course=course).order_by("pk").values_list("pk", "position", "title_zh", "kind")
    )
    others = (
        PublishRequest.objects.filter(course=course).count(),
        CourseAssignment.objects.filter(course=course).count(),
        MediaJob.objects.filter(lesson__course=course).count(),
    )
    return course.title_zh, course.price, course.status, members, lessons, others


B_SECRETS = (
    "秘密课程",
    "Secret course",
    "b-secret",
    "zhao",
    "活动-b",
    "Campaign B",
    "analyst-b",
    "owner-b",
    "知识实验室",
)


@pytest.mark.parametrize("role", ROLES)
def test_a_member_of_a_gets_nothing_of_b(world, partner_a, partner_b, role):
    client, _membership = member_client(partner_a, role)
    before = b_state(world)
    course_b, order_b, campaign_b = world["course_b"], world["order_b"], world["campaign_b"]
    member_b, owner_b = world["member_b"], world["owner_b"]
    edit = {"title_zh": "被改了", "description_zh": "x", "track": "art", "level": "beginner", "language": "zh",
            "price": "1.00", "currency": "CNY"}  # fmt: skip
    attempts = {
        "read course": ("get", reverse("partners:course-edit", args=[course_b.pk]), None),
        "read order": ("get", reverse("partners:order", args=[order_b.pk]), None),
        "read campaign": ("get", reverse("partners:campaign", args=[campaign_b.pk]), None),
        "change course": ("post", reverse("partners:course-edit", args=[course_b.pk]), edit),
        "change member role": ("post", reverse("partners:member-role", args=[member_b.pk]), {f"m{member_b.pk}-role": "owner"}),
        "demote b's owner": ("post", reverse("partners:member-role", args=[owner_b.pk]), {f"m{owner_b.pk}-role": "analyst"}),
        "remove member": ("post", reverse("partners:member-remove", args=[member_b.pk]), {}),
        "remove b's owner": ("post", reverse("partners:member-remove", args=[owner_b.pk]), {}),
        "delete course": ("delete", reverse("partners:course-edit", args=[course_b.pk]), None),
        "delete member": ("delete", reverse("partners:member-remove", args=[member_b.pk]), None),
        "switch to b": ("post", reverse("partners:switch"), {"partner": str(partner_b.pk)}),
        "accept b's campaign": ("post", reverse("partners:campaign-accept", args=[campaign_b.pk]), {"digest": "x"}),
        "guessed order ids": ("get", reverse("partners:order", args=[order_b.pk + 1000]), None),
        "read b's statement": ("get", reverse("partners:statement-csv", args=[world["statement_b"].pk]), None),
        "read b's statement pdf": ("get", reverse("partners:statement-pdf", args=[world["statement_b"].pk]), None),
        "guessed statement ids": ("get", reverse("partners:statement-csv", args=[world["statement_b"].pk + 1000]), None),
        **lesson_attacks(world, _membership),
    }  # fmt: skip
    successes = {}
    for name, (method, url, data) in attempts.items():
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        if response.status_code not in REFUSED:
            successes[name] = response.status_code

    assert successes == {}
    assert b_state(world) == before
    assert not AgreementEvent.objects.filter(campaign=campaign_b).exists()
    for page in ("home", "courses", "orders", "enrollments", "campaigns", "members", "statements"):
        response = client.get(reverse(f"partners:{page}"))
        html = response.content.decode()
        leaked = [secret for secret in B_SECRETS if secret in html]
        assert leaked == [], (page, leaked)


def lesson_attacks(world, membership) -> dict[str, tuple[str, str, dict | None]]:
    """The lesson, publishing and instructor pages, against B's course and lessons and by guessed ids."""
    course_b = world["course_b"]
    lesson_b = course_b.lessons.order_by("position").first()
    lesson = {"title_zh": "被改了", "kind": "video", "duration_minutes": 5}
    upload = {"file": SimpleUploadedFile("x.mp4", b"not a video")}
    attempts: dict[str, tuple[str, str, dict | None]] = {
        "read b's lessons": ("get", reverse("partners:lessons", args=[course_b.pk]), None),
        "add a lesson to b's course": ("post", reverse("partners:lesson-create", args=[course_b.pk]), lesson),
        "read b's lesson": ("get", reverse("partners:lesson-edit", args=[lesson_b.pk]), None),
        "change b's lesson": ("post", reverse("partners:lesson-edit", args=[lesson_b.pk]), lesson),
        "upload to b's lesson": ("post", reverse("partners:lesson-media", args=[lesson_b.pk]), upload),
        "move b's lesson": ("post", reverse("partners:lesson-move", args=[lesson_b.pk]), {"direction": "down"}),
        "delete b's lesson": ("post", reverse("partners:lesson-delete", args=[lesson_b.pk]), {}),
        "publish b's course": ("post", reverse("partners:course-publish", args=[course_b.pk]), {}),
        "read b's instructors": ("get", reverse("partners:course-instructors", args=[course_b.pk]), None),
        "read b's progress": ("get", reverse("partners:course-progress", args=[course_b.pk]), None),
        "assign to b's course": ("post", reverse("partners:course-instructors", args=[course_b.pk]),
                                 {"instructors": [membership.pk]}),
    }  # fmt: skip
    for guess in (lesson_b.pk + 1000, 0):
        attempts[f"guessed lesson {guess}"] = ("post", reverse("partners:lesson-edit", args=[guess]), lesson)
        attempts[f"guessed lesson delete {guess}"] = ("post", reverse("partners:lesson-delete", args=[guess]), {})
    attempts["guessed course lessons"] = ("get", reverse("partners:lessons", args=[course_b.pk + 1000]), None)
    return attempts


@pytest.mark.parametrize("role", ROLES)
def test_a_forged_session_partner_falls_back_to_the_members_own(world, partner_a, partner_b, role):
    client, _membership = member_client(partner_a, role)
    session = client.session
    session[SESSION_KEY] = str(partner_b.pk)
    session.save()

    response = client.get(reverse("partners:home"))

    assert response.status_code == 200
    assert partner_a.name_zh in response.content.decode()
    assert partner_b.name_zh not in response.content.decode()


def test_a_user_without_a_membership_is_refused_everywhere(world, client):
    client.force_login(UserFactory())
    pages = ["home", "courses", "course-create", "orders", "enrollments", "campaigns", "members"]

    assert {page: client.get(reverse(f"partners:{page}")).status_code for page in pages} == dict.fromkeys(pages, 403)


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("partners:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# What each role may not do, on its own partner's objects: refused with 403.
LESSON_WRITES = ["lesson-create", "lesson-edit", "lesson-save", "lesson-media", "lesson-move", "publish",
                 "instructors", "assign", "lesson-delete"]  # fmt: skip
FORBIDDEN = {
    "owner": [],
    "manager": ["members", "invite"],
    "instructor": ["course-create", "course-edit", "save-course", "orders", "order", "campaigns", "campaign",
                   "accept-terms", "members", "invite", "statements", "statement", *LESSON_WRITES],
    "analyst": ["course-create", "course-edit", "save-course", "accept-terms", "members", "invite", "member-role",
                "questions", "submissions", *LESSON_WRITES],
}  # fmt: skip


def own_attempts(world, membership) -> dict[str, tuple[str, str, dict | None]]:
    course, order, campaign = world["course_a"], world["order_a"], world["campaign_a"]
    first, last = course.lessons.order_by("position").first(), course.lessons.order_by("position").last()
    lesson = {"title_zh": "新课时", "kind": "video", "duration_minutes": 5}
    edit = {"title_zh": "新标题", "description_zh": "介绍", "track": "art", "level": "beginner", "language": "zh",
            "price": "99.00", "currency": "CNY"}  # fmt: skip
    return {
        "course-create": ("get", reverse("partners:course-create"), None),
        "course-edit": ("get", reverse("partners:course-edit", args=[course.pk]), None),
        "save-course": ("post", reverse("partners:course-edit", args=[course.pk]), edit),
        "orders": ("get", reverse("partners:orders"), None),
        "order": ("get", reverse("partners:order", args=[order.pk]), None),
        "campaigns": ("get", reverse("partners:campaigns"), None),
        "campaign": ("get", reverse("partners:campaign", args=[campaign.pk]), None),
        "accept-terms": ("post", reverse("partners:campaign-accept", args=[campaign.pk]), {"digest": "x"}),
        "members": ("get", reverse("partners:members"), None),
        "invite": ("post", reverse("partners:members"), {"email": "new@example.com", "role": "analyst"}),
        "member-role": ("post", reverse("partners:member-role", args=[membership.pk]), {f"m{membership.pk}-role": "owner"}),
        "statements": ("get", reverse("partners:statements"), None),
        "statement": ("get", reverse("partners:statement-csv", args=[world["statement_a"].pk]), None),
        "questions": ("get", reverse("partners:questions"), None),
        "submissions": ("get", reverse("partners:submissions"), None),
        "lessons": ("get", reverse("partners:lessons", args=[course.pk]), None),
        "lesson-create": ("post", reverse("partners:lesson-create", args=[course.pk]), lesson),
        "lesson-edit": ("get", reverse("partners:lesson-edit", args=[first.pk]), None),
        "lesson-save": ("post", reverse("partners:lesson-edit", args=[first.pk]), lesson),
        "lesson-media": ("post", reverse("partners:lesson-media", args=[first.pk]),
                         {"file": SimpleUploadedFile("x.mp4", b"not a video")}),
        "lesson-move": ("post", reverse("partners:lesson-move", args=[first.pk]), {"direction": "down"}),
        "publish": ("post", reverse("partners:course-publish", args=[course.pk]), {}),
        "instructors": ("get", reverse("partners:course-instructors", args=[course.pk]), None),
        "progress": ("get", reverse("partners:course-progress", args=[course.pk]), None),
        "assign": ("post", reverse("partners:course-instructors", args=[course.pk]), {}),
        "lesson-delete": ("post", reverse("partners:lesson-delete", args=[last.pk]), {}),
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_what_the_table_allows_and_is_refused_the_rest_with_403(world, partner_a, role):
    client, membership = member_client(partner_a, role)
    if role == "instructor":  # an instructor works on the courses assigned to them
        CourseAssignment.objects.create(membership=membership, course=world["course_a"])
    lessons_before = list(Lesson.objects.filter(course=world["course_a"]).order_by("pk").values_list("pk", "title_zh"))
    results = {}
    for name, (method, url, data) in own_attempts(world, membership).items():
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        results[name] = response.status_code

    refused = sorted(name for name, code in results.items() if code == 403)
    expected = sorted(FORBIDDEN[role] + (["member-role"] if role in ("manager", "instructor") else []))
    assert refused == sorted(set(expected))
    assert all(code in (200, 302) for name, code in results.items() if name not in refused), results
    changed = Course.objects.get(pk=world["course_a"].pk)
    assert (changed.title_zh == "新标题") is (role in ("owner", "manager"))
    lessons_after = list(Lesson.objects.filter(course=world["course_a"]).order_by("pk").values_list("pk", "title_zh"))
    assert (lessons_after == lessons_before) is (role not in ("owner", "manager"))
    assert changed.price == (Decimal("99.00") if role in ("owner", "manager") else world["course_a"].price)
