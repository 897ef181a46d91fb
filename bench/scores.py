"""Campaign scores at scale, beside a straightforward per-campaign ORM loop.

Seeds PostgreSQL (once) with 10,000 running campaigns (2 courses, 3 channels with a link, one
4-question survey each), 250,000 survey responses with 1,000,000 answers, 500,000 visits and
100,000 attributed orders. Then computes every campaign's inputs and scores the platform's way
(a fixed number of aggregate queries) and with a per-campaign loop of ORM queries, checks that
both agree to 1e-9, and prints both times and their ratio. Run by hand:

    .venv/bin/python bench/scores.py            # --loop-sample N to time the loop on N campaigns
"""

import argparse
import math
import os
import statistics
import time

from common import ORDERS_SQL, seed_sql, setup_django

DATABASE_URL = os.environ.get("BENCH_SCORES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scores")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CAMPAIGNS, RESPONSES, VISITS, ORDERS = 10_000, 250_000, 500_000, 100_000

SEED_SQL = [
    """INSERT INTO courses_course (slug, title_zh, title_en, description_zh, description_en, track, level, language,
                                   price, currency, status, cover, published_at, created_at, updated_at)
       SELECT 'bench-' || g, '课程' || g, 'Course ' || g, '介绍', 'About',
              CASE WHEN g % 2 = 0 THEN 'knowledge' ELSE 'art' END, 'beginner', 'zh', 100 + g % 400, 'CNY',
              'published', '', now(), now(), now()
       FROM generate_series(0, 2 * ${campaigns} - 1) g""",
    """INSERT INTO marketing_campaign (slug, name_zh, name_en, description_zh, description_en, status, starts_at,
                                      ends_at, budget, goal, bundle_price, created_at)
       SELECT 'bench-' || g, '活动' || g, 'Campaign ' || g, '', '', 'running', now() - interval '10 days',
              now() + interval '20 days', 10000, '', NULL, now()
       FROM generate_series(0, ${campaigns} - 1) g""",
    """CREATE TEMP TABLE bench_campaigns AS
       SELECT id, substring(slug from 7)::int AS n FROM marketing_campaign WHERE slug LIKE 'bench-%'""",
    """INSERT INTO marketing_campaign_knowledge_courses (campaign_id, course_id)
       SELECT c.id, co.id FROM bench_campaigns c JOIN courses_course co ON co.slug = 'bench-' || (2 * c.n)""",
    """INSERT INTO marketing_campaign_art_courses (campaign_id, course_id)
       SELECT c.id, co.id FROM bench_campaigns c JOIN courses_course co ON co.slug = 'bench-' || (2 * c.n + 1)""",
    """INSERT INTO marketing_channel (campaign_id, kind, name, cost, manual_effect)
       SELECT c.id, k.kind, k.kind, 1000, CASE WHEN k.kind = 'joint_event' AND c.n % 5 = 0 THEN 1.5 END
       FROM bench_campaigns c
       CROSS JOIN (VALUES ('joint_event'), ('content_cooperation'), ('user_referral')) k(kind)""",
    """INSERT INTO marketing_trackedlink (channel_id, code, target_path, referrer_id, created_at)
       SELECT ch.id, 's' || ch.id, '/courses/', NULL, now() FROM marketing_channel ch""",
    """CREATE TEMP TABLE bench_links AS
       SELECT row_number() OVER (ORDER BY l.id) - 1 AS n, l.id, l.channel_id, ch.campaign_id
       FROM marketing_trackedlink l JOIN marketing_channel ch ON ch.id = l.channel_id""",
    """INSERT INTO marketing_visit (link_id, campaign_id, channel_id, visitor, day, created_at)
       SELECT b.id, b.campaign_id, b.channel_id, 'v' || (g % 200000), current_date, now()
       FROM generate_series(0, ${visits} - 1) g JOIN bench_links b ON b.n = g % (SELECT count(*) FROM bench_links)
       ON CONFLICT DO NOTHING""",
    """INSERT INTO marketing_survey (slug, title_zh, title_en, intro_zh, intro_en, purpose, campaign_id, opens_at,
                                    closes_at, allow_anonymous, created_at)
       SELECT 'bench-' || c.n, '调研', 'Research', '', '', 'demand_research', c.id, now() - interval '10 days',
              now() + interval '20 days', true, now() FROM bench_campaigns c""",
    """INSERT INTO marketing_question (survey_id, position, text_zh, text_en, kind, required, dimension)
       SELECT s.id, q.position, 'Q' || q.position, '', 'likert', true, q.dimension
       FROM marketing_survey s
       CROSS JOIN (VALUES (1, 'knowledge'), (2, 'art'), (3, ''), (4, '')) q(position, dimension)""",
    """CREATE TEMP TABLE bench_surveys AS
       SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s.campaign_id FROM marketing_survey s""",
    """INSERT INTO marketing_response (survey_id, respondent_id, campaign_id, channel_id, idempotency_key,
                                      wants_knowledge, wants_art, submitted_at)
       SELECT s.id, NULL, s.campaign_id, NULL, 'r' || g, (g * 7) % 10 < 6, (g * 3) % 10 < 3, now()
       FROM generate_series(0, ${responses} - 1) g
       JOIN bench_surveys s ON s.n = g % (SELECT count(*) FROM bench_surveys)""",
    """INSERT INTO marketing_answer (response_id, question_id, number, text)
       SELECT r.id, q.id, CASE WHEN q.position = 1 THEN CASE WHEN r.wants_knowledge THEN 5 ELSE 2 END
                               WHEN q.position = 2 THEN CASE WHEN r.wants_art THEN 4 ELSE 1 END ELSE 3 END, ''
       FROM marketing_response r JOIN marketing_question q ON q.survey_id = r.survey_id""",
    """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                 is_active, date_joined)
       SELECT '!', false, 'sbench' || g, '', '', 'sbench' || g || '@example.com', false, true, now()
       FROM generate_series(0, ${orders} - 1) g""",
    """CREATE TEMP TABLE bench_orders AS
       SELECT g, u.id AS learner_id, co.id AS course_id, co.price, c.id AS campaign_id
       FROM generate_series(0, ${orders} - 1) g
       JOIN accounts_user u ON u.username = 'sbench' || g
       JOIN courses_course co ON co.slug = 'bench-' || (g % (2 * ${campaigns}))
       JOIN bench_campaigns c ON c.n = (g % (2 * ${campaigns})) / 2""",
    *ORDERS_SQL,
]


