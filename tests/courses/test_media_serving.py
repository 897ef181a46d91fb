"""Lesson files reach only who may open the lesson, through short-lived URLs signed for one learner."""

import time

import pytest
from django.core import signing

from courses import services
from courses.media import serving
from courses.models import Course, Enrollment
from courses.payments.sandbox import SandboxProvider
from tests.courses.media_helpers import installed_media
from tests.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db
DATA = bytes(range(256)) * 4096  # 1 MiB, every byte value at a known offset


@pytest.fixture
def paid_lesson(course):
    return LessonFactory(course=course, position=10, kind="video", is_free_preview=False)


@pytest.fixture
def rendition(paid_lesson):
    return installed_media(paid_lesson, DATA).renditions.get()


def enroll(learner, course):
    return Enrollment.objects.create(learner=learner, course=course)


def url_for(user, rendition) -> str:
    return serving.sign(user=user, kind="rendition", asset_id=rendition.pk)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_enrolled_learner_gets_the_file(client, learner, course, rendition):
    enroll(learner, course)
    client.force_login(learner)

    response = client.get(url_for(learner, rendition))

    assert response.status_code == 200 and body(response) == DATA
    assert response["Accept-Ranges"] == "bytes" and response["Content-Length"] == str(len(DATA))
    assert "private" in response["Cache-Control"]


def test_a_learner_not_enrolled_is_refused(client, learner, rendition):
    client.force_login(learner)
    assert client.get(url_for(learner, rendition)).status_code == 403


def test_a_refunded_learner_is_refused(client, learner, course, rendition):
    order = services.order_checkout(learner=learner, course=course)[0]
    services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    client.force_login(learner)
    url = url_for(learner, rendition)
    assert client.get(url).status_code == 200

    services.order_refund(order=order)

    assert client.get(url).status_code == 403


def test_an_expired_url_is_refused(client, learner, course, rendition, settings):
    enroll(learner, course)
    client.force_login(learner)
    url = url_for(learner, rendition)
    settings.MEDIA_URL_MAX_AGE_SECONDS = 1
    time.sleep(2.1)  # TimestampSigner counts whole seconds

    assert client.get(url).status_code == 403


def test_a_tampered_url_is_refused(client, learner, course, rendition):
    enroll(learner, course)
    client.force_login(learner)
    token = url_for(learner, rendition).rstrip("/").rsplit("/", 1)[1]
    payload, stamp, signature = token.rsplit(":", 2)
    forged = signing.b64_encode(b'{"u":%d,"k":"rendition","i":%d}' % (learner.pk, rendition.pk + 1)).decode()

    assert client.get(f"/learn/media/{forged}:{stamp}:{signature}/").status_code == 403
    assert client.get(f"/learn/media/{payload}:{stamp}:{signature[:-2]}xx/").status_code == 403


def test_another_learners_url_is_refused_even_when_both_are_enrolled(client, learner, other_learner, course, rendition):
    enroll(learner, course)
    enroll(other_learner, course)
    client.force_login(other_learner)

    assert client.get(url_for(learner, rendition)).status_code == 403
    assert client.get(url_for(other_learner, rendition)).status_code == 200


def test_a_visitor_opens_a_free_preview_lesson_only(client, course):
    preview = LessonFactory(course=course, position=11, is_free_preview=True, kind="video")
    open_file = installed_media(preview, DATA).renditions.get()
    locked = installed_media(LessonFactory(course=course, position=12, kind="video"), DATA).renditions.get()
    visitor = client.get("/").wsgi_request.user

    assert client.get(url_for(visitor, open_file)).status_code == 200
    assert client.get(url_for(visitor, locked)).status_code == 403


def test_a_draft_courses_preview_stays_closed(client, learner):
    draft = CourseFactory(status=Course.Status.DRAFT, lessons=0)
    rendition = installed_media(LessonFactory(course=draft, is_free_preview=True), DATA).renditions.get()
    client.force_login(learner)
    assert client.get(url_for(learner, rendition)).status_code == 403


@pytest.mark.parametrize(
    "header, first, last",
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, len(DATA) - 1), ("bytes=-500", len(DATA) - 500, len(DATA) - 1),
     ("bytes=524288-524288", 524288, 524288), ("bytes=1048000-9999999", 1048000, len(DATA) - 1)],
)  # fmt: skip
def test_range_requests_get_206_with_exactly_those_bytes(client, learner, course, rendition, header, first, last):
    enroll(learner, course)
    client.force_login(learner)

    response = client.get(url_for(learner, rendition), headers={"range": header})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == DATA[first : last + 1]


def test_a_range_past_the_end_gets_416(client, learner, course, rendition):
    enroll(learner, course)
    client.force_login(learner)

    response = client.get(url_for(learner, rendition), headers={"range": f"bytes={len(DATA)}-"})

    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(DATA)}"


def test_production_hands_the_bytes_to_nginx(client, learner, course, rendition, settings):
    settings.MEDIA_SERVE_MODE = "x-accel-redirect"
    enroll(learner, course)
    client.force_login(learner)

    response = client.get(url_for(learner, rendition), headers={"range": "bytes=0-9"})

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{rendition.file.name}"


def test_the_player_renews_its_urls(client, learner, course, rendition, paid_lesson):
    enroll(learner, course)
    client.force_login(learner)

    data = client.get(f"/courses/{course.slug}/lessons/{paid_lesson.position}/media/").json()

    assert data["expires_in"] > 0 and data["poster"]
    (source,) = data["sources"]
    assert source["label"] == "360p" and client.get(source["url"]).status_code == 200


def test_the_renewal_endpoint_refuses_who_may_not_open_the_lesson(client, other_learner, course, paid_lesson):
    client.force_login(other_learner)
    assert client.get(f"/courses/{course.slug}/lessons/{paid_lesson.position}/media/").status_code == 403


def test_protected_files_are_not_under_the_public_media_url(settings, rendition):
    assert not str(rendition.file.path).startswith(str(settings.MEDIA_ROOT))


def test_serving_keeps_memory_flat(client, learner, course, paid_lesson, tmp_path):
    """A 64 MiB file streamed whole grows the process by far less than its size."""
    import resource

    from django.core.files import File

    from courses.models import LessonMedia, MediaRendition

    big = tmp_path / "big.mp4"
    with big.open("wb") as out:
        out.truncate(64 * 1024 * 1024)
    media = LessonMedia.objects.create(lesson=paid_lesson, duration_seconds=60)
    rendition = MediaRendition(media=media, label="720p", content_type="video/mp4")
    with big.open("rb") as handle:
        rendition.file.save("big.mp4", File(handle), save=True)
    enroll(learner, course)
    client.force_login(learner)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    response = client.get(url_for(learner, rendition), headers={"range": "bytes=0-"})
    total = sum(len(block) for block in response.streaming_content)

    assert total == 64 * 1024 * 1024
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 32 * 1024  # KiB
