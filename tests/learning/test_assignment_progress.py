"""A required assignment is a step of the course: the progress bar, My learning, the managers'
figures and the certificate count it once passed, from the one computation in `selectors`."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import assignments, selectors, services
from platform_site.exceptions import ApplicationError
from tests.learning import artwork_helpers as art

pytestmark = pytest.mark.django_db
RUBRIC = [{"name_zh": "构图", "name_en": "Composition", "max_points": 10}]


@pytest.fixture
def assignment(course):
    return assignments.assignment_save(
        lesson=course.lessons.get(position=2), brief_zh="画竹", rubric=RUBRIC, required_for_completion=True
    )


def finish_lessons(learner, course):
    for lesson in course.lessons.all():
        services.lesson_mark_done(learner=learner, lesson=lesson)


def hand_in(learner, assignment, *, decision=assignments.Decision.PASS):
    work = assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg()])
    return assignments.submission_review(reviewer=learner, submission=work, decision=decision, grades=[8])


def test_every_lesson_done_but_the_assignment_is_three_steps_of_four(learner, course, assignment):
    Enrollment.objects.create(learner=learner, course=course)
    finish_lessons(learner, course)

    progress = selectors.course_progress(learner=learner, course=course)

    assert (progress.steps_done, progress.steps_total, progress.percent) == (3, 4, 75)
    assert not progress.is_complete
    assert progress.next_lesson == assignment.lesson  # "continue" leads to the work still to pass


def test_a_resubmission_asked_is_not_a_step_and_a_pass_completes_the_course(learner, course, assignment):
    Enrollment.objects.create(learner=learner, course=course)
    finish_lessons(learner, course)
    hand_in(learner, assignment, decision=assignments.Decision.RESUBMIT)
    assert selectors.course_progress(learner=learner, course=course).percent == 75

    hand_in(learner, assignment)

    progress = selectors.course_progress(learner=learner, course=course)
    assert progress.percent == 100 and progress.is_complete
    assert services.certificate_issue(learner=learner, course=course, name="王小明").serial


def test_the_certificate_names_the_assignment_still_to_pass(learner, course, assignment):
    Enrollment.objects.create(learner=learner, course=course)
    finish_lessons(learner, course)

    with pytest.raises(ApplicationError) as refusal:
        services.certificate_issue(learner=learner, course=course, name="王小明")

    assert refusal.value.code == "assignment_not_passed"


def test_an_optional_assignment_and_another_learners_pass_count_for_nothing(learner, other_learner, course):
    optional = assignments.assignment_save(lesson=course.lessons.get(position=1), brief_zh="可选", rubric=RUBRIC)
    required = assignments.assignment_save(
        lesson=course.lessons.get(position=3), brief_zh="必做", rubric=RUBRIC, required_for_completion=True
    )
    for user in (learner, other_learner):
        Enrollment.objects.create(learner=user, course=course)
    hand_in(other_learner, required)
    hand_in(learner, optional)

    progress = selectors.course_progress(learner=learner, course=course)

    assert (progress.assignments_passed, progress.assignments_total) == (0, 1)


def test_my_learning_shows_the_assignment_step_in_its_percentage(client, learner, course, assignment):
    Enrollment.objects.create(learner=learner, course=course)
    finish_lessons(learner, course)
    client.force_login(learner)

    page = client.get(reverse("courses:my-learning")).content.decode()

    assert 'value="75"' in page
    assert 'data-testid="assignments-progress"' in page


def test_managers_figures_count_a_course_complete_only_with_the_assignment_passed(
    learner, other_learner, course, assignment
):
    for user in (learner, other_learner):
        Enrollment.objects.create(learner=user, course=course)
        finish_lessons(user, course)
    hand_in(learner, assignment)

    stats = selectors.course_stats(course=course)

    assert stats.completed == 1
    assert stats.average_percent == pytest.approx((100 + 75) / 2)
