"""Every page a person sees speaks one language: no English UI text or raw code on a zh-hans page.

The pages are rendered on the demo data; their visible text (and the attributes a person reads:
placeholders, labels, titles, alt texts, button values) is searched for Latin words. Words that
are the same in Chinese — brand and technical names — are allowed by name below.
"""

import contextlib
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from courses.models import Course, Order
from ml.training_config import allowed_base_models

pytestmark = pytest.mark.django_db

PO_FILE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Latin words a Chinese page may show: names, units and codes that Chinese text uses as they are.
ALLOWED = {
    "API", "CNY", "USD", "CSV", "PDF", "QR", "NPS", "URL", "UTM", "BERT", "MiniLM", "Python", "SQL", "English",
    "ART", "KNOWLEDGE", "JSON", "JSONL", "CPU", "GPU", "ID", "Token",
    "AAC", "WebVTT", "MP4",  # media formats, named as they are
    "Control", "Command", "Mac",  # key names in Django's Chinese help text for multiple choice
}  # fmt: skip
# Fields whose values are data in English or codes by nature, shown as they are on every page.
DATA_FIELDS = re.compile(r"(_en|^slug|^code|^username|^email|^website|^reference|^number)$")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{2,}")
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """Collect the text a person reads: text outside script/style and the read attributes."""

    SKIPPED = {"script", "style", "template", "noscript", "textarea", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        values = dict(attrs)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def data_words() -> set[str]:
    """Latin words of the data in English fields and of codes (a course's English title, a coupon code)."""
    words: set[str] = set()
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if DATA_FIELDS.search(f.name) and not f.is_relation]
        for values in model._default_manager.values_list(*names) if names else []:
            for value in values:
                words |= set(LATIN_WORD.findall(str(value or "")))
    for name in allowed_base_models():  # model names, like product names, are not translated
        words |= set(LATIN_WORD.findall(name))
    return words


def english_words(html: str, allowed: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    words = set()
    for part in parser.parts:
        if "@" in part or part.startswith(("http", "/")):  # addresses and links are data
            continue
        words |= {word for word in LATIN_WORD.findall(part) if word not in ALLOWED and word not in allowed}
    return words


def test_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entry():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO_FILE)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO_FILE)], capture_output=True, text=True, check=True
    ).stdout
    assert re.findall(r'^msgid "(.+)"', untranslated, re.M) == []
    assert re.findall(r'^msgid "(.+)"', fuzzy, re.M) == []


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_campaigns", verbosity=0)
    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)  # starts the demo campaign


def learner_pages(client) -> dict[str, str]:
    course = Course.objects.published().exclude(price=0).first()
    assert course is not None
    learner = User.objects.get(username="learner")
    pages = {
        "home": "/",
        "catalogue": reverse("courses:catalogue"),
        "catalogue, bad filter": reverse("courses:catalogue") + "?price_min=abc",
        "course": course.get_absolute_url(),
        "lesson (preview)": course.lessons.order_by("position").first().get_absolute_url(),
        "campaign": reverse("marketing:campaign", args=["spring-knowledge-art"]),
        "log in": reverse("login"),
        "sign up": reverse("signup"),
        "password reset": reverse("password_reset"),
        "not found": "/no-such-page/",
    }
    from surveys.models import Survey

    for survey in Survey.objects.all():
        pages[f"survey {survey.slug}"] = reverse("surveys:survey", args=[survey.slug])
    client.force_login(learner)
    order = Order.objects.filter(learner=learner, course=course).first()
    if order is None:
        client.post(reverse("courses:buy", args=[course.slug]), {"checkout_key": "i18n-walk"})
        order = Order.objects.get(learner=learner, course=course)
    pages["my learning"] = reverse("courses:my-learning")
    pages["gateway"] = reverse("courses:sandbox-gateway", args=[order.number])
    return pages


def test_learner_pages_in_chinese_show_no_english(client, demo):
    client.cookies["django_language"] = "zh-hans"
    found = {}
    allowed = data_words()
    for name, url in learner_pages(client).items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, url, response.status_code)
        words = english_words(response.content.decode(), allowed)
        if words:
            found[name] = sorted(words)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def admin_urls() -> dict[str, str]:
    urls = {"index": reverse("admin:index")}
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            with contextlib.suppress(NoReverseMatch):
                urls[f"{meta.label} {view}"] = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls[f"{meta.label} change"] = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
    return urls


def test_admin_pages_in_chinese_show_no_english(client, demo):
    client.force_login(User.objects.get(username="manager"))
    client.cookies["django_language"] = "zh-hans"
    found = {}
    allowed = data_words()
    for name, url in admin_urls().items():
        response = client.get(url)
        if response.status_code != 200:  # a page this manager may not open (e.g. add for a read-only model)
            continue
        words = english_words(response.content.decode(), allowed)
        if words:
            found[name] = sorted(words)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
