"""Every learner page at a phone's and a desktop's width, in both languages, in Debian's Chromium.

Each page is photographed into the screenshot folder (named page-language-width, so that a
person can look at the whole site in one folder) and checked with axe-core against the WCAG 2.1
AA rules, which must find nothing.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from courses.models import Course, Enrollment, Order
from tests.factories import manager_group
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[tuple[str, str, list[object]]]:
    """Run axe-core's WCAG 2.1 AA rules on the open page: (rule, impact, first targets) per violation."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("tags => axe.run(document, {runOnly: tags}).then(r => r.violations)", WCAG_AA)
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in found]


def pages() -> dict[str, tuple[str, bool]]:
    """Page name -> (path, seen signed in)."""
    course = Course.objects.published().exclude(price=0).order_by("pk").first()
    assert course is not None
    learner = User.objects.get(username="learner")
    client = Client()
    client.force_login(learner)
    client.post(reverse("courses:buy", args=[course.slug]), {"checkout_key": "site-walk"})
    order = Order.objects.get(learner=learner, course=course)
    # "My learning" with all it can show: a course bought with the coupon, a referral link, the survey invitation.
    bought = Course.objects.published().exclude(price=0).exclude(pk=course.pk).order_by("pk").first()
    assert bought is not None
    paid = Order.objects.create(
        learner=learner, course=bought, list_price=bought.price, discount=bought.price / 5,
        amount=bought.price - bought.price / 5, currency=bought.currency, status="paid", provider="sandbox",
    )  # fmt: skip
    Enrollment.objects.create(learner=learner, course=bought, order=paid)
    from marketing.models import Campaign
    from marketing.services import referral_link_for
    from surveys.models import Survey

    referral_link_for(learner=learner, campaign=Campaign.objects.get(slug="spring-knowledge-art"))
    review_walk(learner=learner, course=bought)
    qa_walk(course=bought)

    survey = Survey.objects.order_by("pk").first()
    return {
        "home": ("/", False),
        "catalogue": (reverse("courses:catalogue"), False),
        "course": (course.get_absolute_url(), False),
        "lesson-preview": (course.lessons.order_by("position").first().get_absolute_url(), False),
        "campaign": (reverse("marketing:campaign", args=["spring-knowledge-art"]), False),
        "survey": (reverse("surveys:survey", args=[survey.slug]), False),
        "login": (reverse("login"), False),
        "signup": (reverse("signup"), False),
        "password-reset": (reverse("password_reset"), False),
        "not-found": ("/no-such-page/", False),
        "my-learning": (reverse("courses:my-learning"), True),
        "campaign-learner": (reverse("marketing:campaign", args=["spring-knowledge-art"]), True),
        "course-bought": (bought.get_absolute_url(), True),
        "lesson-questions": (bought.lessons.order_by("position").first().get_absolute_url(), True),
        "review-form": (reverse("learning:review-edit", args=[bought.slug]), True),
        "review-report": (
            reverse("learning:review-report", args=[bought.reviews.exclude(learner=learner)[0].pk]),
            True,
        ),
        "gateway": (reverse("courses:sandbox-gateway", args=[order.number]), True),
    }


def review_walk(*, learner: User, course: Course) -> None:
    """Reviews on the bought course: others' (the list, helpful, report) and the learner's own, hidden."""
    from django.utils import timezone

    from learning import services
    from learning.models import LessonProgress

    texts = ["线条练习很扎实，老师讲得清楚。", "", "节奏有点快，但作业反馈很有用。"]
    for index, (rating, text) in enumerate(zip([5, 4, 3], texts, strict=True)):
        author = User.objects.create_user(
            username=f"reviewer{index}", email=f"r{index}@example.com", first_name=f"学员{index}"
        )
        Enrollment.objects.create(learner=author, course=course)
        for lesson in course.lessons.all():
            LessonProgress.objects.create(learner=author, lesson=lesson, completed_at=timezone.now())
        services.review_save(learner=author, course=course, rating=rating, text=text)
    for lesson in course.lessons.all():
        LessonProgress.objects.get_or_create(learner=learner, lesson=lesson, defaults={"completed_at": timezone.now()})
    own, _ = services.review_save(learner=learner, course=course, rating=2, text="还没学完，先给两星。")
    moderator = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "walk-admin", "a@example.com", "x"
    )
    services.review_hide(moderator=moderator, review=own, reason="测试隐藏")


def qa_walk(*, course: Course) -> None:
    """Questions under the bought course's first lesson: one at a moment, answered and accepted; one open."""
    from learning import qa_services

    lesson = course.lessons.order_by("position").first()
    asker, other = User.objects.get(username="reviewer0"), User.objects.get(username="reviewer1")
    question = qa_services.question_ask(
        author=asker, lesson=lesson, text="这里的笔触怎么控制？见 https://example.com/brush", timestamp=3
    )
    answer = qa_services.answer_post(author=other, question=question, text="手腕放松，先慢后快。")
    qa_services.answer_accept(user=asker, answer=answer)
    qa_services.question_ask(author=other, lesson=lesson, text="需要准备哪些颜料？")


def session_cookie(live_server, username: str) -> dict[str, str]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_every_learner_page_passes_axe_at_both_widths_and_is_photographed_in_both_languages(browser, live_server):  # noqa: F811
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm install` (make test does)")
    manager_group()  # an earlier transactional test may have emptied the migrations' group
    call_command("seed_demo", password="a-long-pass-phrase", verbosity=0)
    call_command("seed_demo_campaigns", verbosity=0)
    call_command("seed_demo_partners", password="a-long-pass-phrase", verbosity=0)  # starts the demo campaign
    walk = pages()
    signed_in = session_cookie(live_server, "learner")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    violations = {}
    for language in ("zh-hans", "en"):
        for width_name, (width, height) in WIDTHS.items():
            for signed in (False, True):
                context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
                cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
                context.add_cookies(cookies + ([signed_in] if signed else []))
                page = context.new_page()
                for name, (path, needs_login) in walk.items():
                    if needs_login != signed:
                        continue
                    page.goto(live_server.url + path, wait_until="networkidle")
                    page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width_name}.png", full_page=True)
                    if found := axe_violations(page):
                        violations[f"{name} {language} {width_name}"] = found
                context.close()
    assert violations == {}
