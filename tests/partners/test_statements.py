import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.ledger import ledger_post_refund, ledger_post_sale
from partners.models import LedgerLine, Statement
from partners.statements import month_start, next_month, statement_mark_paid, statements_issue
from platform_site.exceptions import ApplicationError
from tests.factories import (
    CampaignFactory,
    CourseFactory,
    MembershipFactory,
    OrderFactory,
    PartnerFactory,
    UserFactory,
    migrations_group,
)
from tests.partners.test_ledger import attribute

pytestmark = pytest.mark.django_db

D = Decimal


def after_this_month() -> datetime:
    return timezone.make_aware(datetime.combine(next_month(month_start(timezone.localdate())), datetime.min.time()))


def this_month() -> date:
    return month_start(timezone.localdate())


def sell(course, *, refund: bool = False):
    order = OrderFactory(course=course, status="paid")
    ledger_post_sale(order=order)
    if refund:
        ledger_post_refund(order=order)
    return order


def test_a_month_is_issued_once_and_its_lines_are_taken_once():
    partner = PartnerFactory(commission_rate=D("0.25"))
    course = CourseFactory(price=D("40.00"), partners=[partner])
    sell(course)
    sell(course, refund=True)
    [statement] = statements_issue(month=this_month(), now=after_this_month())
    assert statements_issue(month=this_month(), now=after_this_month()) == []
    assert Statement.objects.count() == 1
    assert (statement.sales, statement.refunds, statement.commission, statement.net) == (
        D("80.00"), D("-40.00"), D("10.00"), D("30.00")
    )  # fmt: skip
    assert (statement.opening_balance, statement.closing_balance, statement.amount_due) == (0, D("30.00"), D("30.00"))
    assert LedgerLine.objects.filter(partner=partner, statement__isnull=True).count() == 0


def test_issuing_costs_the_same_queries_for_two_partners_or_twenty(django_assert_max_num_queries):
    # savepoint, lock, issued already, sums, previous balances, insert, update, release
    for count, partners in ((2, 4), (18, 40)):
        for _ in range(count):
            sell(CourseFactory(price=D("10.00"), partners=[PartnerFactory(), PartnerFactory()]))
        with django_assert_max_num_queries(8):
            assert len(statements_issue(month=this_month(), now=after_this_month())) == partners
        LedgerLine.objects.update(statement=None)
        Statement.objects.all().delete()


def test_a_month_not_over_is_refused():
    with pytest.raises(ApplicationError):
        statements_issue(month=this_month())


def test_lines_not_on_a_statement_land_on_the_next_and_a_refund_beyond_sales_carries():
    partner = PartnerFactory(commission_rate=D("0"))
    course = CourseFactory(price=D("10.00"), partners=[partner])
    order = sell(course)
    month = this_month()
    [first] = statements_issue(month=month, now=after_this_month())
    ledger_post_refund(order=order)  # refunded after the statement was issued
    first.refresh_from_db()
    assert first.net == D("10.00")  # issued: unchanged
    LedgerLine.objects.filter(statement__isnull=True).update(posted_at=after_this_month() + timedelta(days=1))
    following = next_month(month)
    [second] = statements_issue(month=following, now=after_this_month() + timedelta(days=40))
    assert (second.opening_balance, second.net, second.closing_balance, second.amount_due) == (
        0, D("-10.00"), D("-10.00"), 0
    )  # fmt: skip
    sell(course)
    LedgerLine.objects.filter(statement__isnull=True).update(posted_at=after_this_month() + timedelta(days=40))
    [third] = statements_issue(month=next_month(following), now=after_this_month() + timedelta(days=80))
    assert (third.opening_balance, third.net, third.amount_due) == (D("-10.00"), D("10.00"), 0)


