"""The instructor's drawing over a work: strokes checked (bounded, 0..1, on the work's own images),
stored with the feedback, hostile posts a 400 with a field message, and drawn for the learner."""

import json

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import annotation, assignments
from learning.models import Submission
from platform_site.exceptions import ApplicationError
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.learning import artwork_helpers as art

pytestmark = pytest.mark.django_db
STROKE = {"image": 0, "points": [[0.1, 0.2], [0.5, 0.25], [0.9, 0.8]]}


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def work(partner):
    course = CourseFactory(partners=[partner], track="art")
    assignment = assignments.assignment_save(
        lesson=course.lessons.first(), brief_zh="画竹", rubric=[{"name_zh": "构图", "name_en": "", "max_points": 10}]
    )
    learner = UserFactory(username="painter")
    Enrollment.objects.create(learner=learner, course=course)
    return assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg(), art.png()])


@pytest.fixture
def instructor(partner):
    return assign_to_partner_courses(MembershipFactory(partner=partner, role="instructor", user=UserFactory())).user


def review(client, work, drawing):
    raw = drawing if isinstance(drawing, str) else json.dumps(drawing)
    return client.post(
        reverse("partners:submission", args=[work.pk]), {"decision": "passed", "grade_0": 8, "annotation": raw}
    )


def test_check_keeps_a_drawing_rounded_to_four_places():
    cleaned = annotation.check_annotation([{"image": 1, "points": [[0.123456, 1], [0, 0.5]]}], image_positions={0, 1})
    assert cleaned == [{"image": 1, "points": [[0.1235, 1.0], [0.0, 0.5]]}]


@pytest.mark.parametrize(
    "drawing",
    [
        {"image": 0, "points": []},  # not a list of strokes
        [{"image": 5, "points": [[0, 0], [1, 1]]}],  # an image the work has not
        [{"image": 0, "points": [[0.5, 0.5]]}],  # one point is no stroke
        [{"image": 0, "points": [[-0.1, 0.5], [0.2, 0.2]]}],  # negative
        [{"image": 0, "points": [[1.5, 0.5], [0.2, 0.2]]}],  # past the image
        [{"image": 0, "points": [[float("nan"), 0.5], [0.2, 0.2]]}],
        [{"image": 0, "points": [[True, 0.5], [0.2, 0.2]]}],
        [{"image": 0, "points": [[[0.1], 0.5], [0.2, 0.2]]}],  # nested
        [{"image": 0, "points": [[0.1, 0.5, 0.3], [0.2, 0.2]]}],
        [{"image": 0, "points": [[0.1, 0.5], [0.2, 0.2]], "colour": "red"}],  # a key of no meaning
        [STROKE] * (annotation.MAX_STROKES + 1),
        [{"image": 0, "points": [[0.5, 0.5]] * (annotation.MAX_POINTS_PER_STROKE + 1)}],
        [{"image": 0, "points": [[0.5, 0.5]] * 1000}] * 6,  # 6000 points in all
    ],
    ids=[
        "not-a-list",
        "unknown-image",
        "one-point",
        "negative",
        "past-one",
        "nan",
        "bool",
        "nested",
        "triple",
        "extra-key",
        "too-many-strokes",
        "too-many-points",
        "too-many-in-all",
    ],
)
def test_check_refuses_a_bad_drawing_with_a_field_message(drawing):
    with pytest.raises(ApplicationError) as refusal:
        annotation.check_annotation(drawing, image_positions={0, 1})
    assert refusal.value.code == "bad_annotation" and refusal.value.extra["fields"]["annotation"]


@pytest.mark.parametrize(
    "raw",
    ['[{"image": 0, "points": [[NaN, 0.5], [0.2, 0.2]]}]', '[{"image": 0, "points": [[1e400, 0], [0, 0]]}]',
     "[" * 50_000 + "]" * 50_000, "x" * (annotation.MAX_JSON_CHARS + 1), "{not json", "[0.5]"],
    ids=["nan", "infinity", "deeply-nested", "huge", "not-json", "not-strokes"],
)  # fmt: skip
def test_a_hostile_drawing_post_is_a_400_at_the_field_and_nothing_is_stored(client, work, instructor, raw):
    client.force_login(instructor)

    response = review(client, work, raw)

    assert response.status_code == 400
    assert response.context["form"].errors["annotation"]
    assert 'data-testid="annotation-error"' in response.content.decode()
    work.refresh_from_db()
    assert work.status == Submission.Status.SUBMITTED and work.annotation == []


def test_the_drawing_is_stored_with_the_feedback_and_drawn_for_the_learner(client, work, instructor):
    client.force_login(instructor)
    assert review(client, work, [STROKE, {"image": 1, "points": [[0, 0], [1, 1]]}]).status_code == 302
    work.refresh_from_db()
    assert work.annotation[0] == STROKE

    client.force_login(work.learner)
    page = client.get(reverse("learning:assignment", args=[work.assignment.lesson_id])).content.decode()

    assert page.count('<figure class="annotated">') == 2
    assert '<polyline points="0.1,0.2 0.5,0.25 0.9,0.8"/>' in page


def test_a_review_without_a_drawing_stores_none_and_draws_nothing(client, work, instructor):
    client.force_login(instructor)
    assert (
        client.post(reverse("partners:submission", args=[work.pk]), {"decision": "passed", "grade_0": 8}).status_code
        == 302
    )
    client.force_login(work.learner)

    page = client.get(reverse("learning:assignment", args=[work.assignment.lesson_id])).content.decode()

    assert 'data-testid="feedback"' in page and 'data-testid="feedback-drawing"' not in page


def test_the_review_page_loads_the_drawing_script_from_a_static_file(client, work, instructor):
    client.force_login(instructor)
    page = client.get(reverse("partners:submission", args=[work.pk])).content.decode()
    assert 'src="/static/js/annotate.js"' in page and "data-annotate " in page