def seed() -> None:
    from marketing.models import Campaign

    if Campaign.objects.filter(slug__startswith="bench-").count() < CAMPAIGNS:
        seed_sql(SEED_SQL, {"campaigns": CAMPAIGNS, "responses": RESPONSES, "visits": VISITS, "orders": ORDERS})


def loop_counts(campaign_ids: list[int]) -> dict:
    """The straightforward way: a handful of ORM queries per campaign (and per channel)."""
    from django.db.models import Count, Q

    from courses.models import Order
    from marketing.models import Campaign, Channel, OrderAttribution, Visit
    from marketing.selectors import ScoreCounts
    from surveys.models import Response

    result = {}
    for campaign in Campaign.objects.filter(pk__in=campaign_ids):
        responses = Response.objects.filter(campaign=campaign)
        knowledge_ids = set(campaign.knowledge_courses.values_list("pk", flat=True))
        art_ids = set(campaign.art_courses.values_list("pk", flat=True))
        paid = OrderAttribution.objects.filter(last_campaign=campaign, order__status=Order.Status.PAID)
        channels = []
        for channel in Channel.objects.filter(campaign=campaign):
            reach = Visit.objects.filter(campaign=campaign, channel=channel).values("visitor").distinct().count()
            channels.append((reach, paid.filter(last_channel=channel).count(), channel.manual_effect))

        result[campaign.pk] = ScoreCounts(
            respondents=responses.count(),
            want_knowledge=responses.filter(wants_knowledge=True).count(),
            want_art=responses.filter(wants_art=True).count(),
            want_either=responses.filter(Q(wants_knowledge=True) | Q(wants_art=True)).count(),
            visitors=Visit.objects.filter(campaign=campaign).aggregate(n=Count("visitor", distinct=True))["n"],
            buyers_knowledge=_buyers(paid, knowledge_ids), buyers_art=_buyers(paid, art_ids),
            buyers_either=paid.values("order__learner").distinct().count(),
            revenue_knowledge=_revenue(paid, knowledge_ids), revenue_art=_revenue(paid, art_ids),
            channels=tuple(channels),
        )  # fmt: skip
    return result


def _buyers(paid, course_ids: set[int]) -> int:
    return paid.filter(order__course_id__in=course_ids).values("order__learner").distinct().count()


def _revenue(paid, course_ids: set[int]):
    return sum(row.order.amount for row in paid.filter(order__course_id__in=course_ids).select_related("order"))


def agree(a: dict, b: dict) -> float:
    """The largest difference between two score dicts (inf where one is None and the other not)."""
    worst = 0.0
    for key, value in a.items():
        other = b[key]
        if value is None or other is None:
            worst = max(worst, 0.0 if value is other else math.inf)
        else:
            worst = max(worst, abs(float(value) - float(other)))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loop-sample", type=int, default=0, help="time the loop on this many campaigns (0: all)")
    args = parser.parse_args()
    setup_django(DATABASE_URL, REDIS_URL)
    seed()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketing import selectors, services
    from marketing.models import Campaign
    from surveys.models import Answer

    fast_times = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fast = {pk: services.campaign_scores_compute(c) for pk, c in selectors.campaign_score_counts().items()}
            fast_times.append(time.perf_counter() - started)
    ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
    sample = ids[: args.loop_sample] if args.loop_sample else ids
    loop_queries = []  # counted, not logged: Django keeps only the last 9,000 logged queries

    def count(execute, sql, params, many, context):
        loop_queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        slow = {pk: services.campaign_scores_compute(c) for pk, c in loop_counts(sample).items()}
        loop_time = time.perf_counter() - started
    loop_all = loop_time * len(ids) / len(sample)
    worst = max(agree(fast[pk], slow[pk]) for pk in sample)
    started = time.perf_counter()
    stored = services.campaign_scores_refresh()
    refresh = time.perf_counter() - started

    fast_time = statistics.median(fast_times)
    print(f"\n{len(ids):,} campaigns, {Answer.objects.count():,} answers; "
          f"{sum(v['respondents'] for v in fast.values()):,} responses")  # fmt: skip
    print(f"aggregate queries: {fast_time:.2f}s (median of {args.repeat}), {len(queries)} queries")
    scaled = "" if len(sample) == len(ids) else f" (x{len(ids) / len(sample):.0f}: {loop_all:.0f}s for all)"
    print(f"per-campaign loop: {loop_time:.1f}s for {len(sample):,} campaigns, {len(loop_queries):,} queries{scaled}")
    print(f"speed-up: {loop_all / fast_time:.0f}x; largest difference between the two: {worst:.2e}")
    print(f"refresh incl. storing {stored:,} snapshots: {refresh:.2f}s")


if __name__ == "__main__":
    main()
