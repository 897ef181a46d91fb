"""`manage.py ledger_backfill`: paid and refunded orders from before the ledger get their postings,
dated when they happened; a second run posts nothing new."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from partners.ledger import ledger_post_sale
from partners.models import LedgerLine, LedgerPosting, Statement
from partners.statements import month_start, next_month, statements_issue
from tests.factories import CourseFactory, OrderFactory, PartnerFactory

pytestmark = pytest.mark.django_db

D = Decimal


def backfill(*args: str) -> str:
    out = StringIO()
    call_command("ledger_backfill", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_orders():
    """Orders the factory writes as paid and refunded without the order flow: no ledger."""
    partner = PartnerFactory(commission_rate=D("0.10"))
    course = CourseFactory(price=D("90.00"), partners=[partner])
    long_ago = timezone.now() - timedelta(days=70)
    paid = [OrderFactory(course=course, status="paid", amount=D("90.00"), paid_at=long_ago) for _ in range(3)]
    refunded = OrderFactory(course=course, status="refunded", amount=D("90.00"), paid_at=long_ago,
                            refunded_at=long_ago + timedelta(days=2))  # fmt: skip
    OrderFactory(course=course, status="pending", amount=D("90.00"))  # never paid: nothing to post
    posted = OrderFactory(course=course, status="paid", amount=D("90.00"), paid_at=long_ago)
    ledger_post_sale(order=posted)  # posted by the flow already
    return {"partner": partner, "paid": paid, "refunded": refunded, "posted": posted, "long_ago": long_ago}


def test_backfill_posts_each_old_order_once_dated_when_it_was_paid(old_orders):
    dry = backfill("--dry-run")
    assert "4 orders" in dry and LedgerPosting.objects.count() == 1

    first = backfill()

    assert "posted 4 sales and 1 refunds" in first
    sales = LedgerPosting.objects.filter(entry="sale")
    assert sales.count() == 5 and LedgerPosting.objects.filter(entry="refund").count() == 1
    assert sales.get(order=old_orders["paid"][0]).posted_at == old_orders["long_ago"]
    refund = LedgerPosting.objects.get(entry="refund")
    assert refund.posted_at == old_orders["refunded"].refunded_at
    # Every order's lines add up to its amount (the refunded one to nothing).
    totals = dict(LedgerLine.objects.values("order_id").annotate(total=Sum("amount")).values_list("order_id", "total"))
    assert totals[old_orders["refunded"].pk] == 0
    assert {totals[o.pk] for o in old_orders["paid"]} == {D("90.00")}


def test_running_it_again_posts_nothing_new(old_orders):
    backfill()
    lines = list(LedgerLine.objects.order_by("pk").values_list("pk", "amount"))

    second = backfill()

    assert "0 orders" in second and "posted 0 sales and 0 refunds" in second
    assert list(LedgerLine.objects.order_by("pk").values_list("pk", "amount")) == lines


def test_backfilled_lines_of_an_issued_month_land_on_the_next_statement(old_orders):
    old_month = month_start(timezone.localtime(old_orders["long_ago"]).date())
    LedgerLine.objects.update(posted_at=old_orders["long_ago"])  # the flow's order: in the old month
    [issued] = statements_issue(month=old_month, now=timezone.now())
    issued_lines = set(issued.lines.values_list("pk", flat=True))

    backfill()
    [following] = statements_issue(month=next_month(old_month), now=timezone.now() + timedelta(days=400))

    # The issued statement never changes; the old orders land on the next one:
    # 3 sales kept and one refunded, 90.00 each less 10% commission.
    assert Statement.objects.get(pk=issued.pk).net == issued.net == D("81.00")
    assert set(issued.lines.values_list("pk", flat=True)) == issued_lines
    assert following.net == D("243.00") and following.partner_id == old_orders["partner"].pk
