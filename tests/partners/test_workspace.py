"""The workspace pages: scoped to the current partner, learners masked, writes through the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrollment, Order
from marketing.services import campaign_stats_refresh
from partners import selectors, services, tokens
from partners.models import Membership
from platform_site.exceptions import Conflict, NotPermitted
from tests.factories import CampaignFactory, CourseFactory, MembershipFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def sell(course, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        learner = UserFactory(first_name=f"Wang{i}", email=f"wang{i}@example.com")
        order = OrderFactory(course=course, learner=learner, status=Order.Status.PAID, paid_at=timezone.now())
        Enrollment.objects.create(course=course, learner=learner, order=order)


@pytest.mark.parametrize(
    ("email", "masked"),
    [("wang@example.com", "w***@example.com"), ("a@b.cn", "a***@b.cn"), ("broken", "***")],
)
def test_email_is_masked_to_its_first_letter_and_domain(email, masked):
    assert selectors.mask_email(email) == masked


@pytest.mark.parametrize("page", ["partners:orders", "partners:enrollments"])
def test_orders_and_enrollments_show_learners_masked_never_their_address(client, owner_a, page):
    course = CourseFactory(partners=[owner_a.partner])
    sell(course, 2)
    client.force_login(owner_a.user)

    html = client.get(reverse(page)).content.decode()

    assert "w***@example.com" in html
    assert "wang0@example.com" not in html and "wang1@example.com" not in html
    assert "Wang0" not in html


def test_order_detail_is_masked_too(client, owner_a):
    course = CourseFactory(partners=[owner_a.partner])
    sell(course, 1)
    client.force_login(owner_a.user)

    html = client.get(reverse("partners:order", args=[Order.objects.get().pk])).content.decode()

    assert "w***@example.com" in html and "wang0@example.com" not in html


@pytest.mark.parametrize("page", ["partners:orders", "partners:enrollments", "partners:courses", "partners:home"])
def test_list_pages_cost_the_same_for_3_and_for_30_rows(client, owner_a, django_assert_max_num_queries, page):
    course = CourseFactory(partners=[owner_a.partner])
    client.force_login(owner_a.user)
    sell(course, 3)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse(page))
    sell(course, 27, start=3)
    for _ in range(5):
        CourseFactory(partners=[owner_a.partner], lessons=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(page)).status_code == 200


def test_campaign_pages_show_the_partners_side_and_share(client, owner_a, django_assert_max_num_queries):
    campaign = CampaignFactory(name_zh="春季联名")
    campaign.partner_shares.filter(side="art").update(partner=owner_a.partner)
    campaign_stats_refresh()
    client.force_login(owner_a.user)

    with django_assert_max_num_queries(14):  # +1: the agreement trails of all campaigns, for the status shown
        listing = client.get(reverse("partners:campaigns")).content.decode()
    detail = client.get(reverse("partners:campaign", args=[campaign.pk])).content.decode()

    assert "春季联名" in listing and "40.00%" in listing
    assert "春季联名" in detail


def test_a_manager_creates_a_draft_course_of_the_current_partner(client, partner_a):
    manager = MembershipFactory(partner=partner_a, role="manager")
    client.force_login(manager.user)
    data = {"title_zh": "国画入门", "title_en": "", "description_zh": "从笔墨开始", "track": "art",
            "level": "beginner", "language": "zh", "price": "299.00", "currency": "CNY"}  # fmt: skip

    response = client.post(reverse("partners:course-create"), data)

    assert response.status_code == 302
    course = Course.objects.get(title_zh="国画入门")
    assert list(course.partners.all()) == [partner_a]
    assert course.status == Course.Status.DRAFT


def test_a_bad_course_form_answers_at_its_fields_not_500(client, owner_a):
    client.force_login(owner_a.user)

    response = client.post(reverse("partners:course-create"), {"title_zh": "", "price": "-5", "track": "nope"})

    assert response.status_code == 200
    form = response.context["form"]
    assert {"title_zh", "price", "track"} <= set(form.errors)
    assert not Course.objects.exists()


def test_editing_keeps_the_courses_other_partners(client, owner_a, partner_b):
    course = CourseFactory(partners=[owner_a.partner, partner_b], title_zh="联合课程")
    client.force_login(owner_a.user)
    data = {"title_zh": "联合课程（新版）", "description_zh": "介绍", "track": "art", "level": "beginner",
            "language": "zh", "price": "199.00", "currency": "CNY"}  # fmt: skip

    assert client.post(reverse("partners:course-edit", args=[course.pk]), data).status_code == 302
    course.refresh_from_db()
    assert course.title_zh == "联合课程（新版）"
    assert set(course.partners.all()) == {owner_a.partner, partner_b}


def test_a_member_of_two_partners_switches_between_them(client, owner_a, partner_b):
    MembershipFactory(partner=partner_b, user=owner_a.user, role="analyst")
    client.force_login(owner_a.user)
    assert partner_b.name_zh in client.get(reverse("partners:home")).content.decode()  # the switcher lists it

    client.post(reverse("partners:switch"), {"partner": str(partner_b.pk)})
    home = client.get(reverse("partners:home"))

    assert home.context["partner"] == partner_b
    assert home.context["membership"].role == "analyst"
    assert client.get(reverse("partners:members")).status_code == 403  # an analyst in B


# ------------------------------------------------------------------------------ members and the last owner
def test_the_last_owner_cannot_be_removed(owner_a):
    with pytest.raises(Conflict) as error:
        services.membership_remove(actor=owner_a, membership=owner_a)

    assert error.value.code == "last_owner"
    assert Membership.objects.filter(pk=owner_a.pk).exists()


def test_the_last_owner_cannot_be_demoted(owner_a):
    with pytest.raises(Conflict):
        services.membership_set_role(actor=owner_a, membership=owner_a, role="manager")

    assert Membership.objects.get(pk=owner_a.pk).role == "owner"


def test_with_a_second_owner_the_first_may_leave(owner_a):
    second = MembershipFactory(partner=owner_a.partner, role="owner")

    services.membership_remove(actor=second, membership=owner_a)

    assert list(Membership.objects.filter(partner=owner_a.partner)) == [second]


def test_the_members_page_says_why_the_last_owner_stays(client, owner_a):
    client.force_login(owner_a.user)

    response = client.post(reverse("partners:member-remove", args=[owner_a.pk]), follow=True)

    assert response.status_code == 200
    assert "至少保留一位所有者" in response.content.decode()
    assert Membership.objects.filter(pk=owner_a.pk).exists()


def test_an_owner_changes_a_role_and_removes_a_member(client, owner_a):
    member = MembershipFactory(partner=owner_a.partner, role="analyst")
    client.force_login(owner_a.user)

    client.post(reverse("partners:member-role", args=[member.pk]), {f"m{member.pk}-role": "manager"})
    assert Membership.objects.get(pk=member.pk).role == "manager"
    client.post(reverse("partners:member-remove", args=[member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_an_owner_invites_from_the_members_page(client, owner_a, django_capture_on_commit_callbacks):
    client.force_login(owner_a.user)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("partners:members"), {"email": "new@example.com", "role": "instructor"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert "new@example.com" in client.get(reverse("partners:members")).content.decode()


def test_an_unknown_role_is_refused_at_its_field(owner_a):
    member = MembershipFactory(partner=owner_a.partner, role="analyst")

    with pytest.raises(Exception) as error:
        services.membership_set_role(actor=owner_a, membership=member, role="emperor")

    assert "role" in error.value.extra["fields"]


def test_a_manager_of_the_partner_may_not_change_roles(partner_a, owner_a):
    manager = MembershipFactory(partner=partner_a, role="manager")

    with pytest.raises(NotPermitted):
        services.membership_set_role(actor=manager, membership=manager, role="owner")


def test_every_workspace_page_in_chinese_shows_no_english(client, owner_a, partner_b):
    from tests.test_i18n_pages import data_words, english_words

    course = CourseFactory(partners=[owner_a.partner])
    sell(course, 2)
    campaign = CampaignFactory()
    campaign.partner_shares.filter(side="art").update(partner=owner_a.partner)
    campaign_stats_refresh()
    MembershipFactory(partner=partner_b, user=owner_a.user, role="manager")  # the switcher shows
    MembershipFactory(partner=owner_a.partner, role="analyst")
    MembershipFactory(partner=owner_a.partner, role="instructor", user=UserFactory(username="teacher-li"))
    services.membership_invite(actor=owner_a, email="new@example.com", role="manager", base_url="http://x/")
    client.force_login(owner_a.user)
    client.cookies["django_language"] = "zh-hans"
    token = services.invitation_token(invitation=owner_a.partner.invitations.get())
    tokens.api_token_create(actor=owner_a, name="客户系统同步")
    pages = {
        "home": reverse("partners:home"),
        "courses": reverse("partners:courses"),
        "new course": reverse("partners:course-create"),
        "edit course": reverse("partners:course-edit", args=[course.pk]),
        "lessons": reverse("partners:lessons", args=[course.pk]),
        "new lesson": reverse("partners:lesson-create", args=[course.pk]),
        "edit lesson": reverse("partners:lesson-edit", args=[course.lessons.first().pk]),
        "instructors": reverse("partners:course-instructors", args=[course.pk]),
        "orders": reverse("partners:orders"),
        "order": reverse("partners:order", args=[Order.objects.first().pk]),
        "enrollments": reverse("partners:enrollments"),
        "campaigns": reverse("partners:campaigns"),
        "campaign": reverse("partners:campaign", args=[campaign.pk]),
        "members": reverse("partners:members"),
        "API tokens": reverse("partners:tokens"),
        "invitation (wrong user)": reverse("partners:invitation", args=[token]),
        "invitation (bad link)": reverse("partners:invitation", args=["nope"]),
    }
    allowed = data_words()
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 400), (name, response.status_code)
        words = english_words(response.content.decode(), allowed)
        if words:
            found[name] = sorted(words)

    assert found == {}


def test_course_managers_name_a_partners_first_owner_in_the_admin(client, manager, partner_a):
    user = UserFactory()
    client.force_login(manager)

    response = client.post(
        reverse("admin:partners_membership_add"), {"partner": partner_a.pk, "user": user.pk, "role": "owner"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=user).role == "owner"


def test_the_admin_refuses_demoting_the_last_owner_at_the_role_field(client, manager, owner_a):
    client.force_login(manager)

    response = client.post(reverse("admin:partners_membership_change", args=[owner_a.pk]), {"role": "analyst"})

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert Membership.objects.get(pk=owner_a.pk).role == "owner"


def test_my_learning_leads_a_member_into_each_workspace(client, owner_a, partner_b):
    MembershipFactory(partner=partner_b, user=owner_a.user, role="analyst")
    client.force_login(owner_a.user)

    page = client.get(reverse("courses:my-learning")).content.decode()
    client.post(reverse("partners:switch"), {"partner": str(partner_b.pk)})

    assert owner_a.partner.name_zh in page and partner_b.name_zh in page
    assert client.get(reverse("partners:home")).context["partner"] == partner_b


def test_my_learning_of_a_learner_shows_no_workspace(client, learner):
    client.force_login(learner)

    assert 'data-testid="partner-workspaces"' not in client.get(reverse("courses:my-learning")).content.decode()


def test_the_demo_seats_an_art_schools_owner_and_manager(client):
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)  # twice: the same seats

    assert client.login(username="art-owner", password="a-long-pass-phrase")
    art = Membership.objects.get(user__username="art-owner", role="owner").partner
    client.post(reverse("partners:switch"), {"partner": str(art.pk)})
    assert client.get(reverse("partners:members")).status_code == 200
    assert Membership.objects.filter(user=User.objects.get(username="art-owner")).count() == 2
