"""Probe a deployment's hardening and print what held (issue 11).

    .venv/bin/python scripts/probe.py [--base http://127.0.0.1:8000] [--username probe-user]

Sends a bounded number of requests (about 400 by default) from this machine: wrong-password
logins on the page, the admin and the API token (locks out --username, a throwaway account or
none at all, and this client address for the cool-off time), rate-limit spoofing with a rotating
X-Forwarded-For, deeply nested JSON and NUL characters. Only loopback unless --allow-remote: run it
against your own deployment. Standard library only.

    .venv/bin/python scripts/probe.py --coupon SPRING20 --coupon-course <slug> [--coupon-buyers 20]

adds the coupon race, first (before this address is locked out): it signs up --coupon-buyers fresh
accounts (at most 60), has each buy --coupon-course with the coupon, presses "pay" for all at once,
then presses "pay" on the sandbox gateway page for every order, refused ones too, and counts the
orders paid at a discount. A refused order that got paid is a cap bypass. The race tests the cap
only if fewer uses are left than buyers (give the demo coupon a small `total_cap` first), and it
needs the sandbox gateway: it stops before paying anywhere else. It leaves its accounts and paid
sandbox orders behind.
"""

import argparse
import http.cookiejar
import json
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Probe:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, *, data=None, headers=None, json_body=None) -> tuple[int, str]:
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json_body.encode(), "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        _, page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return match.group(1) if match else ""


def first(statuses: list[int], wanted: set[int]) -> int | None:
    return next((n + 1 for n, status in enumerate(statuses) if status in wanted), None)


def login_brute_force(probe: Probe, path: str, username: str, attempts: int) -> str:
    statuses = []
    for _ in range(attempts):
        token = probe.csrf(path)
        status, _ = probe.request(
            "POST", path, data={"csrfmiddlewaretoken": token, "username": username, "password": "wrong-password"},
            headers={"Referer": probe.base + path},
        )  # fmt: skip
        statuses.append(status)
    at = first(statuses, {403, 429})
    return f"locked out at attempt {at}" if at else f"NOT locked out after {attempts} attempts"


def token_brute_force(probe: Probe, attempts: int) -> str:
    statuses = [
        probe.request("POST", "/api/v1/auth/token/", data={"username": f"probe{n}", "password": "x"})[0]
        for n in range(attempts)
    ]
    at = first(statuses, {429})
    return f"429 at attempt {at}" if at else f"NO 429 after {attempts} attempts"


def spoofing(probe: Probe, requests: int) -> str:
    statuses = [
        probe.request("GET", "/api/v1/courses/", headers={"X-Forwarded-For": f"203.0.113.{n % 250}"})[0]
        for n in range(requests)
    ]
    passed = statuses.count(200)
    at = first(statuses, {429})
    return f"{passed}/{requests} passed, " + (f"first 429 at {at}" if at else "never limited")


class Buyer(Probe):
    """A fresh learner with a browser session: signs up, then speaks to the API with its CSRF token."""

    def sign_up(self, username: str) -> bool:
        token, password = self.csrf("/accounts/signup/"), secrets.token_urlsafe(18)
        form = {"csrfmiddlewaretoken": token, "username": username, "email": f"{username}@example.com",
                "password1": password, "password2": password}  # fmt: skip
        self.request("POST", "/accounts/signup/", data=form, headers={"Referer": self.base + "/accounts/signup/"})
        return self.api("GET", "/api/v1/orders/")[0] == 200

    def csrf_cookie(self) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def api(self, method: str, path: str, body: dict | None = None, **headers: str) -> tuple[int, dict]:
        headers = {"X-CSRFToken": self.csrf_cookie(), "Referer": self.base + path, **headers}
        status, text = self.request(method, path, headers=headers, json_body=json.dumps(body or {}))
        try:
            return status, json.loads(text)
        except ValueError:
            return status, {}


