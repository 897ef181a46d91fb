"""Campaign statistics and visit recording at scale.

Seeds PostgreSQL (once) with 1,000 running campaigns (2 partners, 2 courses, 3 channels with a
tracked link each), 100,000 learners, 1,000,000 tracked visits and 100,000 attributed orders (10%
refunded); then times the statistics of every campaign (and counts their queries), and drives
`/r/<code>/` with wrk at 16 connections, every request a new visitor (a real INSERT). Run by hand:

    .venv/bin/python bench/campaigns.py

Needs PostgreSQL (BENCH_CAMPAIGNS_DATABASE_URL, default a `bench_campaigns` database on
127.0.0.1), Redis and Debian's `wrk`.
"""

import argparse
import os
import statistics
import time

from common import ORDERS_SQL, gunicorn, seed_sql, setup_django, wrk

DATABASE_URL = os.environ.get("BENCH_CAMPAIGNS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_campaigns")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CAMPAIGNS, VISITS, ORDERS = 1_000, 1_000_000, 100_000

# Set-based inserts: a million rows in seconds, where the ORM would take many minutes.
SEED_SQL = [
    """INSERT INTO courses_partner (slug, name_zh, name_en, kind, logo, website, description_zh, description_en)
       VALUES ('bench-k', '知识方', 'Knowledge', 'knowledge_platform', '', '', '', ''),
              ('bench-a', '艺术方', 'Art', 'art_institution', '', '', '', '')""",
    """INSERT INTO courses_course (slug, title_zh, title_en, description_zh, description_en, track, level, language,
                                   price, currency, status, cover, published_at, created_at, updated_at)
       SELECT 'bench-' || g, '课程' || g, 'Course ' || g, '介绍', 'About', CASE WHEN g % 2 = 0 THEN 'knowledge'
              ELSE 'art' END, 'beginner', 'zh', 100 + g % 400, 'CNY', 'published', '', now(), now(), now()
       FROM generate_series(0, ${courses} - 1) g""",
    """INSERT INTO marketing_campaign (slug, name_zh, name_en, description_zh, description_en, status, starts_at,
                                      ends_at, budget, goal, bundle_price, created_at)
       SELECT 'bench-' || g, '活动' || g, 'Campaign ' || g, '', '', 'running', now() - interval '10 days',
              now() + interval '20 days', 10000, '', NULL, now()
       FROM generate_series(0, ${campaigns} - 1) g""",
    """INSERT INTO marketing_campaign_knowledge_courses (campaign_id, course_id)
       SELECT c.id, co.id FROM marketing_campaign c JOIN courses_course co ON co.slug = 'bench-' || (2 * (
              substring(c.slug from 7)::int))""",
    """INSERT INTO marketing_campaign_art_courses (campaign_id, course_id)
       SELECT c.id, co.id FROM marketing_campaign c JOIN courses_course co ON co.slug = 'bench-' || (2 * (
              substring(c.slug from 7)::int) + 1)""",
    """INSERT INTO marketing_campaignpartner (campaign_id, partner_id, side, share_percent)
       SELECT c.id, p.id, CASE p.slug WHEN 'bench-k' THEN 'knowledge' ELSE 'art' END,
              CASE p.slug WHEN 'bench-k' THEN 60 ELSE 40 END
       FROM marketing_campaign c CROSS JOIN courses_partner p WHERE p.slug IN ('bench-k', 'bench-a')""",
    """INSERT INTO marketing_channel (campaign_id, kind, name, cost)
       SELECT c.id, k.kind, k.kind, 1000 FROM marketing_campaign c
       CROSS JOIN (VALUES ('joint_event'), ('content_cooperation'), ('user_referral')) k(kind)""",
    """INSERT INTO marketing_trackedlink (channel_id, code, target_path, referrer_id, created_at)
       SELECT ch.id, 'b' || ch.id, '/courses/', NULL, now() FROM marketing_channel ch""",
    """CREATE TEMP TABLE bench_links AS
       SELECT row_number() OVER (ORDER BY l.id) - 1 AS n, l.id, l.channel_id, ch.campaign_id
       FROM marketing_trackedlink l JOIN marketing_channel ch ON ch.id = l.channel_id""",
    """INSERT INTO marketing_visit (link_id, campaign_id, channel_id, visitor, day, created_at)
       SELECT b.id, b.campaign_id, b.channel_id, 'v' || (g % 400000), current_date - (g % 10), now()
       FROM generate_series(0, ${visits} - 1) g JOIN bench_links b ON b.n = g % (SELECT count(*) FROM bench_links)
       ON CONFLICT DO NOTHING""",
    """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                 is_active, date_joined)
       SELECT '!', false, 'bench' || g, '', '', 'bench' || g || '@example.com', false, true, now()
       FROM generate_series(0, ${orders} - 1) g""",
    """CREATE TEMP TABLE bench_orders AS
       SELECT g, u.id AS learner_id, co.id AS course_id, co.price, c.id AS campaign_id
       FROM generate_series(0, ${orders} - 1) g
       JOIN accounts_user u ON u.username = 'bench' || g
       JOIN courses_course co ON co.slug = 'bench-' || (g % ${courses})
       JOIN marketing_campaign c ON c.slug = 'bench-' || ((g % ${courses}) / 2)""",
    *ORDERS_SQL,
    """INSERT INTO marketing_learnerattribution (learner_id, first_campaign_id, first_channel_id, last_campaign_id,
                                                last_channel_id, first_touched_at, last_touched_at, utm, signed_up)
       SELECT b.learner_id, b.campaign_id, ch.id, b.campaign_id, ch.id, now(), now(), '{}', b.g % 2 = 0
       FROM bench_orders b JOIN marketing_channel ch ON ch.campaign_id = b.campaign_id AND ch.kind = 'joint_event'""",
]


