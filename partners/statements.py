"""Monthly partner statements: issued once per partner, month and currency, from the ledger lines
no statement holds yet; issued statements never change, except the payout mark finance sets."""

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Partner
from platform_site.exceptions import ApplicationError, Conflict

from .models import LedgerLine, LedgerPosting, Statement

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _month_end(month: date) -> datetime:
    """The first instant after `month`, in the site's time zone (months are the platform's, Beijing's)."""
    end = next_month(month)
    return timezone.make_aware(datetime(end.year, end.month, end.day))


def statements_issue(*, month: date, now: datetime | None = None) -> list[Statement]:
    """Issue `month`'s statements: for each partner and currency with ledger lines posted before the
    month ended that no statement holds yet (later ones of earlier months included). Idempotent:
    a month's statement is issued once (its unique constraint); running again issues none.
    Return the statements issued now."""
    month = month_start(month)
    now = now or timezone.now()
    end = _month_end(month)
    if now < end:
        raise ApplicationError(_("A month's statements are issued once the month has ended."), code="month_not_ended")
    open_lines = LedgerLine.objects.filter(statement__isnull=True, partner__isnull=False, posted_at__lt=end)
    groups = open_lines.values_list("partner_id", "currency").distinct().order_by("partner_id", "currency")
    issued = []
    for partner_id, currency in groups:
        statement = _statement_issue(partner_id=partner_id, currency=currency, month=month, end=end, now=now)
        if statement is not None:
            issued.append(statement)
    logger.info("Issued %s statements for %s", len(issued), month)
    return issued


@transaction.atomic
def _statement_issue(*, partner_id: int, currency: str, month: date, end: datetime, now: datetime) -> Statement | None:
    # The partner's row lock serialises two runs for one partner: the second finds the statement.
    Partner.objects.select_for_update().filter(pk=partner_id).first()
    if Statement.objects.filter(partner_id=partner_id, month__gte=month, currency=currency).exists():
        return None  # issued already, or a later month's was: its lines wait for the next one
    lines = LedgerLine.objects.filter(
        partner_id=partner_id, currency=currency, statement__isnull=True, posted_at__lt=end
    )
    share, commission = Q(kind=LedgerLine.Kind.SHARE), Q(kind=LedgerLine.Kind.COMMISSION)
    sale, refund = Q(entry=LedgerPosting.Entry.SALE), Q(entry=LedgerPosting.Entry.REFUND)
    totals = lines.aggregate(
        sales=Sum("amount", filter=sale),
        refunds=Sum("amount", filter=refund),
        commission=Sum("amount", filter=commission),
        net=Sum("amount", filter=share),
        last=Max("pk"),
    )
    if totals["last"] is None:
        return None
    previous = (
        Statement.objects.filter(partner_id=partner_id, currency=currency, month__lt=month)
        .order_by("-month")
        .values_list("closing_balance", flat=True)
        .first()
    )
    # What the platform owed is due (and paid) on its statement; what the partner owed back carries.
    opening = min(previous, ZERO) if previous is not None else ZERO
    net = totals["net"] or ZERO
    closing = opening + net
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                partner_id=partner_id,
                month=month,
                currency=currency,
                opening_balance=opening,
                sales=totals["sales"] or ZERO,
                refunds=totals["refunds"] or ZERO,
                commission=totals["commission"] or ZERO,
                net=net,
                closing_balance=closing,
                amount_due=max(closing, ZERO),
                issued_at=now,
            )
    except IntegrityError:
        return None
    # The lines summed above, exactly: none newer than the last one read joins the statement.
    lines.filter(pk__lte=totals["last"]).update(statement=statement)
    return statement


@transaction.atomic
def statement_mark_paid(*, statement: Statement, paid_on: date, reference: str) -> Statement:
    """Record the payout of a statement (finance staff). The only change an issued statement takes."""
    reference = reference.strip()
    if not reference:
        message = _("Enter the payout reference.")
        raise ApplicationError(
            message, code="payout_reference_missing", extra={"fields": {"payout_reference": [message]}}
        )
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.paid_on is not None and (statement.paid_on, statement.payout_reference) != (paid_on, reference):
        raise Conflict(_("This statement was marked paid already."), code="statement_already_paid")
    statement.paid_on = paid_on
    statement.payout_reference = reference
    statement.save(update_fields=["paid_on", "payout_reference"])
    return statement