def coupon_race(base: str, *, coupon: str, course: str, buyers: int) -> tuple[str, bool]:
    """Race `buyers` fresh learners for `coupon`; return what happened and whether the cap held."""
    run = secrets.token_hex(3)
    learners = [Buyer(base) for _ in range(buyers)]
    with ThreadPoolExecutor(max_workers=min(buyers, 20)) as pool:
        signed_up = list(pool.map(lambda pair: pair[1].sign_up(f"probe-{run}-{pair[0]}"), enumerate(learners)))
    if not all(signed_up):
        return f"sign-up failed for {signed_up.count(False)} of {buyers} accounts: race not run", False
    orders: dict[int, str] = {}
    for n, learner in enumerate(learners):
        status, order = learner.api("POST", "/api/v1/orders/", {"course": course, "coupon": coupon},
                                    **{"Idempotency-Key": f"probe-{run}-{n}"})  # fmt: skip
        if status in (200, 201) and order.get("discount") not in (None, "0.00"):
            orders[n] = order["number"]
    if not orders:
        return f"no buyer got the coupon at checkout (0 of {buyers}): race not run", True

    def pay(n: int) -> tuple[int, str]:
        status, body = learners[n].api("POST", f"/api/v1/orders/{orders[n]}/pay/")
        return status, body.get("checkout_url", "")

    with ThreadPoolExecutor(max_workers=min(len(orders), 20)) as pool:
        started = dict(zip(orders, pool.map(pay, orders), strict=True))
    accepted = {n for n, (status, _) in started.items() if status == 200}
    if any("/pay/sandbox/" not in url for status, url in started.values() if status == 200):
        return f"{len(accepted)} of {len(orders)} payments started on a gateway other than the sandbox: stopped", True
    for n, number in orders.items():  # every order, refused ones too: the gateway page must not charge them
        path = f"/pay/sandbox/{number}/"
        learners[n].request("POST", path, data={"csrfmiddlewaretoken": learners[n].csrf(path), "action": "pay"},
                            headers={"Referer": base.rstrip("/") + path})  # fmt: skip

    def status_of(n: int) -> str:
        return learners[n].api("GET", f"/api/v1/orders/{orders[n]}/")[1].get("status", "")

    paid = {n for n in orders if status_of(n) == "paid"}
    bypass = len(paid - accepted)
    summary = (
        f"{len(orders)} of {buyers} buyers got the coupon at checkout, {len(accepted)} payments started, "
        f"{len(orders) - len(accepted)} refused; {len(paid)} discounted orders paid, {bypass} of them refused ones"
    )
    return summary, bypass == 0


def bad_input(probe: Probe) -> list[tuple[str, int]]:
    nested = "[" * 1000 + "]" * 1000
    calc = "/api/v1/marketing/scores/calculate/"
    return [
        ("nested JSON x1000 on scores/calculate", probe.request("POST", calc, json_body=nested)[0]),
        ("nested JSON x1000 on orders", probe.request("POST", "/api/v1/orders/", json_body=nested)[0]),
        ("NUL in course slug (API)", probe.request("GET", "/api/v1/courses/a%00b/")[0]),
        ("NUL in course slug (page)", probe.request("GET", "/courses/a%00b/")[0]),
        ("NUL in a JSON body", probe.request("POST", calc, json_body='{"e": "a\\u0000"}')[0]),
        ("e = 1e200 on the calculator", probe.request("POST", calc, json_body='{"e": 1e200}')[0]),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="probe-user", help="account whose logins are tried (and locked)")
    parser.add_argument("--attempts", type=int, default=12, help="wrong passwords per login form (max 50)")
    parser.add_argument(
        "--spoof-requests", type=int, default=300, help="requests with rotating X-Forwarded-For (max 400)"
    )
    parser.add_argument("--allow-remote", action="store_true", help="probe a host other than loopback")
    parser.add_argument("--coupon", default="", help="race this coupon (creates accounts and sandbox orders)")
    parser.add_argument("--coupon-course", default="", help="slug of a course the coupon applies to")
    parser.add_argument("--coupon-buyers", type=int, default=20, help="fresh accounts racing for it (max 60)")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base).hostname or ""
    if host not in LOOPBACK and not args.allow_remote:
        parser.error(f"{host} is not loopback: pass --allow-remote to probe your own deployment there")
    attempts, spoof = min(args.attempts, 50), min(args.spoof_requests, 400)

    probe = Probe(args.base)
    status, body = probe.request("GET", "/readyz")
    print(f"readyz: {status} {body[:120]}")
    failures = 0
    if args.coupon:
        if not args.coupon_course:
            parser.error("--coupon needs --coupon-course")
        buyers = max(1, min(args.coupon_buyers, 60))
        result, held = coupon_race(args.base, coupon=args.coupon, course=args.coupon_course, buyers=buyers)
        failures += not held
        print(f"coupon race ({args.coupon}, {buyers} buyers): {result} {'held' if held else 'FAILED'}")
    for name, status in bad_input(Probe(args.base)):
        held = 400 <= status < 500
        failures += not held
        print(f"{name}: {status} {'held' if held else 'FAILED'}")
    print(f"rate-limit spoofing (rotating X-Forwarded-For): {spoofing(Probe(args.base), spoof)}")
    # Last: the lock-outs below also hold this client address for the cool-off time.
    for name, path in (("page login", "/accounts/login/"), ("admin login", "/admin/login/")):
        result = login_brute_force(Probe(args.base), path, args.username, attempts)
        print(f"{name}, {attempts} wrong passwords: {result}")
    print(f"API token, {attempts * 3} wrong passwords: {token_brute_force(Probe(args.base), attempts * 3)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
