from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Enrollment, Order, Payment
from courses.payments.sandbox import SandboxProvider
from platform_site.exceptions import ApplicationError
from tests.factories import CourseFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db
NOTIFY = "/pay/sandbox/notify/"


@pytest.fixture
def order(learner, course):
    return services.order_checkout(learner=learner, course=course)[0]


def test_signed_callback_pays_the_order_and_enrolls_the_learner(client, order):
    response = client.post(NOTIFY, SandboxProvider().charge(order))

    order.refresh_from_db()
    assert response.status_code == 200
    assert order.status == "paid"
    assert Enrollment.objects.active().filter(learner=order.learner, course=order.course).exists()


def test_replayed_callback_changes_nothing(client, order):
    callback = SandboxProvider().charge(order)
    client.post(NOTIFY, callback)
    paid_at = Order.objects.get(pk=order.pk).paid_at

    response = client.post(NOTIFY, callback)

    assert response.status_code == 200
    assert Payment.objects.count() == 1
    assert Order.objects.get(pk=order.pk).paid_at == paid_at


@pytest.mark.parametrize("field", ["amount", "order", "reference", "currency"])
def test_tampered_callback_is_rejected_with_nothing_changed(client, order, field):
    callback = SandboxProvider().charge(order)
    callback[field] = {"amount": "0.01", "order": str(OrderFactory().number), "reference": "x", "currency": "USD"}[
        field
    ]

    response = client.post(NOTIFY, callback)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert Payment.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_signed_callback_for_the_wrong_amount_is_refused(order):
    provider = SandboxProvider()
    callback = {**provider.charge(order), "amount": "1.00"}
    callback["signature"] = provider.sign(callback)

    with pytest.raises(ApplicationError) as error:
        services.payment_confirm(notice=provider.parse_callback(callback))

    assert error.value.code == "payment_mismatch"
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_callback_for_a_cancelled_order_is_refused(order):
    services.order_cancel(order=order)
    with pytest.raises(ApplicationError) as error:
        services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    assert error.value.code == "order_cancelled"


def test_browser_return_with_bad_signature_shows_an_error_page(client, order):
    callback = {**SandboxProvider().charge(order), "signature": "0" * 64}
    response = client.get(reverse("courses:sandbox-return"), callback)
    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_refund_revokes_the_enrollment_and_allows_buying_again(order):
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))

    services.order_refund(order=order)
    services.order_refund(order=order)  # idempotent

    order.refresh_from_db()
    assert order.status == "refunded"
    assert order.payment.refund_reference.startswith("sbx_refund_")
    assert Enrollment.objects.get(learner=order.learner, course=order.course).status == "revoked"
    new_order, created = services.order_checkout(learner=order.learner, course=order.course)
    assert created and new_order != order


def test_only_paid_orders_can_be_refunded(order):
    with pytest.raises(ApplicationError) as error:
        services.order_refund(order=order)
    assert error.value.code == "order_not_paid"


def test_stale_pending_orders_expire(learner, settings):
    settings.ORDER_PENDING_TTL_MINUTES = 30
    stale = OrderFactory(learner=learner)
    fresh = OrderFactory(learner=learner)
    Order.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=31))

    assert services.order_expire_stale() == 1
    assert Order.objects.get(pk=stale.pk).status == "cancelled"
    assert Order.objects.get(pk=fresh.pk).status == "pending"


def test_receipt_is_mailed_once(order, django_capture_on_commit_callbacks):
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))

    assert services.order_send_receipt(order_id=order.pk) is True
    assert services.order_send_receipt(order_id=order.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [order.learner.email]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_callbacks_for_one_order_make_one_payment():
    order = services.order_checkout(learner=UserFactory(), course=CourseFactory())[0]
    callback = SandboxProvider().charge(order)

    def notify(_: int) -> int:
        try:
            return Client().post(NOTIFY, callback).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(notify, range(8)))

    assert statuses == [200] * 8
    assert Payment.objects.filter(order=order).count() == 1
    assert Enrollment.objects.filter(learner=order.learner, course=order.course).count() == 1
