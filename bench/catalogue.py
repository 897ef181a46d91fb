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
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_catalogue")
COURSES = 10_000
PORT = 8765

WRK_SCRIPT = """
local pages = %d
request = function()
  return wrk.format(nil, "%s" .. math.random(1, pages))
end
"""


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from courses.models import Course, Partner

    call_command("migrate", verbosity=0)
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


def wrk(url: str, pages: int | None, duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        base, _, path = url.partition(f":{PORT}")
        script.write(WRK_SCRIPT % (pages or 1, path if pages else path + "#"))
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if pages:
        args += ["-s", script.name]
    output = subprocess.run([*args, url if not pages else base + f":{PORT}/"], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


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

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.local",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        # One load generator is one client: per-client throttling would answer 429 to nearly all.
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_USER": "",
        "LOG_LEVEL": "WARNING",
        # As in production: one cache that every gunicorn worker shares (throttle counters too).
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    }
    os.environ.update(env)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # start from an empty cache: "cold ms" means cold
    ensure_database()
    seed()

    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "platform_site.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{PORT}"
        targets = [
            ("floor: /healthz (constant JSON)", f"{base}/healthz", None),
            ("API: /api/v1/courses/?page=N", f"{base}/api/v1/courses/?page=", COURSES // 20),
            ("page: /courses/?page=N", f"{base}/courses/?page=", COURSES // 12),
        ]
        cold = {}
        for label, url, pages in targets:
            started = time.perf_counter()
            for page in range(1, (pages or 1) + 1):  # every page once: the steady state of a live site
                urllib.request.urlopen(url + (str(page) if pages else ""), timeout=30).read()
            cold[label] = (time.perf_counter() - started) * 1000 / (pages or 1)
            wrk(url, pages, 2, args.connections)  # warm-up: connections, query plans
        # Interleaved rounds, medians reported: this machine's neighbours come and go, and a
        # slow spell then hits every endpoint alike instead of one.
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in targets}
        cache_stats = redis.Redis.from_url(env["REDIS_URL"])
        cache_stats.config_resetstat()
        for _ in range(args.rounds):
            for label, url, pages in targets:
                runs[label].append(wrk(url, pages, args.duration, args.connections))
                print(label, runs[label][-1], flush=True)
        stats = cache_stats.info("stats")
        rows = [
            (
                label,
                {key: statistics.median(run[key] for run in runs[label]) for key in runs[label][0]}
                | {"cold": cold[label]},
            )
            for label, _, _ in targets
        ]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

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
