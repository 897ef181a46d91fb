from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.payments.sandbox import SandboxProvider
from marketing.models import OrderAttribution
from partners.ledger import ledger_post_refund, ledger_post_sale, split_amount
from partners.models import CourseShare, LedgerLine, LedgerPosting
from tests.factories import CampaignFactory, CourseFactory, OrderFactory, PartnerFactory

pytestmark = pytest.mark.django_db

D = Decimal


def parts(amount: str, weights: dict[int, int], rates: dict[int, str] | None = None) -> list[tuple[str, int | None, D]]:
    rates = rates or {}
    split = split_amount(
        amount=D(amount),
        currency="CNY",
        weights={p: Fraction(w) for p, w in weights.items()},
        rates={p: Fraction(D(rates.get(p, "0.2"))) for p in weights},
    )
    return [(part.kind, part.partner_id, part.amount) for part in split]


def test_three_equal_partners_split_a_hundred_with_the_odd_cent_to_the_lowest_id():
    result = parts("100.00", {3: 1, 1: 1, 2: 1})
    # 100 / 3 = 33.333…: shares 26.666…, commissions 6.666…; 100.00 = 26.66*3 + 6.66*3 + 0.04
    assert result == [
        ("share", 1, D("26.67")), ("commission", 1, D("6.67")),
        ("share", 2, D("26.67")), ("commission", 2, D("6.66")),
        ("share", 3, D("26.67")), ("commission", 3, D("6.66")),
    ]  # fmt: skip
    assert sum(amount for *_, amount in result) == D("100.00")


def test_one_cent_goes_to_one_part_only():
    result = parts("0.01", {1: 1, 2: 1, 3: 1})
    assert [amount for *_, amount in result].count(D("0.01")) == 1
    assert sum(amount for *_, amount in result) == D("0.01")
    assert result[0] == ("share", 1, D("0.01"))


def test_shares_and_per_partner_rates_are_applied_exactly():
    result = parts("300.00", {1: 60, 2: 40}, rates={1: "0.10", 2: "0.25"})
    assert result == [
        ("share", 1, D("162.00")), ("commission", 1, D("18.00")),
        ("share", 2, D("90.00")), ("commission", 2, D("30.00")),
    ]  # fmt: skip


def test_without_partners_the_whole_amount_is_the_platforms():
    assert parts("59.90", {}) == [("commission", None, D("59.90"))]


def test_a_paid_order_of_a_course_with_three_partners_is_posted_once(settings, django_capture_on_commit_callbacks):
    settings.PARTNER_COMMISSION_DEFAULT = D("0.20")
    a, b, c = PartnerFactory(), PartnerFactory(commission_rate=D("0")), PartnerFactory()
    course = CourseFactory(price=D("99.99"), partners=[a, b, c])
    order = OrderFactory(course=course)
    notice = SandboxProvider().parse_callback(SandboxProvider().charge(order))
    with django_capture_on_commit_callbacks():
        course_services.payment_confirm(notice=notice)
        course_services.payment_confirm(notice=notice)  # the gateway's retried callback
    lines = LedgerLine.objects.filter(order=order)
    assert sum(line.amount for line in lines) == D("99.99")
    assert LedgerPosting.objects.filter(order=order).count() == 1
    # b pays no commission: its third is all its own.
    assert {(line.kind, line.partner_id) for line in lines} == {
        ("share", a.pk), ("commission", a.pk), ("share", b.pk), ("share", c.pk), ("commission", c.pk)
    }  # fmt: skip
    assert lines.get(kind="share", partner=b).amount == D("33.33")


def test_posting_twice_posts_once():
    order = OrderFactory(course=CourseFactory(price=D("10.00"), partners=[PartnerFactory()]), status="paid")
    assert len(ledger_post_sale(order=order)) == 2
    assert ledger_post_sale(order=order) == []
    assert LedgerLine.objects.filter(order=order).count() == 2


def test_a_refund_reverses_every_line_once(django_capture_on_commit_callbacks):
    partners = [PartnerFactory(), PartnerFactory(), PartnerFactory()]
    order = OrderFactory(course=CourseFactory(price=D("0.01"), partners=partners))
    with django_capture_on_commit_callbacks():
        course_services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    course_services.order_refund(order=order)
    course_services.order_refund(order=order)
    assert ledger_post_refund(order=order) == []
    refund = LedgerLine.objects.filter(order=order, entry="refund")
    assert [line.amount for line in refund] == [D("-0.01")]
    assert sum(line.amount for line in LedgerLine.objects.filter(order=order)) == 0


def test_course_shares_set_replace_the_equal_split():
    a, b = PartnerFactory(commission_rate=D("0")), PartnerFactory(commission_rate=D("0"))
    course = CourseFactory(price=D("100.00"), partners=[a, b])
    CourseShare.objects.create(course=course, partner=a, share_percent=75)
    CourseShare.objects.create(course=course, partner=b, share_percent=25)
    ledger_post_sale(order=OrderFactory(course=course, status="paid"))
    assert dict(LedgerLine.objects.values_list("partner_id", "amount")) == {a.pk: D("75.00"), b.pk: D("25.00")}


def attribute(order, campaign) -> None:
    now = timezone.now()
    OrderAttribution.objects.create(
        order=order, first_campaign=campaign, last_campaign=campaign, first_touched_at=now, last_touched_at=now
    )


def test_an_order_attributed_to_a_joint_campaign_is_split_by_the_campaigns_shares(settings):
    settings.PARTNER_COMMISSION_DEFAULT = D("0.10")
    campaign = CampaignFactory()
    course = campaign.art_courses.get()
    course.partners.set([PartnerFactory()])  # the course's own partner gets nothing of a campaign sale
    order = OrderFactory(course=course, status="paid")
    attribute(order, campaign)
    ledger_post_sale(order=order)
    shares = {s.partner_id: s.share_percent for s in campaign.partner_shares.all()}
    lines = LedgerLine.objects.filter(order=order, kind="share")
    assert {line.partner_id: line.amount for line in lines} == {
        pk: D("300.00") * share / 100 * D("0.9") for pk, share in shares.items()
    }
    assert {line.campaign_id for line in lines} == {campaign.pk}


def test_a_campaign_touch_on_a_course_outside_the_campaign_is_split_by_the_course():
    campaign = CampaignFactory()
    partner = PartnerFactory()
    order = OrderFactory(course=CourseFactory(price=D("50.00"), partners=[partner]), status="paid")
    attribute(order, campaign)
    ledger_post_sale(order=order)
    assert set(LedgerLine.objects.values_list("partner_id", "campaign_id")) == {(partner.pk, None)}
