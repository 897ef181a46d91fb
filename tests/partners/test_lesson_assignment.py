"""A lesson's assignment set in the workspace by the course's partner's owners and managers: who may
(another partner's manager, an instructor, an analyst may not), bad input at the fields, and a
rubric that stays as it is once work was graded against it."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import assignments
from learning.models import Assignment
from partners import lessons
from platform_site.exceptions import Conflict, NotPermitted
from tests.factories import CourseFactory, LessonFactory, MembershipFactory, UserFactory, assign_to_partner_courses
from tests.learning import artwork_helpers as art

pytestmark = pytest.mark.django_db
RUBRIC = [{"name_zh": "构图", "name_en": "Composition", "max_points": 10}]


def post_data(rows=(("构图", "Composition", "10"), ("笔墨", "", "20")), **fields):
    data = {"brief_zh": "画一丛竹子", "brief_en": "Paint bamboo", "due_at": "2031-05-01T18:30",
            "required_for_completion": "on", "work": "images", "criteria-TOTAL_FORMS": str(len(rows)),
            "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "10"}  # fmt: skip
    for index, (name_zh, name_en, points) in enumerate(rows):
        data |= {f"criteria-{index}-name_zh": name_zh, f"criteria-{index}-name_en": name_en,
                 f"criteria-{index}-max_points": points}  # fmt: skip
    return data | fields


@pytest.fixture
def course_a(partner_a):
    return CourseFactory(partners=[partner_a], title_zh="墨竹", lessons=2)


@pytest.fixture
def lesson(course_a):
    return course_a.lessons.get(position=2)


def member(partner, role):
    return assign_to_partner_courses(MembershipFactory(partner=partner, user=UserFactory(), role=role))


def url(lesson):
    return reverse("partners:lesson-assignment", args=[lesson.pk])


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_an_owner_or_manager_sets_the_assignment_with_its_rubric(client, partner_a, lesson, role):
    client.force_login(member(partner_a, role).user)

    response = client.post(url(lesson), post_data())

    assert response.status_code == 302
    assignment = Assignment.objects.get(lesson=lesson)
    assert assignment.rubric == [{"name_zh": "构图", "name_en": "Composition", "max_points": 10},
                                 {"name_zh": "笔墨", "name_en": "", "max_points": 20}]  # fmt: skip
    assert assignment.required_for_completion and assignment.due_at.isoformat().startswith("2031-05-01T10:30")


@pytest.mark.parametrize("who", ["other_manager", "instructor", "analyst", "learner"])
def test_who_may_not_set_an_assignment_gets_a_refusal_and_nothing_changes(client, partner_a, partner_b, lesson, who):
    user = {
        "other_manager": lambda: member(partner_b, "manager").user,
        "instructor": lambda: member(partner_a, "instructor").user,
        "analyst": lambda: member(partner_a, "analyst").user,
        "learner": lambda: UserFactory(),
    }[who]()
    client.force_login(user)

    shown, posted = client.get(url(lesson)), client.post(url(lesson), post_data())

    # Another partner's lesson is not found; a role that may not edit courses is forbidden.
    expected = 404 if who == "other_manager" else 403
    assert (shown.status_code, posted.status_code) == (expected, expected)
    assert not Assignment.objects.exists()


def test_the_service_refuses_another_partners_manager_and_an_instructor(partner_a, partner_b, lesson):
    for actor in (member(partner_b, "manager"), member(partner_a, "instructor")):
        with pytest.raises(NotPermitted):
            lessons.lesson_assignment_save(actor=actor, lesson=lesson, brief_zh="画", rubric=RUBRIC)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (post_data(brief_zh=""), "brief_zh"),
        (post_data(brief_zh="画\x00竹"), "brief_zh"),
        (post_data(due_at="next week"), "due_at"),
        (post_data(brief_en="x" * 10_001), "brief_en"),
    ],
    ids=["no-chinese-brief", "nul", "bad-date", "huge-brief"],
)
def test_bad_assignment_input_is_a_400_with_a_field_message(client, partner_a, lesson, data, field):
    client.force_login(member(partner_a, "manager").user)

    response = client.post(url(lesson), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "rows",
    [(), (("构图", "", "-5"),), (("", "Composition", "10"),), (("构图", "", "101"),), (("构图", "", "1e9"),)],
    ids=["no-criterion", "negative-points", "no-chinese-name", "too-many-points", "not-a-whole-number"],
)
def test_a_bad_rubric_is_a_400_with_a_message_at_the_rubric(client, partner_a, lesson, rows):
    client.force_login(member(partner_a, "manager").user)

    response = client.post(url(lesson), post_data(rows=rows))

    assert response.status_code == 400
    assert 'data-testid="rubric-error"' in response.content.decode() or response.context["criteria"].errors
    assert not Assignment.objects.exists()


def test_a_post_claiming_a_million_rubric_rows_is_refused_at_the_rubric(client, partner_a, lesson):
    client.force_login(member(partner_a, "manager").user)

    response = client.post(url(lesson), post_data(**{"criteria-TOTAL_FORMS": "1000000"}))

    assert response.status_code == 400
    assert response.context["criteria"].non_form_errors()
    assert not Assignment.objects.exists()


def test_a_graded_rubric_is_locked_but_the_brief_still_changes(client, partner_a, course_a, lesson):
    assignment = assignments.assignment_save(lesson=lesson, brief_zh="画竹", rubric=RUBRIC)
    learner = UserFactory()
    Enrollment.objects.create(learner=learner, course=course_a)
    work = assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg()])
    assignments.submission_review(reviewer=learner, submission=work, decision="passed", grades=[7])
    manager = member(partner_a, "manager")
    client.force_login(manager.user)

    page = client.get(url(lesson)).content.decode()
    saved = client.post(url(lesson), post_data(rows=(("色彩", "Colour", "50"),), brief_zh="画梅"))

    assert 'data-testid="rubric-locked"' in page and saved.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.brief_zh, assignment.rubric) == ("画梅", RUBRIC)
    with pytest.raises(Conflict) as refusal:  # any other caller (the admin, a script) is refused too
        lessons.lesson_assignment_save(
            actor=manager, lesson=lesson, brief_zh="画", rubric=[{**RUBRIC[0], "max_points": 5}]
        )
    assert refusal.value.code == "rubric_locked"
    work.refresh_from_db()
    assert [points for _criterion, points in work.graded_rubric] == [7]


def test_a_clip_assignment_is_set_in_the_workspace_and_what_it_takes_stays_once_work_came_in(
    client, partner_a, course_a, lesson
):
    manager = member(partner_a, "manager")
    client.force_login(manager.user)

    assert client.post(url(lesson), post_data(work="clip")).status_code == 302
    assignment = Assignment.objects.get(lesson=lesson)
    assert assignment.work == "clip"
    edit = {"criteria-INITIAL_FORMS": "2"}  # the page's rows of the stored rubric, as a browser posts them
    assert client.post(url(lesson), post_data(work="images", brief_zh="画梅", **edit)).status_code == 302
    assignment.refresh_from_db()
    assert assignment.work == "images"
    learner = UserFactory()
    Enrollment.objects.create(learner=learner, course=course_a)
    assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg()])

    refused = client.post(url(lesson), post_data(work="clip", **edit))

    assert refused.status_code == 400 and "提交形式不能再更改" in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.work == "images"
    assert client.post(url(lesson), post_data(work="hologram", **edit)).status_code == 400


def test_an_ungraded_rubric_may_still_change(partner_a, lesson):
    manager = member(partner_a, "manager")
    lessons.lesson_assignment_save(actor=manager, lesson=lesson, brief_zh="画", rubric=RUBRIC)
    changed = [{"name_zh": "色彩", "name_en": "", "max_points": 5}]

    assert lessons.lesson_assignment_save(actor=manager, lesson=lesson, brief_zh="画", rubric=changed).rubric == changed


def test_the_lesson_list_links_each_lesson_to_its_assignment_in_one_query(
    client, partner_a, course_a, lesson, django_assert_max_num_queries
):
    assignments.assignment_save(lesson=lesson, brief_zh="画竹", rubric=RUBRIC, required_for_completion=True)
    client.force_login(member(partner_a, "manager").user)
    client.get(reverse("partners:lessons", args=[course_a.pk]))  # the session's first reads

    with django_assert_max_num_queries(9) as counted:
        page = client.get(reverse("partners:lessons", args=[course_a.pk])).content.decode()
    for position in range(3, 13):
        LessonFactory(course=course_a, position=position)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("partners:lessons", args=[course_a.pk]))

    assert page.count('data-testid="lesson-assignment"') == 2
    assert url(lesson) in page


def test_the_platform_admins_form_refuses_a_graded_rubric_change_too(course_a, lesson):
    from learning.assignment_admin import _check

    assignment = assignments.assignment_save(lesson=lesson, brief_zh="画竹", rubric=RUBRIC)
    learner = UserFactory()
    Enrollment.objects.create(learner=learner, course=course_a)
    work = assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg()])
    assignments.submission_review(reviewer=learner, submission=work, decision="resubmit", grades=[3])

    with pytest.raises(Conflict):
        _check({"lesson": lesson, "brief_zh": "画竹", "rubric": [{**RUBRIC[0], "max_points": 50}]})
