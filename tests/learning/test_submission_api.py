"""/api/v1/lessons/<id>/submissions/ and /submissions/<id>/...: art submissions through the page's
service and checks; only the learner and the course's reviewers read them (the `world` matrix)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from learning import assignments
from learning.models import Submission, SubmissionImage
from tests.factories import UserFactory
from tests.learning import artwork_helpers as art

pytestmark = pytest.mark.django_db

API = "/api/v1"
ERROR_SHAPE = {"message", "code", "extra"}
RUBRIC = [
    {"name_zh": "构图", "name_en": "Composition", "max_points": 10},
    {"name_zh": "色彩", "name_en": "", "max_points": 5},
]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def assignment(world):
    return assignments.assignment_save(lesson=world["lesson"], brief_zh="画竹子", rubric=RUBRIC)


def url(assignment) -> str:
    return f"{API}/lessons/{assignment.lesson_id}/submissions/"


def submit(user, assignment, **headers):
    body = {"images": [art.jpeg(), art.png()], "note": "第一次"}
    return client_for(user).post(url(assignment), body, format="multipart", **headers)


def test_an_enrolled_learner_submits_and_a_retry_with_the_same_key_submits_once(world, assignment):
    first = submit(world["learner_a"], assignment, HTTP_IDEMPOTENCY_KEY="work-1")
    again = submit(world["learner_a"], assignment, HTTP_IDEMPOTENCY_KEY="work-1")
    unkeyed = submit(world["learner_a"], assignment)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == Submission.objects.get().pk
    assert unkeyed.status_code == 409 and unkeyed.json()["code"] == "already_submitted"
    body = first.json()
    assert (body["status"], body["note"], body["attempt"], body["feedback"]) == ("submitted", "第一次", 1, None)
    assert [(i["content_type"], i["width"]) for i in body["images"]] == [("image/jpeg", 640), ("image/png", 300)]


def test_the_learner_reads_the_feedback_and_the_image(world, assignment):
    submission = assignments.submission_create(learner=world["learner_a"], assignment=assignment, images=[art.jpeg()])
    assignments.submission_review(
        reviewer=world["instructor"], submission=submission, decision="resubmit", grades=[7, 3], comment="再试试"
    )
    client = client_for(world["learner_a"])

    listed = client.get(url(assignment)).json()["results"]
    image = client.get(listed[0]["images"][0]["thumbnail_url"])

    assert listed[0]["status"] == "resubmit"
    assert listed[0]["feedback"] == {
        "score": 10,
        "max_points": 15,
        "comment": "再试试",
        "grades": [
            {"name_zh": "构图", "name_en": "Composition", "max_points": 10, "points": 7},
            {"name_zh": "色彩", "name_en": "", "max_points": 5, "points": 3},
        ],
        "reviewed_by": "teacher",
        "reviewed_at": listed[0]["feedback"]["reviewed_at"],
    }
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert submit(world["learner_a"], assignment).json()["attempt"] == 2  # resubmission asked: a new attempt


# Who sees what of learner A's and learner B's work.
MATRIX = [
    ("learner_a", {"learner_a"}),
    ("learner_b", {"learner_b"}),
    ("not_enrolled", set()),
    ("instructor", {"learner_a", "learner_b"}),
    ("other_instructor", set()),
    ("partner_manager", {"learner_a", "learner_b"}),
    ("platform_manager", {"learner_a", "learner_b"}),
]


@pytest.fixture
def works(world, assignment):
    return {
        name: assignments.submission_create(learner=world[name], assignment=assignment, images=[art.jpeg()])
        for name in ("learner_a", "learner_b")
    }


@pytest.mark.parametrize(("who", "sees"), MATRIX)
def test_who_lists_whose_submissions(world, assignment, works, who, sees):
    response = client_for(world[who]).get(url(assignment))

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {works[name].pk for name in sees}


@pytest.mark.parametrize(("who", "sees"), MATRIX)
@pytest.mark.parametrize("owner", ["learner_a", "learner_b"])
def test_a_submission_and_its_image_are_404s_for_who_may_not_read_them(world, works, who, sees, owner):
    work = works[owner]
    image = work.images.get()
    client = client_for(world[who])

    detail = client.get(f"{API}/submissions/{work.pk}/")
    full = client.get(f"{API}/submissions/{work.pk}/images/{image.pk}/")

    expected = 200 if owner in sees else 404
    assert (detail.status_code, full.status_code) == (expected, expected)
    if expected == 404:
        assert set(detail.json()) == set(full.json()) == ERROR_SHAPE


def test_a_visitor_must_sign_in(assignment, works):
    response = APIClient().get(url(assignment))

    assert response.status_code == 401 and set(response.json()) == ERROR_SHAPE


def test_an_image_of_another_submission_is_a_404_even_through_ones_own(world, works):
    own, other = works["learner_a"], works["learner_b"].images.get()

    response = client_for(world["learner_a"]).get(f"{API}/submissions/{own.pk}/images/{other.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["not_enrolled", "instructor", "platform_manager"])
def test_only_enrolled_learners_submit(world, assignment, who):
    response = submit(world[who], assignment)

    assert response.status_code == 403 and response.json()["code"] == "not_enrolled"
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("images", "code"),
    [
        ([art.renamed_executable], "not_an_image"),
        ([art.png_bomb], "too_many_pixels"),
        ([art.truncated_jpeg], "damaged"),
        ([art.jpeg, art.renamed_executable], "not_an_image"),
    ],
    ids=["renamed-executable", "png-bomb", "truncated-jpeg", "one-bad-of-two"],
)
def test_bad_uploads_are_400s_at_the_field_and_nothing_is_stored(world, assignment, images, code):
    body = {"images": [make() for make in images]}

    response = client_for(world["learner_a"]).post(url(assignment), body, format="multipart")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["images"] and code in response.json()["extra"]["codes"]
    assert not Submission.objects.exists() and not SubmissionImage.objects.exists()


def test_an_oversize_image_no_images_and_too_many_are_400s(world, assignment, settings):
    settings.ASSIGNMENT_MAX_IMAGE_BYTES = 200_000
    settings.ASSIGNMENT_MAX_IMAGES = 2
    client = client_for(world["learner_a"])

    huge = client.post(url(assignment), {"images": [art.oversize(200_000)]}, format="multipart")
    none = client.post(url(assignment), {"note": "空"}, format="multipart")
    many = client.post(url(assignment), {"images": [art.jpeg(), art.jpeg(), art.jpeg()]}, format="multipart")

    assert [r.status_code for r in (huge, none, many)] == [400, 400, 400]
    assert [r.json()["code"] for r in (huge, none, many)] == ["image_refused", "no_images", "too_many_images"]
    assert not Submission.objects.exists()


def test_hostile_fields_are_4xx_with_the_error_shape(world, assignment):
    client = client_for(world["learner_a"])
    empty_file = SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg")

    responses = {
        "nul-note": client.post(url(assignment), {"images": [art.jpeg()], "note": "a\x00b"}, format="multipart"),
        "huge-note": client.post(url(assignment), {"images": [art.jpeg()], "note": "长" * 2001}, format="multipart"),
        "empty-file": client.post(url(assignment), {"images": [empty_file]}, format="multipart"),
        "json-body": client.post(url(assignment), {"images": ["x"]}, format="json"),
        "bad-kind": client.get(f"{API}/submissions/1/images/1/?kind=../../etc"),
        "huge-id": client.get(f"{API}/submissions/99999999999999999999/"),
        "no-assignment": client.get(f"{API}/lessons/{world['course'].lessons.last().pk}/submissions/"),
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "nul-note": 400, "huge-note": 400, "empty-file": 400, "json-body": 415, "bad-kind": 400, "huge-id": 404,
        "no-assignment": 404,
    }  # fmt: skip
    assert all(set(r.json()) == ERROR_SHAPE for r in responses.values())
    assert not Submission.objects.exists()


def test_an_unknown_image_kind_of_a_readable_submission_is_a_400(world, works):
    work = works["learner_a"]

    response = client_for(world["learner_a"]).get(f"{API}/submissions/{work.pk}/images/{work.images.get().pk}/?kind=x")

    assert response.status_code == 400 and "kind" in response.json()["extra"]["fields"]


def test_the_list_costs_the_same_whatever_its_length(world, assignment, django_assert_max_num_queries):
    def add_works(count: int) -> None:
        for _ in range(count):
            learner = UserFactory()
            world["course"].enrollments.create(learner=learner)
            assignments.submission_create(learner=learner, assignment=assignment, images=[art.jpeg(), art.png()])

    client = client_for(world["instructor"])
    add_works(2)
    # The lesson, its assignment, who the caller is to the course (permissions: 2, staff: 1), the
    # count, the page (with learners and reviewers) and its images.
    with django_assert_max_num_queries(8) as few:
        assert client.get(url(assignment)).status_code == 200
    add_works(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url(assignment)).json()["results"]) == 8


def test_a_clip_assignment_takes_a_clip_through_the_api_and_refuses_a_fake_one(
    world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from learning.models import Assignment
    from tests.courses import media_helpers

    clip_work = assignments.assignment_save(lesson=world["lesson"], brief_zh="弹一段音阶", rubric=RUBRIC,
                                            work=Assignment.Work.CLIP)  # fmt: skip
    client = client_for(world["learner_a"])
    fake = SimpleUploadedFile("scale.mp4", b"not a recording " * 100)
    refused = client.post(url(clip_work), {"clip": fake}, format="multipart")
    assert refused.status_code == 400 and "clip" in refused.json()["extra"]["fields"]
    assert not Submission.objects.exists()

    with django_capture_on_commit_callbacks():  # the media worker's task is not sent
        audio = SimpleUploadedFile("scale.wav", media_helpers.audio(2).read_bytes())
        response = client.post(url(clip_work), {"clip": audio, "note": "C 大调"}, format="multipart")

    assert response.status_code == 201, response.json()
    assert response.json()["clip"] == {"kind": "audio", "status": "queued", "progress": 0.0,
                                       "duration_seconds": pytest.approx(2, abs=0.2)}  # fmt: skip
    assert response.json()["images"] == []
