"""The Content-Security-Policy and Permissions-Policy headers, and templates that can live under them."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
# Script types a browser does not run: data blocks the page's own scripts read.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in header.split("; ")}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "manager"])
@pytest.mark.parametrize("path", ["/", "/courses/", "/admin/", "/api/v1/courses/", "/api/docs/", "/api/schema/"])
def test_every_kind_of_response_carries_both_policies(client, manager, who, path):
    if who == "manager":
        client.force_login(manager)
    response = client.get(path)

    assert response.status_code in (200, 302)
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "fullscreen=(self)"):
        assert feature in permissions


@pytest.mark.django_db
def test_error_pages_carry_the_policy_too(client):
    response = client.get("/courses/no-such-course/")

    assert response.status_code == 404
    assert directives(response)["script-src"] == "'self'"


@pytest.mark.django_db
def test_api_docs_load_their_start_up_script_from_a_url_of_their_own(client):
    page = client.get(reverse("api-docs"))
    html = page.content.decode()
    script_url = re.search(r'<script src="([^"]*\?[^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(script_url)

    assert "<style" not in html
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    # Swagger UI's default draws an image from validator.swagger.io, outside the policy.
    assert b'"validatorUrl": null' in script.content


class InlineCode(HTMLParser):
    """Collect inline script bodies, on*= handlers, <style> blocks and style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False
        self._line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append(f"line {self.getpos()[0]}: <{tag} {name}=...>")
            if name == "style":
                self.found.append(f"line {self.getpos()[0]}: <{tag} style=...>")
        if tag == "style":
            self.found.append(f"line {self.getpos()[0]}: <style> block")
        if tag == "script" and "src" not in names and (names.get("type") or "") not in DATA_SCRIPT_TYPES:
            self._in_script, self._line = True, self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"line {self._line}: inline <script>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def project_templates() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [ROOT / app / "templates" for app in settings.INSTALLED_APPS if (ROOT / app / "templates").is_dir()]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


@pytest.mark.parametrize("template", project_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_holds_inline_script_or_style(template):
    parser = InlineCode()
    parser.feed(template.read_text())

    assert parser.found == [], f"{template.relative_to(ROOT)}: the policy blocks {parser.found}"


def test_no_python_module_writes_an_inline_handler_or_style():
    handler = re.compile(r"""<[a-z][^<>]*\s(on[a-z]+|style)\s*=""", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in settings.INSTALLED_APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if handler.search(line)
    ]

    assert offenders == []
