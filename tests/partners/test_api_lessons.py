"""The partner API's lessons and publishing: a course's lessons listed, added, edited, reordered,
deleted and given media, its publishing (direct or through a publish request), all through the
workspace's services; B's lessons out of A's reach; what a role may not do refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Course, Lesson, MediaJob
from partners.models import PublishRequest
from tests.courses import media_helpers
from tests.factories import CourseFactory
from tests.partners.test_api import API, EDITORS, membership_of, token_client
from tests.partners.test_isolation import B_SECRETS, ROLES, b_state

# The same two partners as the pages' matrix (an explicit re-export: pytest finds the fixture here).
from tests.partners.test_isolation import world as world

pytestmark = pytest.mark.django_db

LESSON = {"title_zh": "构图基础", "title_en": "Composition", "kind": "text", "duration_minutes": 12}


def positions(course) -> list[tuple[int, str]]:
    return list(Lesson.objects.filter(course=course).order_by("position").values_list("position", "title_zh"))


@pytest.fixture
def draft_a(partner_a):
    return CourseFactory(partners=[partner_a], title_zh="水墨课", status="draft", lessons=3)


# ------------------------------------------------------------------------------ isolation
@pytest.mark.parametrize("role", ROLES)
def test_a_token_of_a_gets_nothing_of_bs_lessons(world, partner_a, role):
    client, _token = token_client(membership_of(partner_a, role))
    course_b = world["course_b"]
    lesson_b = course_b.lessons.order_by("position").first()
    before = b_state(world)
    upload = {"file": SimpleUploadedFile("x.mp4", b"not a video")}
    order = {"lessons": list(course_b.lessons.values_list("pk", flat=True))[::-1]}
    attempts = {
        "list b's lessons": client.get(f"{API}/courses/{course_b.pk}/lessons/"),
        "add to b's course": client.post(f"{API}/courses/{course_b.pk}/lessons/", LESSON, format="json"),
        "reorder b's course": client.post(f"{API}/courses/{course_b.pk}/reorder/", order, format="json"),
        "publish b's course": client.post(f"{API}/courses/{course_b.pk}/publish/"),
        "read b's lesson": client.get(f"{API}/lessons/{lesson_b.pk}/"),
        "patch b's lesson": client.patch(f"{API}/lessons/{lesson_b.pk}/", {"title_zh": "被改了"}, format="json"),
        "put b's lesson": client.put(f"{API}/lessons/{lesson_b.pk}/", LESSON, format="json"),
        "delete b's lesson": client.delete(f"{API}/lessons/{lesson_b.pk}/"),
        "upload to b's lesson": client.post(f"{API}/lessons/{lesson_b.pk}/media/", upload, format="multipart"),
        "guessed lesson": client.get(f"{API}/lessons/{lesson_b.pk + 1000}/"),
        "guessed course lessons": client.get(f"{API}/courses/{course_b.pk + 1000}/lessons/"),
    }

    assert {name: r.status_code for name, r in attempts.items() if r.status_code not in (403, 404)} == {}
    assert b_state(world) == before
    body = client.get(f"{API}/publish-requests/").content.decode()
    assert [secret for secret in B_SECRETS if secret in body] == []


@pytest.mark.parametrize("role", ROLES)
def test_only_owners_and_managers_write_lessons(partner_a, owner_a, draft_a, role):
    membership = membership_of(partner_a, role)
    client, _token = token_client(membership)
    if role == "instructor":  # an instructor reads the courses assigned to them
        draft_a.instructor_assignments.create(membership=membership)
    first = draft_a.lessons.order_by("position").first()
    before = positions(draft_a)

    codes = {
        "list": client.get(f"{API}/courses/{draft_a.pk}/lessons/").status_code,
        "read": client.get(f"{API}/lessons/{first.pk}/").status_code,
        "add": client.post(f"{API}/courses/{draft_a.pk}/lessons/", LESSON, format="json").status_code,
        "patch": client.patch(f"{API}/lessons/{first.pk}/", {"title_zh": "新"}, format="json").status_code,
        "delete": client.delete(f"{API}/lessons/{first.pk}/").status_code,
    }

    allowed = role in EDITORS
    assert codes == {"list": 200, "read": 200, "add": 201 if allowed else 403,
                     "patch": 200 if allowed else 403, "delete": 204 if allowed else 403}  # fmt: skip
    assert (positions(draft_a) == before) is not allowed


# ------------------------------------------------------------------------------ the writes
def test_a_manager_adds_edits_reorders_and_deletes_lessons(partner_a, draft_a):
    client, _token = token_client(membership_of(partner_a, "manager"))

    added = client.post(f"{API}/courses/{draft_a.pk}/lessons/", LESSON, format="json")
    assert added.status_code == 201
    assert added.json()["position"] == 4 and added.json()["course"] == draft_a.pk
    new_id = added.json()["id"]
    edited = client.patch(f"{API}/lessons/{new_id}/", {"title_zh": "构图进阶", "position": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["position"] == 4  # the position is reorder's
    ids = [row["id"] for row in client.get(f"{API}/courses/{draft_a.pk}/lessons/").json()]
    reordered = client.post(f"{API}/courses/{draft_a.pk}/reorder/", {"lessons": ids[::-1]}, format="json")
    assert reordered.status_code == 200
    assert [row["id"] for row in reordered.json()] == ids[::-1]
    assert [row["position"] for row in reordered.json()] == [1, 2, 3, 4]
    assert client.delete(f"{API}/lessons/{ids[0]}/").status_code == 204
    assert [p for p, _title in positions(draft_a)] == [1, 2, 3]
    assert positions(draft_a)[0][1] == "构图进阶"


@pytest.mark.parametrize(
    "body",
    [
        {"lessons": []},
        {"lessons": ["x"]},
        {"lessons": [-1]},
        {"lessons": [[1]]},
        {"lessons": list(range(1, 2000))},
        {"lessons": "1,2,3"},
        {},
    ],
)
def test_a_bad_reorder_is_a_400_or_409_and_changes_nothing(partner_a, draft_a, body):
    client, _token = token_client(membership_of(partner_a, "manager"))
    before = positions(draft_a)

    response = client.post(f"{API}/courses/{draft_a.pk}/reorder/", body, format="json")

    assert response.status_code in (400, 409)
    assert response.json()["code"]
    assert positions(draft_a) == before


def test_a_reorder_from_a_stale_read_is_a_409(partner_a, draft_a):
    client, _token = token_client(membership_of(partner_a, "manager"))
    ids = list(draft_a.lessons.order_by("position").values_list("pk", flat=True))
    client.post(f"{API}/courses/{draft_a.pk}/lessons/", LESSON, format="json")  # another manager adds one

    response = client.post(f"{API}/courses/{draft_a.pk}/reorder/", {"lessons": ids[::-1]}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "lessons_changed"


@pytest.mark.parametrize(
    "body",
    [
        {**LESSON, "title_zh": "长" * 100_000},
        {**LESSON, "kind": "hologram"},
        {**LESSON, "duration_minutes": -5},
        {**LESSON, "title_zh": {"nested": ["deep"]}},
        {"kind": "text"},
    ],
)
def test_bad_lesson_input_is_a_field_level_400(partner_a, draft_a, body):
    client, _token = token_client(membership_of(partner_a, "manager"))

    response = client.post(f"{API}/courses/{draft_a.pk}/lessons/", body, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]
    assert draft_a.lessons.count() == 3


def test_a_nul_in_a_lesson_is_refused_by_the_parser(partner_a, draft_a):
    client, _token = token_client(membership_of(partner_a, "manager"))

    response = client.post(f"{API}/courses/{draft_a.pk}/lessons/", {**LESSON, "title_zh": "a\x00b"}, format="json")

    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert draft_a.lessons.count() == 3


def test_the_last_lesson_of_a_published_course_stays(partner_a):
    client, _token = token_client(membership_of(partner_a, "manager"))
    course = CourseFactory(partners=[partner_a], status="published", lessons=1)

    response = client.delete(f"{API}/lessons/{course.lessons.get().pk}/")

    assert response.status_code == 400 and response.json()["code"] == "last_lesson"
    assert course.lessons.count() == 1


def test_a_media_upload_is_a_media_job_and_a_retry_with_its_key_gets_the_same_job(
    partner_a, draft_a, django_capture_on_commit_callbacks
):
    client, _token = token_client(membership_of(partner_a, "manager"))
    lesson = draft_a.lessons.order_by("position").first()
    lesson.kind = "video"
    lesson.save()
    video = media_helpers.video(seconds=1).read_bytes()

    responses = []
    for _ in range(2):
        with django_capture_on_commit_callbacks():  # the worker's task is not sent
            upload = SimpleUploadedFile("lesson.mp4", video, content_type="video/mp4")
            responses.append(
                client.post(f"{API}/lessons/{lesson.pk}/media/", {"file": upload}, HTTP_IDEMPOTENCY_KEY="upload-1")
            )

    assert [r.status_code for r in responses] == [202, 200]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert MediaJob.objects.filter(lesson=lesson).count() == 1


def test_a_text_lesson_takes_no_media_upload(partner_a, draft_a):
    client, _token = token_client(membership_of(partner_a, "manager"))
    lesson = draft_a.lessons.order_by("position").first()

    response = client.post(f"{API}/lessons/{lesson.pk}/media/", {"file": SimpleUploadedFile("a.mp4", b"x")})

    assert response.status_code == 400 and "file" in response.json()["extra"]["fields"]
    assert not MediaJob.objects.filter(lesson=lesson).exists()


# ------------------------------------------------------------------------------ publishing
def test_publishing_is_direct_when_no_approval_is_needed(partner_a, draft_a, settings):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = False
    client, _token = token_client(membership_of(partner_a, "manager"))

    response = client.post(f"{API}/courses/{draft_a.pk}/publish/")

    assert response.status_code == 200
    assert response.json() == {"course_status": "published", "publish_request": None}
    again = client.post(f"{API}/courses/{draft_a.pk}/publish/")
    assert again.status_code == 409 and again.json()["code"] == "already_published"


def test_publishing_asks_the_platform_once_when_approval_is_needed(partner_a, draft_a, settings):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = True
    client, _token = token_client(membership_of(partner_a, "manager"))

    first = client.post(f"{API}/courses/{draft_a.pk}/publish/")
    second = client.post(f"{API}/courses/{draft_a.pk}/publish/")  # a retry: the same open request

    assert first.status_code == second.status_code == 202
    assert first.json()["course_status"] == "draft"
    assert first.json()["publish_request"]["id"] == second.json()["publish_request"]["id"]
    assert PublishRequest.objects.filter(course=draft_a).count() == 1
    listed = client.get(f"{API}/publish-requests/").json()["results"]
    assert [(row["course"], row["status"]) for row in listed] == [(draft_a.slug, "pending")]
    assert Course.objects.get(pk=draft_a.pk).status == "draft"


def test_a_course_without_lessons_is_not_published(partner_a, owner_a, settings):
    settings.PARTNER_PUBLISH_NEEDS_APPROVAL = False
    client, _token = token_client(membership_of(partner_a, "owner"))
    course = CourseFactory(partners=[partner_a], status="draft", lessons=0)

    response = client.post(f"{API}/courses/{course.pk}/publish/")

    assert response.status_code == 400 and response.json()["code"] == "no_lessons"


# ------------------------------------------------------------------------------ query counts
def test_a_courses_lessons_cost_a_fixed_number_of_queries(partner_a, django_assert_max_num_queries):
    client, _token = token_client(membership_of(partner_a, "manager"))
    for count in (3, 30):
        course = CourseFactory(partners=[partner_a], lessons=count)
        client.get(f"{API}/courses/{course.pk}/lessons/")  # the token's last use is written once a minute
        # The token with its membership (2), the course (1), the lessons with their media and jobs (1).
        with django_assert_max_num_queries(4):
            response = client.get(f"{API}/courses/{course.pk}/lessons/")
        assert len(response.json()) == count
