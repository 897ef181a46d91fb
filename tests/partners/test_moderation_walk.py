"""The changed pages of reviews and moderation in Debian's Chromium at a phone's and a desktop's
width, in both languages: the course page's reviews with the partner's answer, the workspace's
reviews, answer and reports pages. Photographed (voice-<page>-<language>-<width>.png) and checked
with axe-core's WCAG 2.1 AA rules."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Enrollment
from learning import partner_reviews, qa_services, services
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_site_walk import WIDTHS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def learner_of(course, name):
    learner = UserFactory(first_name=name)
    Enrollment.objects.create(learner=learner, course=course)
    services.lesson_mark_done(learner=learner, lesson=course.lessons.order_by("position").first())
    return learner


def world() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    school = PartnerFactory(slug="ink-school", name_zh="墨韵美术学校", name_en="Ink Art School", kind="art_institution")
    owner = MembershipFactory(partner=school, user=UserFactory(username="school-owner"), role="owner").user
    course = CourseFactory(title_zh="国画山水入门", title_en="Chinese landscape painting", track="art",
                           partners=[school], lessons=2, slug="landscape")  # fmt: skip
    texts = [
        (5, "讲解清楚，第二课的皴法示范特别有用。Clear and patient, the texture strokes demo helped a lot."),
        (2, "节奏太快了，希望放慢一些。"),
        (1, "加我微信买便宜的画笔！"),
    ]
    reviews = [
        services.review_save(learner=learner_of(course, f"学员{i}"), course=course, rating=r, text=t)[0]
        for i, (r, t) in enumerate(texts)
    ]
    partner_reviews.review_reply_save(author=owner, partner=school, review=reviews[1],
                                      text="谢谢建议！我们已把第二课拆成两节，节奏更从容。")  # fmt: skip
    reader = learner_of(course, "小周")
    services.review_report(learner=reader, review=reviews[2], reason="spam", note="广告")
    services.review_report(learner=reviews[0].learner, review=reviews[2], reason="abuse")
    question = qa_services.question_ask(
        author=reviews[0].learner, lesson=course.lessons.first(), text="宣纸要选生宣还是熟宣？"
    )
    answer = qa_services.answer_post(author=reader, question=question, text="私信我，便宜卖你宣纸 http://spam.example")
    qa_services.post_report(learner=reviews[0].learner, post=answer, reason="spam")
    sessions = {}
    for who, user in (("owner", owner), ("learner", reader)):
        client = Client()
        client.force_login(user)
        sessions[who] = client.cookies["sessionid"].value
    pages = {
        "course-reviews": ("learner", course.get_absolute_url() + "#reviews"),
        "workspace-reviews": ("owner", reverse("partners:reviews")),
        "workspace-answer": ("owner", reverse("partners:review-answer", args=[reviews[1].pk])),
        "workspace-reports": ("owner", reverse("partners:reports")),
        "answer-report": ("learner", reverse("learning:answer-report", args=[answer.pk])),
    }
    return pages, sessions


def test_the_voice_pages_pass_axe_at_both_widths_and_are_photographed_in_both_languages(browser, live_server):  # noqa: F811
    pages, sessions = world()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    violations = {}
    for language in ("zh-hans", "en"):
        for width_name, (width, height) in WIDTHS.items():
            for who, sessionid in sessions.items():
                context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
                context.add_cookies([
                    {"name": "django_language", "value": language, "url": live_server.url},
                    {"name": "sessionid", "value": sessionid, "url": live_server.url},
                ])  # fmt: skip
                page = context.new_page()
                for name, (owner, path) in pages.items():
                    if owner != who:
                        continue
                    response = page.goto(live_server.url + path, wait_until="networkidle")
                    assert response is not None and response.status == 200, name
                    if name == "course-reviews":
                        page.locator("#reviews").scroll_into_view_if_needed()
                    page.screenshot(path=SCREENSHOTS / f"voice-{name}-{language}-{width_name}.png", full_page=True)
                    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), name
                    if found := axe_violations(page):
                        violations[f"{name} {language} {width_name}"] = found
                context.close()
    assert violations == {}
