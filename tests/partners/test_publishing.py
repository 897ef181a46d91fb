"""Publishing a partner's course: direct when PARTNER_PUBLISH_NEEDS_APPROVAL is off; otherwise a
request the platform's course managers approve or refuse (with a reason the partner reads)."""

import pytest
from django.urls import reverse

from courses.models import Course
from partners import publishing
from partners.models import PublishRequest
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from tests.factories import CourseFactory, ManagerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(partner_a):
    return CourseFactory(partners=[partner_a], status="draft", published_at=None, title_zh="草稿课")


@pytest.fixture
def manager_a(partner_a):
    return MembershipFactory(partner=partner_a, role="manager")


def test_without_approval_a_manager_publishes_directly(client, settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = False
    client.force_login(manager_a.user)

    response = client.post(reverse("partners:course-publish", args=[draft.pk]))

    assert response.status_code == 302
    assert Course.objects.get(pk=draft.pk).status == "published"
    assert not PublishRequest.objects.exists()


def test_with_approval_publish_asks_once_and_the_course_stays_a_draft(client, settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    client.force_login(manager_a.user)

    client.post(reverse("partners:course-publish", args=[draft.pk]))
    client.post(reverse("partners:course-publish", args=[draft.pk]))  # a second click: the same request

    assert Course.objects.get(pk=draft.pk).status == "draft"
    request = PublishRequest.objects.get()
    assert (request.status, request.partner_id, request.requested_by) == ("pending", draft.partners.get().pk,
                                                                          manager_a.user)  # fmt: skip
    assert 'data-testid="publish-state"' in client.get(reverse("partners:courses")).content.decode()


def test_a_course_without_lessons_or_published_already_is_refused(manager_a, partner_a):
    empty = CourseFactory(partners=[partner_a], status="draft", lessons=0)
    with pytest.raises(ApplicationError):
        publishing.course_publish_request(actor=manager_a, course=empty)
    with pytest.raises(Conflict):
        publishing.course_publish_request(actor=manager_a, course=CourseFactory(partners=[partner_a]))


@pytest.mark.parametrize("role", ["instructor", "analyst"])
def test_instructors_and_analysts_cannot_publish(client, partner_a, draft, role):
    member = MembershipFactory(partner=partner_a, role=role)
    client.force_login(member.user)

    assert client.post(reverse("partners:course-publish", args=[draft.pk])).status_code == 403
    with pytest.raises(NotPermitted):
        publishing.course_publish_request(actor=member, course=draft)
    assert Course.objects.get(pk=draft.pk).status == "draft"


def test_a_platform_manager_approves_in_the_admin_and_the_course_is_published(client, settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    request = publishing.course_publish_request(actor=manager_a, course=draft)
    reviewer = ManagerFactory()
    client.force_login(reviewer)
    url = reverse("admin:partners_publishrequest_change", args=[request.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "approve", "refusal_reason": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", reviewer)
    assert Course.objects.get(pk=draft.pk).status == "published"


def test_a_refusal_needs_a_reason_and_the_partner_reads_it(client, settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    request = publishing.course_publish_request(actor=manager_a, course=draft)
    client.force_login(ManagerFactory())
    url = reverse("admin:partners_publishrequest_change", args=[request.pk])

    refused = client.post(url, {"decision": "refuse", "refusal_reason": "  "})
    assert refused.status_code == 200 and "refusal_reason" in refused.context["adminform"].form.errors
    client.post(url, {"decision": "refuse", "refusal_reason": "封面图片模糊，请更换后再提交。"})

    request.refresh_from_db()
    assert request.status == "refused" and Course.objects.get(pk=draft.pk).status == "draft"
    client.force_login(manager_a.user)
    assert "封面图片模糊" in client.get(reverse("partners:courses")).content.decode()
    assert "封面图片模糊" in client.get(reverse("partners:lessons", args=[draft.pk])).content.decode()
    # Refused: the partner may ask again.
    assert publishing.course_publish_request(actor=manager_a, course=draft).pk != request.pk


def test_a_decided_request_is_not_decided_again(settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    request = publishing.course_publish_request(actor=manager_a, course=draft)
    reviewer = ManagerFactory()
    publishing.publish_request_refuse(publish_request=request, reviewer=reviewer, reason="不行")

    with pytest.raises(Conflict):
        publishing.publish_request_approve(publish_request=request, reviewer=reviewer)
    assert Course.objects.get(pk=draft.pk).status == "draft"


def test_staff_without_the_review_permission_cannot_decide(client, settings, manager_a, draft):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    request = publishing.course_publish_request(actor=manager_a, course=draft)
    client.force_login(UserFactory(is_staff=True))

    response = client.post(reverse("admin:partners_publishrequest_change", args=[request.pk]), {"decision": "approve"})

    assert response.status_code == 403
    assert PublishRequest.objects.get().status == "pending"


def test_the_courses_page_costs_the_same_with_publish_requests(client, settings, manager_a, partner_a,
                                                               django_assert_max_num_queries):  # fmt: skip
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    publishing.course_publish_request(actor=manager_a, course=CourseFactory(partners=[partner_a], status="draft"))
    client.force_login(manager_a.user)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("partners:courses"))
    for _ in range(10):
        publishing.course_publish_request(actor=manager_a, course=CourseFactory(partners=[partner_a], status="draft"))

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("partners:courses")).status_code == 200
