"""Monthly statements at scale: the set-based `statements_issue` beside a per-partner ORM loop.

Seeds PostgreSQL (each run, fresh) with N partners, one course each, and ledger lines (a share and
a commission line per paid order, a tenth of the orders refunded) posted last month; then issues
the month's statements both ways, in a transaction rolled back after each, and prints the time
and the query count of each. Run by hand (the issue's size is the default):

    .venv/bin/python bench/statements.py                       # 1,000 partners, 1,000,000 lines
    .venv/bin/python bench/statements.py --partners 1000 --lines 100000

Needs PostgreSQL (BENCH_STATEMENTS_DATABASE_URL, default a `bench_statements` database on 127.0.0.1).
"""

import argparse
import os
import time
from decimal import Decimal

from common import seed_sql, setup_django

DATABASE_URL = os.environ.get("BENCH_STATEMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_statements")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

SEED_SQL = [
    "TRUNCATE partners_ledgerline, partners_ledgerposting, partners_statement, courses_order, courses_course_partners,"
    " courses_course, courses_partner, accounts_user RESTART IDENTITY CASCADE",
    """INSERT INTO courses_partner (slug, name_zh, name_en, kind, logo, website, description_zh, description_en)
       SELECT 'bench-' || g, '合作方' || g, 'Partner ' || g, 'art_institution', '', '', '', ''
       FROM generate_series(0, ${partners} - 1) g""",
    """INSERT INTO courses_course (slug, title_zh, title_en, description_zh, description_en, track, level, language,
                                   price, currency, status, cover, published_at, created_at, updated_at)
       SELECT 'bench-' || g, '课程' || g, 'Course ' || g, '介绍', 'About', 'art', 'beginner', 'zh', 100,
              'CNY', 'published', '', now(), now(), now()
       FROM generate_series(0, ${partners} - 1) g""",
    """INSERT INTO courses_course_partners (course_id, partner_id)
       SELECT c.id, p.id FROM courses_course c JOIN courses_partner p ON p.slug = c.slug""",
    # Learners x courses: one order per learner and course (the open-order constraint).
    """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                 is_active, date_joined)
       SELECT '!', false, 'bench' || g, '', '', 'bench' || g || '@example.com', false, true, now()
       FROM generate_series(0, ${learners} - 1) g""",
    """INSERT INTO courses_order (number, learner_id, course_id, list_price, discount, amount, currency, status,
                                 provider, idempotency_key, created_at, paid_at)
       SELECT gen_random_uuid(), u.id, c.id, 100, 0, 100, 'CNY', 'paid', 'sandbox', '', now(), now()
       FROM accounts_user u CROSS JOIN courses_course c
       LIMIT ${orders}""",
    """INSERT INTO partners_ledgerposting (order_id, entry, posted_at)
       SELECT o.id, e.entry, date_trunc('month', now()) - interval '10 days'
       FROM courses_order o CROSS JOIN (VALUES ('sale'), ('refund')) e(entry)
       WHERE e.entry = 'sale' OR o.id % 10 = 0""",
    """INSERT INTO partners_ledgerline (posting_id, order_id, entry, posted_at, kind, partner_id, course_id,
                                        campaign_id, amount, currency, statement_id)
       SELECT po.id, o.id, po.entry, po.posted_at, k.kind, cp.partner_id, o.course_id, NULL,
              CASE WHEN po.entry = 'sale' THEN k.amount ELSE -k.amount END, 'CNY', NULL
       FROM partners_ledgerposting po JOIN courses_order o ON o.id = po.order_id
       JOIN courses_course_partners cp ON cp.course_id = o.course_id
       CROSS JOIN (VALUES ('share', 80.00), ('commission', 20.00)) k(kind, amount)""",
]


def issue_by_orm_loop(month, end, now) -> int:
    """The straightforward way: per partner, sum its open lines, create its statement, stamp them."""
    from django.db.models import Q, Sum

    from partners.models import LedgerLine, Statement

    zero = Decimal("0.00")
    issued = 0
    for partner_id in (
        LedgerLine.objects.filter(statement__isnull=True, posted_at__lt=end)
        .values_list("partner_id", flat=True)
        .order_by()
        .distinct()
    ):
        lines = LedgerLine.objects.filter(partner_id=partner_id, statement__isnull=True, posted_at__lt=end)
        sums = lines.aggregate(
            sales=Sum("amount", filter=Q(entry="sale")),
            refunds=Sum("amount", filter=Q(entry="refund")),
            commission=Sum("amount", filter=Q(kind="commission")),
            net=Sum("amount", filter=Q(kind="share")),
        )
        net = sums["net"] or zero
        statement = Statement.objects.create(
            partner_id=partner_id, month=month, currency="CNY", opening_balance=zero, sales=sums["sales"] or zero,
            refunds=sums["refunds"] or zero, commission=sums["commission"] or zero, net=net, closing_balance=net,
            amount_due=max(net, zero), issued_at=now,
        )  # fmt: skip
        lines.update(statement=statement)
        issued += 1
    return issued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django(DATABASE_URL, REDIS_URL)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partners.statements import _month_end, month_start, previous_month, statements_issue

    # Two lines per order, and one refund posting (two more lines) per ten orders: 2.2 lines an order.
    orders = int(args.lines / 2.2)
    learners = -(-orders // args.partners)
    seed_sql(SEED_SQL, {"partners": args.partners, "orders": orders, "learners": learners})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM partners_ledgerline")
        print(f"{args.partners} partners, {cursor.fetchone()[0]} ledger lines")

    month = previous_month(month_start(timezone.localdate()))
    now = timezone.now()
    for name, issue in (
        ("statements_issue (set-based)", lambda: len(statements_issue(month=month, now=now))),
        ("per-partner ORM loop", lambda: issue_by_orm_loop(month, _month_end(month), now)),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                issued = issue()
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
        print(f"{name}: {issued} statements in {elapsed:.2f}s, {len(queries)} queries")
        slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
        print(f"  slowest query {float(slowest['time']):.2f}s: {slowest['sql'][:90]}")


if __name__ == "__main__":
    main()
