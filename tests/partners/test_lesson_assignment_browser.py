"""A lesson's assignment in Debian's Chromium: a manager sets it in the workspace, an instructor draws
over the learner's painting while grading it, the learner sees the drawing with the feedback and
the assignment as a step of the course's progress. Screenshots at 1366 and 390 px, zh-hans and en;
no policy complaint and no script error on the drawing page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import Enrollment
from learning import assignments
from learning.models import Assignment, Submission
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.learning import artwork_helpers as art
from tests.learning.test_assignment_browser import SIZES, _context
from tests.test_browser import SCREENSHOTS, browser  # noqa: F401  (the fixture)
from tests.test_browser_csp import POLICY_WORDS, RECORD_VIOLATIONS
from tests.test_site_walk import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(browser, live_server, user, url, name, ready=None):  # noqa: F811
    for language in ("zh-hans", "en"):
        for size in SIZES:
            context = _context(browser, live_server, user, language, size)
            page = context.new_page()
            page.goto(url)
            if ready:
                page.wait_for_selector(ready)
            page.screenshot(path=str(SCREENSHOTS / f"lesson-assignment-{name}-{language}-{size}.png"), full_page=True)
            assert axe_violations(page) == [], (name, language, size)
            context.close()


def test_set_an_assignment_draw_over_the_work_and_show_it_to_the_learner(browser, live_server):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partner = PartnerFactory(slug="ink", name_zh="墨韵学堂", name_en="Ink Academy")
    course = CourseFactory(slug="bamboo", title_zh="墨竹入门", title_en="Painting bamboo", partners=[partner],
                           track="art", lessons=2)  # fmt: skip
    lesson = course.lessons.get(position=2)
    manager = MembershipFactory(partner=partner, role="manager", user=UserFactory(username="boss")).user
    instructor = assign_to_partner_courses(
        MembershipFactory(partner=partner, role="instructor", user=UserFactory(username="teacher"))
    ).user
    learner = UserFactory(username="painter")
    Enrollment.objects.create(learner=learner, course=course)

    # The manager sets the assignment on its own page, linked from the lesson list.
    context = _context(browser, live_server, manager, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + reverse("partners:lessons", args=[course.pk]))
    page.get_by_test_id("lesson-assignment").nth(1).get_by_role("link").click()
    page.fill("#id_brief_zh", "用三种墨色画一丛竹子。")
    page.fill("#id_brief_en", "Paint a clump of bamboo in three ink tones.")
    page.fill("#id_due_at", "2031-05-01T18:30")
    page.check("#id_required_for_completion")
    page.fill("#id_criteria-0-name_zh", "构图")
    page.fill("#id_criteria-0-name_en", "Composition")
    page.fill("#id_criteria-0-max_points", "-3")
    page.get_by_test_id("assignment-save").click()
    assert page.locator(".has-error .error").first.is_visible()  # negative points, said at the field
    page.fill("#id_criteria-0-max_points", "10")
    page.get_by_test_id("assignment-save").click()
    page.wait_for_url(f"**{reverse('partners:lessons', args=[course.pk])}")
    context.close()
    assignment = Assignment.objects.get(lesson=lesson)
    assert assignment.required_for_completion and assignment.rubric[0]["max_points"] == 10
    _shots(browser, live_server, manager, live_server.url + reverse("partners:lesson-assignment", args=[lesson.pk]),
           "form")  # fmt: skip
    _shots(browser, live_server, manager, live_server.url + reverse("partners:lessons", args=[course.pk]), "list")

    work = assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg(size=(900, 600))])

    # The instructor draws two strokes, takes one back, draws it again and passes the work.
    for language, size in (("zh-hans", "desktop"), ("en", "phone")):
        context = _context(browser, live_server, instructor, language, size)
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        complaints: list[str] = []
        page.on("console", lambda m: any(w in m.text for w in POLICY_WORDS) and complaints.append(m.text))  # noqa: B023
        page.on("pageerror", lambda error: complaints.append(str(error)))  # noqa: B023
        page.goto(live_server.url + reverse("partners:submission", args=[work.pk]), wait_until="networkidle")
        canvas = page.locator("canvas[data-annotate-canvas]")
        count = page.locator("[data-annotate-count]")
        for drawn, (start, end) in enumerate((((0.2, 0.2), (0.6, 0.5)), ((0.7, 0.8), (0.9, 0.3))), start=1):
            # Measured before each stroke, the canvas in the middle of the view: on a loaded machine the
            # page may still move under the pointer after the first measure.
            canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
            box = canvas.bounding_box()
            page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
            page.mouse.down()
            for step in range(1, 11):
                t = step / 10
                page.mouse.move(box["x"] + (start[0] + (end[0] - start[0]) * t) * box["width"],
                                box["y"] + (start[1] + (end[1] - start[1]) * t) * box["height"])  # fmt: skip
            page.mouse.up()
            expect(count).to_have_text(re.compile(f"{drawn}$"))
        page.locator("[data-annotate-undo]").click()
        expect(count).to_have_text(re.compile("1$"))
        page.screenshot(path=str(SCREENSHOTS / f"lesson-assignment-drawing-{language}-{size}.png"), full_page=True)
        assert axe_violations(page) == [], (language, size)
        assert page.evaluate("window.__violations") == [] and complaints == []
        context.close()
    context = _context(browser, live_server, instructor, "zh-hans", "desktop")
    page = context.new_page()
    page.goto(live_server.url + reverse("partners:submission", args=[work.pk]), wait_until="networkidle")
    canvas = page.locator("canvas[data-annotate-canvas]")
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 0.25 * box["width"], box["y"] + 0.25 * box["height"])
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + (0.25 + step * 0.05) * box["width"], box["y"] + (0.25 + step * 0.03) * box["height"])
    page.mouse.up()
    expect(page.locator("[data-annotate-count]")).to_have_text(re.compile("1$"))
    page.fill("#id_grade_0", "8")
    page.fill("#id_comment", "竹节再挺拔些，看红线。")
    page.check('input[name="decision"][value="passed"]')
    page.get_by_test_id("feedback-submit").click()
    page.wait_for_url(f"**{reverse('partners:submissions')}")
    context.close()
    work.refresh_from_db()
    assert work.status == Submission.Status.PASSED and len(work.annotation) == 1
    points = work.annotation[0]["points"]
    assert len(points) >= 5 and all(0 <= v <= 1 for point in points for v in point)
    assert points[0] == pytest.approx([0.25, 0.25], abs=0.02)

    # The learner sees the strokes over the work with the feedback.
    url = live_server.url + reverse("learning:assignment", args=[lesson.pk])
    _shots(browser, live_server, learner, url, "feedback", ready='[data-testid="feedback-drawing"] polyline')
    context = _context(browser, live_server, learner, "zh-hans", "phone")
    page = context.new_page()
    page.goto(live_server.url + reverse("courses:my-learning"))
    assert "已通过 1 / 1 项作业" in page.get_by_test_id("course-progress").inner_text()
    context.close()
