"""Checkout pages: the coupon preview, errors at the field, the price breakdown, the confirmation step."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from courses import services as course_services
from courses.models import Order
from marketing.models import CouponRedemption
from tests.factories import CouponFactory, CourseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def course():
    CouponFactory(code="SPRING20", per_learner_cap=1)
    return CourseFactory(slug="ink-wash", title_zh="水墨入门", title_en="Ink wash basics", price=Decimal("199.00"))


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    client.cookies["django_language"] = "en"
    return client


def buy(client, course, **data):
    return client.post(reverse("courses:buy", args=[course.slug]), {"checkout_key": "", **data})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_applying_a_coupon_previews_the_breakdown_on_the_course_page_without_an_order(learner_client, course):
    response = learner_client.post(reverse("courses:checkout-preview", args=[course.slug]), {"coupon": "SPRING20"})

    page = text(response)
    assert response.status_code == 200
    assert "List price 199.00 CNY" in page and "Coupon SPRING20 −39.80 CNY" in page and "Total 159.20 CNY" in page
    assert 'value="SPRING20"' in response.content.decode()  # the code stays in the field, for "buy"
    assert not Order.objects.exists() and not CouponRedemption.objects.exists()


@pytest.mark.parametrize("url_name", ["courses:checkout-preview", "courses:buy"])
def test_a_refused_coupon_is_shown_at_its_field_and_the_typed_code_kept(learner_client, course, url_name):
    response = learner_client.post(reverse(url_name, args=[course.slug]), {"coupon": "NOPE1", "checkout_key": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="coupon-error"[^>]*>There is no coupon with this code\.<', html)
    assert re.search(r'<input id="coupon" name="coupon" value="NOPE1"[^>]*aria-invalid="true"', html)
    assert 'class="message error"' not in html
    assert not Order.objects.exists()


def test_the_coupon_error_is_in_chinese_on_the_chinese_page(learner_client, course):
    learner_client.cookies["django_language"] = "zh-hans"
    response = learner_client.post(reverse("courses:checkout-preview", args=[course.slug]), {"coupon": "NOPE1"})
    assert "没有这个优惠码" in text(response)


def test_continue_to_payment_goes_back_to_the_same_order_at_the_discounted_price(learner_client, course):
    first = buy(learner_client, course, coupon="SPRING20")
    learner_client.get(first.url)  # the gateway; "back to the course"
    page = text(learner_client.get(course.get_absolute_url()))
    assert "Your order" in page and "Total 159.20 CNY" in page and "Continue to payment" in page

    again = buy(learner_client, course, coupon="")

    assert again.url == first.url
    assert list(Order.objects.values_list("status", "amount")) == [("pending", Decimal("159.20"))]


def test_removing_the_coupon_shows_both_prices_and_charges_nothing_until_confirmed(learner_client, course):
    buy(learner_client, course, coupon="SPRING20")

    response = buy(learner_client, course, coupon_remove="1")

    page = text(response)
    assert response.status_code == 200 and "The price has changed" in page
    assert "Keep my order: 159.20 CNY" in page and "Pay the new price: 199.00 CNY" in page
    assert 'name="confirm_total" value="199.00"' in response.content.decode()
    assert Order.objects.get().status == "pending"


def test_confirming_the_new_price_opens_an_order_at_it(learner_client, learner, course):
    old, _ = course_services.order_checkout(learner=learner, course=course, context={"coupon_code": "SPRING20"})

    response = buy(learner_client, course, coupon_remove="1", confirm_total="199.00")

    new = Order.objects.get(status="pending")
    assert response.url == reverse("courses:sandbox-gateway", args=[new.number])
    assert (new.amount, Order.objects.get(pk=old.pk).status) == (Decimal("199.00"), "cancelled")


def test_keeping_the_order_goes_on_to_pay_it_as_priced(learner_client, course):
    buy(learner_client, course, coupon="SPRING20")
    order = Order.objects.get()

    response = learner_client.post(reverse("courses:order-pay", args=[order.number]))

    assert response.url == reverse("courses:sandbox-gateway", args=[order.number])
    assert Order.objects.get().amount == Decimal("159.20")


def test_a_malformed_confirmed_total_is_not_a_confirmation(learner_client, course):
    buy(learner_client, course, coupon="SPRING20")
    response = buy(learner_client, course, coupon_remove="1", confirm_total="abc")
    assert "The price has changed" in text(response)
    assert Order.objects.get().status == "pending"


def test_the_gateway_shows_the_course_title_and_the_stored_breakdown(learner_client, course):
    gateway = learner_client.get(buy(learner_client, course, coupon="SPRING20").url)

    page = text(gateway)
    assert "Ink wash basics" in page
    assert "List price 199.00 CNY" in page and "Coupon SPRING20 −39.80 CNY" in page and "Total 159.20 CNY" in page
    assert "Pay 159.20 CNY" in page
    assert str(Order.objects.get().number) not in page


def test_the_gateway_breakdown_is_in_chinese_on_the_chinese_page(learner_client, course):
    url = buy(learner_client, course, coupon="SPRING20").url
    learner_client.cookies["django_language"] = "zh-hans"
    page = text(learner_client.get(url))
    assert "水墨入门" in page and "优惠券 SPRING20 −39.80 CNY" in page and "原价" in page and "合计" in page


def test_the_receipt_lists_the_breakdown_in_both_languages(learner_client, course):
    learner_client.post(buy(learner_client, course, coupon="SPRING20").url, {"action": "pay"}, follow=True)

    assert course_services.order_send_receipt(order_id=Order.objects.get(status="paid").pk)

    (receipt,) = mail.outbox
    assert "水墨入门" in receipt.subject and "Ink wash basics" in receipt.subject
    for line in ("List price: 199.00 CNY", "Coupon SPRING20: −39.80 CNY", "Total: 159.20 CNY",
                 "原价：199.00 CNY", "优惠券 SPRING20：−39.80 CNY", "合计：159.20 CNY"):  # fmt: skip
        assert line in receipt.body


def test_the_course_page_with_a_pending_order_costs_a_bounded_number_of_queries(
    learner_client, course, django_assert_max_num_queries
):
    buy(learner_client, course, coupon="SPRING20")
    with django_assert_max_num_queries(16):  # the course page's 15, and the order's breakdown
        learner_client.get(course.get_absolute_url())


# ------------------------------------------------------------------------------ API
@pytest.fixture
def api(learner):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(learner)
    return client


def test_the_api_answers_409_with_both_breakdowns_before_repricing(api, course):
    first = api.post(f"{API}/orders/", {"course": course.slug, "coupon": "SPRING20"}, format="json")
    again = api.post(f"{API}/orders/", {"course": course.slug}, format="json")
    removed = api.post(f"{API}/orders/", {"course": course.slug, "remove_coupon": True}, format="json")

    assert (first.status_code, again.status_code, again.json()["number"]) == (201, 200, first.json()["number"])
    assert first.json()["adjustments"] == [{"kind": "coupon", "label": "优惠券", "code": "SPRING20", "amount": "39.80"}]
    body = removed.json()
    assert (removed.status_code, body["code"], body["extra"]["order"]) == (409, "price_changed", first.json()["number"])
    assert (body["extra"]["current"]["total"], body["extra"]["quote"]["total"]) == ("159.20", "199.00")

    confirmed = api.post(
        f"{API}/orders/", {"course": course.slug, "remove_coupon": True, "confirm_total": "199.00"}, format="json"
    )
    assert (confirmed.status_code, confirmed.json()["amount"], confirmed.json()["adjustments"]) == (201, "199.00", [])


def test_the_api_refuses_an_unknown_coupon_at_its_field(api, course):
    response = api.post(f"{API}/orders/", {"course": course.slug, "coupon": "NOPE1"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "coupon_unknown" and list(response.json()["extra"]["fields"]) == ["coupon"]


def test_the_confirmation_page_is_in_chinese_on_the_chinese_page(learner_client, course):
    buy(learner_client, course, coupon="SPRING20")
    learner_client.cookies["django_language"] = "zh-hans"

    page = text(buy(learner_client, course, coupon_remove="1"))

    assert "价格有变" in page and "保留原订单：159.20 CNY" in page and "按新价格支付：199.00 CNY" in page
    assert not re.search(r"The price|Keep my order|Pay the new price|List price|Total", page)


def test_the_order_admin_shows_the_breakdown_by_name(client, learner, course):
    from tests.factories import ManagerFactory

    order, _ = course_services.order_checkout(learner=learner, course=course, context={"coupon_code": "SPRING20"})
    client.force_login(ManagerFactory(is_superuser=True))
    client.cookies["django_language"] = "zh-hans"

    page = text(client.get(reverse("admin:courses_order_change", args=[order.pk])))

    assert "优惠券 SPRING20 39.80" in page and "coupon" not in page.replace("coupon_", "")
