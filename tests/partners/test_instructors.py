"""Instructors see and teach only the courses they are assigned to (owners and managers assign);
analysts read and change nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, Order
from learning import qa_services
from learning.models import Assignment, Submission
from partners import selectors, services
from partners.models import CourseAssignment
from platform_site.exceptions import ApplicationError, NotPermitted
from tests.factories import CourseFactory, MembershipFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(partner_a, owner_a):
    """Two courses of A, each with an enrolled learner's question and submitted work."""
    taught = CourseFactory(partners=[partner_a], title_zh="被指派的课", title_en="Assigned course")
    other = CourseFactory(partners=[partner_a], title_zh="别人的课", title_en="Someone else's course")
    for course, who in ((taught, "learner-taught"), (other, "learner-other")):
        learner = UserFactory(username=who, email=f"{who}@example.com")
        order = OrderFactory(course=course, learner=learner, status=Order.Status.PAID, paid_at=timezone.now())
        Enrollment.objects.create(course=course, learner=learner, order=order)
        lesson = course.lessons.get(position=1)
        qa_services.question_ask(author=learner, lesson=lesson, text=f"{course.title_zh}的问题")
        assignment = Assignment.objects.create(lesson=lesson, brief_zh="画一幅")
        Submission.objects.create(assignment=assignment, learner=learner)
    instructor = MembershipFactory(partner=partner_a, user=UserFactory(username="teacher"), role="instructor")
    manager = MembershipFactory(partner=partner_a, role="manager")
    services.course_instructors_set(actor=manager, course=taught, membership_ids=[instructor.pk])
    return {"taught": taught, "other": other, "instructor": instructor, "manager": manager}


def test_an_instructor_sees_only_the_assigned_course_everywhere(client, school):
    client.force_login(school["instructor"].user)
    pages = ["courses", "enrollments", "questions", "submissions", "home"]

    html = {page: client.get(reverse(f"partners:{page}")).content.decode() for page in pages}

    assert "被指派的课" in html["courses"] and "被指派的课的问题" in html["questions"]
    assert "被指派的课" in html["enrollments"] and "被指派的课" in html["submissions"]
    leaks = {page: body for page, body in html.items() if "别人的课" in body}
    assert leaks == {}


def test_an_instructor_opens_the_assigned_courses_pages_and_nothing_else(client, school):
    client.force_login(school["instructor"].user)
    other_lesson = school["other"].lessons.first()
    other_work = Submission.objects.get(assignment__lesson__course=school["other"])
    taught_work = Submission.objects.get(assignment__lesson__course=school["taught"])

    assert client.get(reverse("partners:lessons", args=[school["taught"].pk])).status_code == 200
    assert client.get(reverse("partners:submission", args=[taught_work.pk])).status_code == 200
    codes = {
        "lessons": client.get(reverse("partners:lessons", args=[school["other"].pk])).status_code,
        "work": client.get(reverse("partners:submission", args=[other_work.pk])).status_code,
        "edit lesson": client.get(reverse("partners:lesson-edit", args=[other_lesson.pk])).status_code,
        "assign": client.get(reverse("partners:course-instructors", args=[school["taught"].pk])).status_code,
    }
    assert codes == {"lessons": 404, "work": 404, "edit lesson": 403, "assign": 403}


def test_an_instructor_answers_questions_only_in_the_assigned_course(school):
    user = school["instructor"].user

    assert selectors.course_staff(user, school["taught"].pk).teaches
    assert not selectors.course_staff(user, school["other"].pk).teaches
    assert not selectors.course_staff_may_open(user, school["other"].pk)


def test_a_manager_assigns_on_the_course_page(client, school):
    client.force_login(school["manager"].user)
    url = reverse("partners:course-instructors", args=[school["other"].pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"instructors": [school["instructor"].pk]})

    assert response.status_code == 302
    assert set(CourseAssignment.objects.values_list("course_id", flat=True)) == {
        school["taught"].pk, school["other"].pk
    }  # fmt: skip
    client.post(url, {})  # none ticked: unassigned
    assert set(CourseAssignment.objects.values_list("course_id", flat=True)) == {school["taught"].pk}


def test_only_instructors_of_the_partner_can_be_assigned(school, partner_b):
    stranger = MembershipFactory(partner=partner_b, role="instructor")
    analyst = MembershipFactory(partner=school["manager"].partner, role="analyst")

    for ids in ([stranger.pk], [analyst.pk], [school["instructor"].pk, 999999]):
        with pytest.raises(ApplicationError):
            services.course_instructors_set(actor=school["manager"], course=school["other"], membership_ids=ids)
    assert CourseAssignment.objects.count() == 1


@pytest.mark.parametrize("role", ["instructor", "analyst"])
def test_instructors_and_analysts_cannot_assign(school, role):
    member = school["instructor"] if role == "instructor" else MembershipFactory(
        partner=school["manager"].partner, role="analyst"
    )  # fmt: skip

    with pytest.raises(NotPermitted):
        services.course_instructors_set(actor=member, course=school["other"], membership_ids=[member.pk])


def test_an_analyst_reads_figures_and_writes_nothing(client, school):
    analyst = MembershipFactory(partner=school["manager"].partner, role="analyst")
    client.force_login(analyst.user)
    lesson = school["taught"].lessons.first()
    work = Submission.objects.first()

    reads = {page: client.get(reverse(f"partners:{page}")).status_code for page in ("home", "courses", "orders",
                                                                                   "campaigns", "statements")}  # fmt: skip
    writes = {
        "new lesson": client.post(reverse("partners:lesson-create", args=[school["taught"].pk]), {"title_zh": "x"}),
        "delete lesson": client.post(reverse("partners:lesson-delete", args=[lesson.pk])),
        "move lesson": client.post(reverse("partners:lesson-move", args=[lesson.pk]), {"direction": "down"}),
        "publish": client.post(reverse("partners:course-publish", args=[school["taught"].pk])),
        "assign": client.post(reverse("partners:course-instructors", args=[school["taught"].pk]), {}),
        "review": client.post(reverse("partners:submission", args=[work.pk]), {"decision": "passed"}),
        "questions": client.get(reverse("partners:questions")),
    }

    assert set(reads.values()) == {200}
    assert {name: r.status_code for name, r in writes.items()} == dict.fromkeys(writes, 403)


def test_the_assignment_page_costs_the_same_for_2_and_for_20_instructors(client, school,
                                                                         django_assert_max_num_queries):  # fmt: skip
    client.force_login(school["manager"].user)
    url = reverse("partners:course-instructors", args=[school["taught"].pk])
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for _ in range(18):
        MembershipFactory(partner=school["manager"].partner, role="instructor")

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
