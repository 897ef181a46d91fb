import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses import services
from courses.models import Course, Order
from courses.payments.sandbox import SandboxProvider
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_course_managers_group_has_exactly_the_needed_permissions():
    codenames = set(Group.objects.get(name="Course managers").permissions.values_list("codename", flat=True))
    assert {"change_course", "add_lesson", "view_order", "refund_order"} <= codenames
    assert not codenames & {"delete_course", "change_order", "delete_order", "add_order", "change_enrollment"}


@pytest.mark.parametrize(
    "url",
    ["admin:courses_course_changelist", "admin:courses_course_add", "admin:courses_order_changelist",
     "admin:courses_partner_changelist", "admin:courses_enrollment_changelist"],
)  # fmt: skip
def test_manager_opens_admin_pages(client, manager, url):
    CourseFactory()
    client.force_login(manager)
    assert client.get(reverse(url)).status_code == 200


def test_learner_cannot_open_the_admin(client, learner):
    client.force_login(learner)
    assert client.get(reverse("admin:courses_course_changelist")).status_code == 302


def test_publish_action_publishes_courses_with_lessons_only(client, manager):
    ready = CourseFactory(status="draft", published_at=None)
    empty = CourseFactory(status="draft", published_at=None, lessons=0)
    client.force_login(manager)

    client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, empty.pk]},
    )

    assert Course.objects.get(pk=ready.pk).status == "published"
    assert Course.objects.get(pk=empty.pk).status == "draft"


def test_order_admin_is_read_only_but_refunds(client, manager, learner, course):
    order = services.order_checkout(learner=learner, course=course)[0]
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    client.force_login(manager)

    change = client.get(reverse("admin:courses_order_change", args=[order.pk])).content.decode()
    assert 'name="_save"' not in change

    client.post(reverse("admin:courses_order_changelist"), {"action": "refund", "_selected_action": [order.pk]})
    assert Order.objects.get(pk=order.pk).status == "refunded"


def test_negative_price_is_refused_at_the_price_field(client, manager, course):
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("admin:courses_course_change", args=[course.pk])
    response = client.post(url, {**_course_form_data(course), "price": "-1"})
    assert set(response.context["adminform"].form.errors) == {"price"}
    assert "course_price_not_negative" not in response.content.decode()


def _course_form_data(course):
    return {
        "slug": course.slug, "title_zh": course.title_zh, "title_en": course.title_en,
        "description_zh": course.description_zh, "description_en": course.description_en,
        "track": course.track, "level": course.level, "language": course.language,
        "price": str(course.price), "currency": course.currency, "status": course.status,
        "partners": [p.pk for p in course.partners.all()],
        "lessons-TOTAL_FORMS": "0", "lessons-INITIAL_FORMS": "0",
    }  # fmt: skip
