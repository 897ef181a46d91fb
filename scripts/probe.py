"""Probe a deployment's hardening and print what held (issue 11).

    .venv/bin/python scripts/probe.py [--base http://127.0.0.1:8000] [--username probe-user]

Sends a bounded number of requests (about 400 by default) from this machine: wrong-password
logins on the page, the admin and the API token (locks out --username, a throwaway account or
none at all, and this client address for the cool-off time), rate-limit spoofing with a rotating
X-Forwarded-For, deeply nested JSON and NUL characters. Only loopback unless --allow-remote: run it
against your own deployment. Standard library only.
"""

import argparse
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

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
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base).hostname or ""
    if host not in LOOPBACK and not args.allow_remote:
        parser.error(f"{host} is not loopback: pass --allow-remote to probe your own deployment there")
    attempts, spoof = min(args.attempts, 50), min(args.spoof_requests, 400)

    probe = Probe(args.base)
    status, body = probe.request("GET", "/readyz")
    print(f"readyz: {status} {body[:120]}")
    failures = 0
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