def seed() -> None:
    from marketing.models import Campaign

    if Campaign.objects.filter(slug__startswith="bench-").count() < CAMPAIGNS:
        seed_sql(SEED_SQL, {"courses": 2 * CAMPAIGNS, "campaigns": CAMPAIGNS, "visits": VISITS, "orders": ORDERS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the statistics; the median is reported")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    env = setup_django(DATABASE_URL, REDIS_URL)
    seed()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketing import selectors, services
    from marketing.models import OrderAttribution, TrackedLink, Visit

    timings = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            stats = selectors.campaign_stats()
            timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    stored = services.campaign_stats_refresh()
    refresh = time.perf_counter() - started
    totals = {key: sum(s[key] for s in stats.values()) for key in ("reach", "signups", "orders")}

    codes = list(TrackedLink.objects.values_list("code", flat=True))
    before = Visit.objects.count()
    with gunicorn(env, args.workers, args.threads):
        paths = [f"/r/{code}/" for code in codes]
        wrk(paths, 2, args.connections)  # warm-up
        runs = [wrk(paths, args.duration, args.connections) for _ in range(args.rounds)]
    recorded = Visit.objects.count() - before
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}

    print(f"\n{len(stats)} campaigns, {Visit.objects.count() - recorded:,} visits, "
          f"{OrderAttribution.objects.count():,} attributed orders")  # fmt: skip
    print(f"statistics of every campaign: {statistics.median(timings):.2f}s (median of {args.repeat}), "
          f"{len(queries)} queries; refresh incl. storing {stored} rows: {refresh:.2f}s")  # fmt: skip
    print(f"totals: reach {totals['reach']:,}, sign-ups {totals['signups']:,}, paid orders {totals['orders']:,}")
    print(f"visit recording /r/<code>/: {median['rps']:.0f} req/s, p50 {median['p50']:.2f} ms, "
          f"p99 {median['p99']:.2f} ms, non-3xx {int(median['errors'])} (median of {args.rounds} x {args.duration}s, "
          f"{args.connections} connections); {recorded:,} visits recorded")  # fmt: skip


if __name__ == "__main__":
    main()