def test_payout_mark_needs_a_reference_and_is_kept():
    partner = PartnerFactory()
    sell(CourseFactory(price=D("10.00"), partners=[partner]))
    [statement] = statements_issue(month=this_month(), now=after_this_month())
    with pytest.raises(ApplicationError):
        statement_mark_paid(statement=statement, paid_on=date(2026, 1, 5), reference=" ")
    statement_mark_paid(statement=statement, paid_on=date(2026, 1, 5), reference="BANK-1")
    statement.refresh_from_db()
    assert (statement.paid_on, statement.payout_reference) == (date(2026, 1, 5), "BANK-1")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    orders=st.lists(
        st.tuples(
            st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2),  # list price
            st.decimals(min_value=0, max_value=1, places=2),  # the part a coupon or bundle takes off
            st.integers(min_value=0, max_value=3),  # course partners
            st.booleans(),  # through the joint campaign
            st.booleans(),  # refunded
        ),
        min_size=1,
        max_size=8,
    ),
    rates=st.lists(st.decimals(min_value=0, max_value=1, places=4), min_size=3, max_size=3),
    campaign_shares=st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=1, max_value=100)),
)
def test_every_order_adds_up_and_every_statement_is_the_sum_of_its_lines(orders, rates, campaign_shares):
    with transaction.atomic():
        partners = [PartnerFactory(commission_rate=rate) for rate in rates]
        campaign = CampaignFactory()
        for share, percent in zip(campaign.partner_shares.order_by("side"), campaign_shares, strict=True):
            share.share_percent = percent
            share.save()
        posted = []
        for price, off, partner_count, through_campaign, refunded in orders:
            amount = (price * (1 - off)).quantize(D("0.01"))
            if through_campaign:
                course = campaign.art_courses.get()
            else:
                course = CourseFactory(price=price, partners=partners[:partner_count])
            order = OrderFactory(course=course, amount=amount, list_price=price, discount=price - amount, status="paid")
            if through_campaign:
                attribute(order, campaign)
            ledger_post_sale(order=order)
            if refunded:
                ledger_post_refund(order=order)
            posted.append(order)
        for order in posted:
            sale = LedgerLine.objects.filter(order=order, entry="sale").aggregate(s=Sum("amount"))["s"] or 0
            assert sale == order.amount
            refund = LedgerLine.objects.filter(order=order, entry="refund").aggregate(s=Sum("amount"))["s"]
            assert refund in (None, -order.amount)
        for statement in statements_issue(month=this_month(), now=after_this_month()):
            lines = LedgerLine.objects.filter(statement=statement)
            assert statement.net == (lines.filter(kind="share").aggregate(s=Sum("amount"))["s"] or 0)
            assert statement.sales + statement.refunds - statement.commission == statement.net
            assert statement.closing_balance == statement.opening_balance + statement.net
            assert set(lines.values_list("partner_id", flat=True)) == {statement.partner_id}
        assert not LedgerLine.objects.filter(statement__isnull=True, partner__isnull=False).exists()
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------ workspace
@pytest.fixture
def statement_a(partner_a):
    course = CourseFactory(title_zh="水墨入门", price=D("100.00"), partners=[partner_a])
    sell(course)
    [statement] = statements_issue(month=this_month(), now=after_this_month())
    return statement


