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
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.local",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "API_THROTTLE_ANON": "100000000/min",  # measure the API, not the throttle
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    ensure_database()
    seed()

    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "platform_site.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "-k", "gthread", "--threads", "4", "--log-level", "warning"],
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
        rows = []
        for label, url, pages in targets:
            wrk(url, pages, 2, args.connections)  # warm-up: connections, caches, query plans
            rows.append((label, wrk(url, pages, args.duration, args.connections)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    floor = rows[0][1]["rps"]
    print(
        f"\n{COURSES} courses, {args.connections} connections, gunicorn {args.workers}x4 gthread, {args.duration}s each"
    )
    print(f"{'endpoint':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs floor':>9}")
    for label, row in rows:
        print(
            f"{label:36} {row['rps']:9.1f} {row['p50']:8.2f} {row['p99']:8.2f} {row['errors']:8d} "
            f"{row['rps'] / floor:9.2f}"
        )


if __name__ == "__main__":
    main()
