"""Catalogue throughput: the course API and the catalogue page beside the framework floor.

Seeds 10,000 published courses into PostgreSQL (once), serves the app with gunicorn, and drives
each URL with wrk at 16 concurrent connections. The floor is /healthz, a bare view returning a
constant JSON body through the same middleware. Run by hand:

    make bench-catalogue          # or: .venv/bin/python bench/catalogue.py --duration 20

Needs PostgreSQL (BENCH_DATABASE_URL, default a `bench_catalogue` database on 127.0.0.1) and
Debian's `wrk`.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
import urllib.request
from decimal import Decimal

from common import BASE, gunicorn, setup_django, wrk

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_catalogue")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
COURSES = 10_000


def seed() -> None:
    from courses.models import Course, Partner

    if Course.objects.published().count() >= COURSES:
        return
    Course.objects.all().delete()
    partners = [
        Partner.objects.get_or_create(slug=f"bench-{i}", defaults={"name_zh": f"合作方{i}", "kind": "brand"})[0]
        for i in range(3)
    ]
    tracks = ["knowledge", "art", "crossover"]
    courses = Course.objects.bulk_create(
        Course(
            slug=f"bench-course-{i}", title_zh=f"基准课程 {i}", title_en=f"Benchmark course {i}",
            description_zh="用于性能测试的课程。" * 5, description_en="A course for the benchmark. " * 5,
            track=tracks[i % 3], price=Decimal(i % 500), status="published",
            published_at=f"2026-01-01T00:00:{i % 60:02d}Z",
        )
        for i in range(COURSES)
    )  # fmt: skip
    through = Course.partners.through
    through.objects.bulk_create(
        through(course_id=course.pk, partner_id=partners[i % 3].pk) for i, course in enumerate(courses)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--connections", type=int, default=16)
    # 4x2 rather than 2x4: wrk's 16 keep-alive connections are dealt to workers once, and with two
    # workers one often got most of them, halving throughput at random (seen: 4,200 vs 1,800 req/s).
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # start from an empty cache: "cold ms" means cold
    env = setup_django(DATABASE_URL, REDIS_URL)
    seed()

    with gunicorn(env, args.workers, args.threads):
        targets = [
            ("floor: /healthz (constant JSON)", ["/healthz"]),
            ("API: /api/v1/courses/?page=N", [f"/api/v1/courses/?page={n}" for n in range(1, COURSES // 20 + 1)]),
            ("page: /courses/?page=N", [f"/courses/?page={n}" for n in range(1, COURSES // 12 + 1)]),
        ]
        cold = {}
        for label, paths in targets:
            started = time.perf_counter()
            for path in paths:  # every page once: the steady state of a live site
                urllib.request.urlopen(BASE + path, timeout=30).read()
            cold[label] = (time.perf_counter() - started) * 1000 / len(paths)
            wrk(paths, 2, args.connections)  # warm-up: connections, query plans
        # Interleaved rounds, medians reported: this machine's neighbours come and go, and a
        # slow spell then hits every endpoint alike instead of one.
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in targets}
        cache_stats = redis.Redis.from_url(REDIS_URL)
        cache_stats.config_resetstat()
        for _ in range(args.rounds):
            for label, paths in targets:
                runs[label].append(wrk(paths, args.duration, args.connections))
                print(label, runs[label][-1], flush=True)
        stats = cache_stats.info("stats")
        rows = [
            (
                label,
                {key: statistics.median(run[key] for run in runs[label]) for key in runs[label][0]}
                | {"cold": cold[label]},
            )
            for label, _ in targets
        ]

    floor = rows[0][1]["rps"]
    print(
        f"\n{COURSES} courses, {args.connections} connections, gunicorn {args.workers}x{args.threads} gthread; "
        f"medians of {args.rounds} interleaved rounds of {args.duration}s"
    )
    print(f"{'endpoint':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs floor':>9} {'cold ms':>8}")
    for label, row in rows:
        print(
            f"{label:36} {row['rps']:9.1f} {row['p50']:8.2f} {row['p99']:8.2f} {int(row['errors']):8d} "
            f"{row['rps'] / floor:9.2f} {row['cold']:8.2f}"
        )
    print(f"cache during the measured runs: {stats['keyspace_hits']} hits, {stats['keyspace_misses']} misses")
    print("cold ms: one request at a time on an empty cache (each page rendered from the database)")


if __name__ == "__main__":
    main()