def test_a_manager_downloads_the_statement_as_csv_with_a_byte_order_mark(client, partner_a, statement_a):
    client.force_login(MembershipFactory(partner=partner_a, role="manager").user)
    response = client.get(reverse("partners:statement-csv", args=[statement_a.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][0] == "水墨入门"
    assert rows[1][3:] == ["100.00", "0.00", "20.00", "80.00"]
    assert rows[-1][-1] == "80.00"


def test_an_analyst_downloads_the_statement_as_pdf(client, partner_a, statement_a):
    client.force_login(MembershipFactory(partner=partner_a, role="analyst").user)
    response = client.get(reverse("partners:statement-pdf", args=[statement_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_statements_page_lists_the_partners_statements(client, owner_a, statement_a, django_assert_max_num_queries):
    client.force_login(owner_a.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("partners:statements"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="statement-row"') == 1


def test_a_member_of_another_partner_cannot_download_the_statement(client, owner_b, statement_a):
    client.force_login(owner_b.user)
    assert client.get(reverse("partners:statement-csv", args=[statement_a.pk])).status_code == 404
    assert client.get(reverse("partners:statement-pdf", args=[statement_a.pk])).status_code == 404


def test_an_instructor_is_refused_statements(client, partner_a, statement_a):
    client.force_login(MembershipFactory(partner=partner_a, role="instructor").user)
    assert client.get(reverse("partners:statements")).status_code == 403
    assert client.get(reverse("partners:statement-csv", args=[statement_a.pk])).status_code == 403
    assert client.get(reverse("partners:statement-pdf", args=[statement_a.pk])).status_code == 403


def test_someone_without_a_membership_is_refused(client, statement_a):
    client.force_login(UserFactory())
    assert client.get(reverse("partners:statement-csv", args=[statement_a.pk])).status_code == 403


# ------------------------------------------------------------------------------ admin
def finance_clerk():
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_statement", "change_statement", "mark_statement_paid"])
    )
    return clerk


def test_finance_staff_mark_a_statement_paid_and_nothing_else_changes(client, statement_a):
    client.force_login(finance_clerk())
    url = reverse("admin:partners_statement_change", args=[statement_a.pk])
    assert client.get(reverse("admin:partners_statement_changelist")).status_code == 200
    refused = client.post(url, {"paid_on": "2026-01-05", "payout_reference": "", "amount_due": "9999"})
    assert refused.status_code == 200 and "payout_reference" in refused.context["adminform"].form.errors
    client.post(url, {"paid_on": "2026-01-05", "payout_reference": "BANK-7", "amount_due": "9999"})
    statement_a.refresh_from_db()
    assert (statement_a.paid_on, statement_a.payout_reference, statement_a.amount_due) == (
        date(2026, 1, 5), "BANK-7", D("80.00")
    )  # fmt: skip
    assert 'name="_save"' not in client.get(url).content.decode()  # paid: final


def test_staff_without_the_payout_permission_cannot_change_a_statement(client, statement_a):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_statement", "change_statement"]))
    client.force_login(viewer)
    url = reverse("admin:partners_statement_change", args=[statement_a.pk])
    client.post(url, {"paid_on": "2026-01-05", "payout_reference": "X"})
    statement_a.refresh_from_db()
    assert statement_a.paid_on is None


def test_the_beat_task_issues_last_months_statement_once():
    from partners import tasks

    partner = PartnerFactory()
    sell(CourseFactory(price=D("10.00"), partners=[partner]))
    LedgerLine.objects.update(posted_at=timezone.now() - timedelta(days=40))  # before this month, always
    assert tasks.statements_issue_task() == 1
    assert tasks.statements_issue_task() == 0
    assert Statement.objects.filter(partner=partner).count() == 1


# ------------------------------------------------------------------------------ the finance group
def finance_member():
    clerk = UserFactory(is_staff=True)
    clerk.groups.add(migrations_group("Finance"))
    return clerk


def test_the_finance_group_marks_several_statements_paid_with_the_list_action(client, statement_a):
    client.force_login(finance_member())
    changelist = reverse("admin:partners_statement_changelist")
    chosen = {"action": "mark_statement_paid", "_selected_action": [statement_a.pk]}

    form = client.post(changelist, chosen)
    assert form.status_code == 200 and "payout_reference" in form.content.decode()
    refused = client.post(changelist, {**chosen, "apply": "1", "paid_on": "2026-02-03", "payout_reference": " "})
    assert refused.status_code == 200
    statement_a.refresh_from_db()
    assert statement_a.paid_on is None
    done = client.post(changelist, {**chosen, "apply": "1", "paid_on": "2026-02-03", "payout_reference": "BANK-9"})

    assert done.status_code == 302
    statement_a.refresh_from_db()
    assert (statement_a.paid_on, statement_a.payout_reference) == (date(2026, 2, 3), "BANK-9")
    again = client.post(changelist, {**chosen, "apply": "1", "paid_on": "2026-02-04", "payout_reference": "OTHER"},
                        follow=True)  # fmt: skip
    statement_a.refresh_from_db()
    assert statement_a.payout_reference == "BANK-9"  # paid is final
    assert again.status_code == 200


@pytest.mark.parametrize("who", ["course manager", "staff viewer"])
def test_others_do_not_get_the_payout_action(client, statement_a, who):
    from django.contrib.auth.models import Permission

    from tests.factories import ManagerFactory

    user = ManagerFactory() if who == "course manager" else UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_statement", "change_statement"]))
    client.force_login(user)
    changelist = reverse("admin:partners_statement_changelist")

    page = client.get(changelist).content.decode()
    client.post(changelist, {"action": "mark_statement_paid", "_selected_action": [statement_a.pk], "apply": "1",
                             "paid_on": "2026-02-03", "payout_reference": "BANK-9"})  # fmt: skip

    assert "mark_statement_paid" not in page
    statement_a.refresh_from_db()
    assert statement_a.paid_on is None
