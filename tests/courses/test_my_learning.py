from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Enrollment, Order
from tests.factories import CourseFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_a_bought_course_shows_the_price_paid_with_its_discount_not_the_list_price(client, learner):
    course = CourseFactory(price=Decimal("199.00"))
    order = OrderFactory(
        learner=learner, course=course, list_price=Decimal("199.00"), discount=Decimal("39.80"),
        amount=Decimal("159.20"), status=Order.Status.PAID,
    )  # fmt: skip
    Enrollment.objects.create(learner=learner, course=course, order=order)
    client.force_login(learner)
    page = client.get(reverse("courses:my-learning")).content.decode()
    card = page.split('data-testid="enrolled-course"')[1].split('data-testid="orders"')[0]
    assert "已付 159.20 CNY" in card and "39.80 CNY" in card
    assert "199.00 CNY" not in card.replace("原价 199.00", "")


def test_every_order_cell_is_labelled_for_the_phones_card_layout(client, learner):
    OrderFactory(learner=learner, course=CourseFactory())
    client.force_login(learner)
    page = client.get(reverse("courses:my-learning")).content.decode()
    row = page.split('data-testid="order"')[1].split("</tr>")[0]
    for label in ("课程", "金额", "状态", "日期"):
        assert f'data-label="{label}"' in row
    assert 'data-testid="order-pay"' in row and 'data-testid="order-cancel"' in row
