from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import Enrollment, Order
from platform_site.exceptions import ApplicationError
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_checkout_opens_pending_order_at_course_price(learner, course):
    order, created = services.order_checkout(learner=learner, course=course)

    assert created
    assert (order.status, order.amount, order.currency) == ("pending", course.price, course.currency)


def test_second_checkout_returns_the_same_pending_order(learner, course):
    first, _ = services.order_checkout(learner=learner, course=course)
    second, created = services.order_checkout(learner=learner, course=course, idempotency_key="other")

    assert not created
    assert second == first
    assert Order.objects.count() == 1


def test_retry_with_same_idempotency_key_returns_original_order_even_after_cancel(learner, course):
    order, _ = services.order_checkout(learner=learner, course=course, idempotency_key="k1")
    services.order_cancel(order=order)

    again, created = services.order_checkout(learner=learner, course=course, idempotency_key="k1")

    assert (again, created) == (order, False)


def test_idempotency_key_reused_for_another_course_is_refused(learner, course):
    services.order_checkout(learner=learner, course=course, idempotency_key="k1")
    with pytest.raises(ApplicationError) as error:
        services.order_checkout(learner=learner, course=CourseFactory(), idempotency_key="k1")
    assert error.value.code == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("course_kwargs", "code"),
    [({"price": 0}, "course_is_free"), ({"status": "draft"}, "course_not_published")],
)
def test_checkout_refuses_courses_that_cannot_be_bought(learner, course_kwargs, code):
    with pytest.raises(ApplicationError) as error:
        services.order_checkout(learner=learner, course=CourseFactory(**course_kwargs))
    assert error.value.code == code


def test_checkout_refuses_a_course_the_learner_already_has(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    with pytest.raises(ApplicationError) as error:
        services.order_checkout(learner=learner, course=course)
    assert error.value.code == "already_enrolled"


def test_free_course_enrolls_directly_once(learner, free_course):
    first = services.enrollment_create_free(learner=learner, course=free_course)
    second = services.enrollment_create_free(learner=learner, course=free_course)

    assert first == second
    assert Order.objects.count() == 0


def test_database_refuses_a_second_open_order(learner, course):
    from django.db import IntegrityError, transaction

    Order.objects.create(learner=learner, course=course, amount=1, currency="CNY", provider="sandbox")
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(learner=learner, course=course, amount=1, currency="CNY", provider="sandbox")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_buy_clicks_open_one_pending_order():
    learner = UserFactory()
    course = CourseFactory()
    url = reverse("courses:buy", args=[course.slug])

    def click(index: int) -> int:
        client = Client()
        client.force_login(learner)
        try:
            # A distinct form key per click: only the one-open-order rule can stop a duplicate.
            return client.post(url, {"checkout_key": f"click-{index}"}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(click, range(20)))

    assert statuses == [302] * 20
    assert Order.objects.filter(learner=learner, course=course).count() == 1
