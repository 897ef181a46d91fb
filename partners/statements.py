"""Monthly partner statements: issued once per partner, month and currency, from the ledger lines
no statement holds yet; issued statements never change, except the payout mark finance sets."""

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


# One run issues at a time (a transaction-scoped advisory lock): a second run waits, then finds
# the month issued. The key is arbitrary but fixed ("STMT" in ASCII).
ISSUE_LOCK_KEY = 0x53544D54


@transaction.atomic
def statements_issue(*, month: date, now: datetime | None = None) -> list[Statement]:
    """Issue `month`'s statements: for each partner and currency with ledger lines posted before the
    month ended that no statement holds yet (later ones of earlier months included). Idempotent:
    a month's statement is issued once (its unique constraint); running again issues none.
    Set-based: a fixed number of queries whatever the number of partners and lines.
    Return the statements issued now."""
    month = month_start(month)
    now = now or timezone.now()
    end = _month_end(month)
    if now < end:
        raise ApplicationError(_("A month's statements are issued once the month has ended."), code="month_not_ended")
    if connection.vendor == "postgresql":  # SQLite (local development) locks the whole database on write anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ISSUE_LOCK_KEY])
    # A partner whose statement of this month (or a later one) is issued waits for the next one.
    issued_already = set(Statement.objects.filter(month__gte=month).values_list("partner_id", "currency"))
    share, commission = Q(kind=LedgerLine.Kind.SHARE), Q(kind=LedgerLine.Kind.COMMISSION)
    sale, refund = Q(entry=LedgerPosting.Entry.SALE), Q(entry=LedgerPosting.Entry.REFUND)
    groups = (
        LedgerLine.objects.filter(statement__isnull=True, partner__isnull=False, posted_at__lt=end)
        .values("partner_id", "currency")
        .annotate(
            sales=Sum("amount", filter=sale),
            refunds=Sum("amount", filter=refund),
            commission=Sum("amount", filter=commission),
            net=Sum("amount", filter=share),
        )
        .order_by("partner_id", "currency")
    )
    # The latest earlier statement of each partner and currency: months ascending, the last one wins.
    previous = {
        (partner_id, currency): closing
        for partner_id, currency, closing in Statement.objects.filter(month__lt=month)
        .order_by("partner_id", "currency", "month")
        .values_list("partner_id", "currency", "closing_balance")
    }
    statements = []
    for row in groups:
        key = (row["partner_id"], row["currency"])
        if key in issued_already:
            continue
        # What the platform owed is due (and paid) on its statement; what the partner owed back carries.
        opening = min(previous.get(key, ZERO), ZERO)
        net = row["net"] or ZERO
        closing = opening + net
        statements.append(
            Statement(
                partner_id=row["partner_id"],
                month=month,
                currency=row["currency"],
                opening_balance=opening,
                sales=row["sales"] or ZERO,
                refunds=row["refunds"] or ZERO,
                commission=row["commission"] or ZERO,
                net=net,
                closing_balance=closing,
                amount_due=max(closing, ZERO),
                issued_at=now,
            )
        )
    Statement.objects.bulk_create(statements)
    # Each open line joins its partner's new statement: one UPDATE joined to the statements (a
    # correlated subquery per line costs twice as long at a million lines). The month has ended,
    # so no line posted since the sums above falls before `end`: the statements hold exactly these.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {LedgerLine._meta.db_table} AS line SET statement_id = statement.id
                FROM {Statement._meta.db_table} AS statement
                WHERE statement.partner_id = line.partner_id AND statement.currency = line.currency
                  AND statement.month = %s AND statement.issued_at = %s  -- this run's, never an issued one
                  AND line.statement_id IS NULL AND line.posted_at < %s""",
            # As Django stores them: SQLite compares dates and times as text.
            [
                connection.ops.adapt_datefield_value(month),
                connection.ops.adapt_datetimefield_value(now),
                connection.ops.adapt_datetimefield_value(end),
            ],
        )
    logger.info("Issued %s statements for %s", len(statements), month)
    return statements


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
