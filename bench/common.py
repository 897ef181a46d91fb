"""What the benchmarks share: a PostgreSQL database of their own, gunicorn, and wrk."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The team's course records (../shared/data/courses), read by the tagger benchmarks.
SHARED = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data" / "courses"))
sys.path.insert(0, str(ROOT))
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

# wrk picks one of the given paths at random for every request.
WRK_SCRIPT = """
local paths = %s
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"
request = function()
  return wrk.format(nil, paths[math.random(1, #paths)])
end
"""


def ensure_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str, redis_url: str) -> dict[str, str]:
    """Point this process (and the servers it starts) at the bench database; return that environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.local",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        # One load generator is one client: per-client throttling would answer 429 to nearly all.
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_USER": "",
        "LOG_LEVEL": "WARNING",
        # As in production: one cache that every gunicorn worker shares.
        "REDIS_URL": redis_url,
    }
    os.environ.update(env)
    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[None]:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "platform_site.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wrk(paths: list[str], duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ("{" + ",".join(json.dumps(p) for p in paths) + "}"))
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, f"{BASE}/"]
    output = subprocess.run(args, capture_output=True, text=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


# Orders and their attribution, for the rows of a temporary table bench_orders(g, learner_id,
# course_id, price, campaign_id) that a benchmark builds first: 10% refunded, channels in turn.
ORDERS_SQL = [
    """INSERT INTO courses_order (number, learner_id, course_id, list_price, discount, amount, currency, status,
                                 provider, idempotency_key, created_at, paid_at)
       SELECT gen_random_uuid(), learner_id, course_id, price, 0, price, 'CNY',
              CASE WHEN g % 10 = 0 THEN 'refunded' ELSE 'paid' END, 'sandbox', '', now(), now()
       FROM bench_orders""",
    """INSERT INTO marketing_orderattribution (order_id, first_campaign_id, first_channel_id, last_campaign_id,
                                              last_channel_id, first_touched_at, last_touched_at, utm, referrer_id)
       SELECT o.id, b.campaign_id, ch.id, b.campaign_id, ch.id, now(), now(), '{}', NULL
       FROM bench_orders b JOIN courses_order o ON o.learner_id = b.learner_id AND o.course_id = b.course_id
       JOIN marketing_channel ch ON ch.campaign_id = b.campaign_id
            AND ch.kind = (ARRAY['joint_event', 'content_cooperation', 'user_referral'])[1 + b.g % 3]""",
]


def seed_sql(statements: list[str], params: dict[str, int]) -> None:
    """Run set-based seeding statements (${name} placeholders) in one transaction, then ANALYZE."""
    from string import Template

    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(Template(statement).substitute(params))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.1f}s")
