import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from courses.models import Enrollment
from learning import assignments, services
from learning.artwork import ImageRefused
from learning.models import Assignment, Submission, SubmissionImage
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from tests.factories import UserFactory
from tests.learning import artwork_helpers as art

RUBRIC = [
    {"name_zh": "构图", "name_en": "Composition", "max_points": 10},
    {"name_zh": "色彩", "name_en": "Colour", "max_points": 5},
]


@pytest.fixture
def lesson(course):
    return course.lessons.get(position=2)


@pytest.fixture
def assignment(lesson):
    return assignments.assignment_save(
        lesson=lesson, brief_zh="画一幅静物", brief_en="Paint a still life", rubric=RUBRIC
    )


@pytest.fixture
def enrolled(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    return learner


def stored_files() -> list[Path]:
    root = Path(settings.PROTECTED_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


def submit(learner, assignment, *images, note=""):
    return assignments.submission_create(learner=learner, assignment=assignment, images=list(images), note=note)


# ------------------------------------------------------------------------------ rubric
@pytest.mark.parametrize(
    "rubric",
    [
        [],
        "composition",
        [{"name_zh": "构图", "max_points": 0}],
        [{"name_zh": "构图", "max_points": 101}],
        [{"name_zh": "", "max_points": 5}],
        [{"name_zh": "构图", "max_points": "5"}],
        [{"name_zh": "构图", "max_points": True}],
        [{"name_zh": "构图", "max_points": 5}] * 11,
    ],
)
def test_rejects_malformed_rubric_with_field_message(lesson, rubric):
    with pytest.raises(ApplicationError) as error:
        assignments.assignment_save(lesson=lesson, brief_zh="画", rubric=rubric)
    assert "rubric" in error.value.extra["fields"]
    assert not Assignment.objects.exists()


def test_saves_bilingual_brief_and_rubric(assignment):
    assert assignment.brief_zh == "画一幅静物" and assignment.max_points == 15
    assert assignment.rubric[0] == {"name_zh": "构图", "name_en": "Composition", "max_points": 10}


# ------------------------------------------------------------------------------ submissions
def test_enrolled_learner_submits_images_with_thumbnails(enrolled, assignment):
    submission = submit(enrolled, assignment, art.jpeg(), art.png(), art.webp())
    images = list(submission.images.order_by("position"))
    assert [i.content_type for i in images] == ["image/jpeg", "image/png", "image/webp"]
    assert submission.attempt == 1 and submission.status == Submission.Status.SUBMITTED
    with images[0].thumbnail.open("rb") as handle:
        thumb = Image.open(handle)
        assert max(thumb.size) <= settings.ASSIGNMENT_THUMBNAIL_SIZE
    assert len(stored_files()) == 6


def test_refuses_learner_not_enrolled(learner, assignment):
    with pytest.raises(NotPermitted):
        submit(learner, assignment, art.jpeg())
    assert not Submission.objects.exists() and not stored_files()


def test_refuses_learner_whose_enrollment_was_refunded(enrolled, course, assignment):
    Enrollment.objects.filter(learner=enrolled).update(status=Enrollment.Status.REVOKED)
    with pytest.raises(NotPermitted):
        submit(enrolled, assignment, art.jpeg())


def test_refuses_more_images_than_the_setting(enrolled, assignment, settings):
    settings.ASSIGNMENT_MAX_IMAGES = 2
    with pytest.raises(ApplicationError) as error:
        submit(enrolled, assignment, art.jpeg(), art.jpeg(), art.jpeg())
    assert error.value.code == "too_many_images" and "images" in error.value.extra["fields"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (art.renamed_executable, "not_an_image"),
        (art.png_bomb, "too_many_pixels"),
        (art.truncated_jpeg, "damaged"),
        (lambda: art.oversize(settings.ASSIGNMENT_MAX_IMAGE_BYTES), "too_large"),
    ],
    ids=["renamed-executable", "png-bomb-20000x20000", "truncated-jpeg", "over-size"],
)
def test_refuses_bad_upload_and_stores_nothing(enrolled, assignment, make, code):
    good = art.jpeg()
    with pytest.raises(ApplicationError) as error:
        submit(enrolled, assignment, good, make())  # a good image beside it is not kept either
    assert error.value.extra["codes"] == [code] and len(error.value.extra["fields"]["images"]) == 1
    assert not Submission.objects.exists() and not SubmissionImage.objects.exists()
    assert stored_files() == []


def test_bomb_is_refused_before_decoding(enrolled, assignment, settings):
    settings.ASSIGNMENT_MAX_PIXELS = 10_000  # a 640x480 JPEG is over it: refused from the header
    with pytest.raises(ApplicationError) as error:
        submit(enrolled, assignment, art.jpeg())
    assert error.value.extra["codes"] == ["too_many_pixels"]


def test_files_written_before_a_failure_are_removed(enrolled, assignment, monkeypatch):
    calls = {"n": 0}
    original = SubmissionImage.save

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SubmissionImage, "save", failing_save)
    with pytest.raises(OSError):
        submit(enrolled, assignment, art.jpeg(), art.png())
    assert not Submission.objects.exists() and stored_files() == []


def test_exif_gps_is_stripped_and_orientation_kept(enrolled, assignment):
    upload = art.jpeg(size=(400, 200), exif=art.gps_exif())
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)  # the upload has GPS
    upload.seek(0)
    image = submit(enrolled, assignment, upload).images.get()
    with image.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        exif = stored.getexif()
        assert 0x8825 not in exif and 0x010F not in exif and not stored.info.get("exif")
        assert stored.size == (200, 400)  # turned upright by its orientation tag, which is gone
    assert (image.width, image.height) == (200, 400)


def test_heic_is_read_by_content_and_stored_as_jpeg_without_exif(enrolled, assignment):
    upload = art.heic(name="photo.png", size=(400, 200), exif=art.gps_exif())  # the name lies; the bytes decide
    image = submit(enrolled, assignment, upload).images.get()
    assert (image.content_type, image.file.name.rsplit(".", 1)[-1]) == ("image/jpeg", "jpg")
    with image.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and not stored.info.get("exif") and 0x8825 not in stored.getexif()
        assert stored.size == (200, 400)  # upright, as the camera's orientation said
    with image.thumbnail.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"


def test_heic_with_too_many_pixels_is_refused_before_decoding(enrolled, assignment, settings):
    settings.ASSIGNMENT_MAX_PIXELS = 100_000
    with pytest.raises(ImageRefused) as error:
        submit(enrolled, assignment, art.heic(size=(640, 480)))
    assert error.value.extra["codes"] == ["too_many_pixels"]
    assert not Submission.objects.exists() and stored_files() == []


def test_a_cut_off_heic_is_refused_as_damaged(enrolled, assignment):
    data = art.heic(size=(640, 480)).read()
    cut = art.SimpleUploadedFile("cut.heic", data[: len(data) * 2 // 3], content_type="image/heic")
    with pytest.raises(ImageRefused) as error:
        submit(enrolled, assignment, cut)
    assert error.value.extra["codes"][0] in ("damaged", "not_an_image")
    assert not Submission.objects.exists() and stored_files() == []


def test_second_submission_waits_for_review(enrolled, assignment):
    submit(enrolled, assignment, art.jpeg())
    with pytest.raises(Conflict):
        submit(enrolled, assignment, art.jpeg())
    assert Submission.objects.count() == 1 and len(stored_files()) == 2


def test_resubmission_keeps_history_with_next_attempt(enrolled, assignment, manager):
    first = submit(enrolled, assignment, art.jpeg())
    assignments.submission_review(reviewer=manager, submission=first, decision="resubmit", grades=[3, 2],
                                  comment="再试一次")  # fmt: skip
    second = submit(enrolled, assignment, art.png())
    assert second.attempt == 2
    first.refresh_from_db()
    assert first.status == "resubmit" and first.comment == "再试一次" and first.images.count() == 1


# ------------------------------------------------------------------------------ feedback
@pytest.mark.parametrize("grades", [[11, 5], [10, 6], [-1, 0], [10], [10, 5, 1], ["10", 5], [10.5, 5], None])
def test_rejects_grades_outside_the_rubric(enrolled, assignment, manager, grades):
    submission = submit(enrolled, assignment, art.jpeg())
    with pytest.raises(ApplicationError) as error:
        assignments.submission_review(reviewer=manager, submission=submission, decision="passed", grades=grades)
    assert error.value.extra["fields"]
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.score is None


def test_pass_records_grades_and_score(enrolled, assignment, manager):
    submission = submit(enrolled, assignment, art.jpeg())
    reviewed = assignments.submission_review(reviewer=manager, submission=submission, decision="passed",
                                             grades=[9, 5], comment="很好")  # fmt: skip
    assert reviewed.status == "passed" and reviewed.score == 14 and reviewed.reviewed_by == manager
    with pytest.raises(Conflict):
        assignments.submission_review(reviewer=manager, submission=submission, decision="resubmit", grades=[0, 0])


# ------------------------------------------------------------------------------ gallery and completion
def test_only_a_passed_work_is_published_by_its_author(enrolled, assignment, manager, other_learner):
    submission = submit(enrolled, assignment, art.jpeg())
    with pytest.raises(ApplicationError):
        assignments.submission_publish(learner=enrolled, submission=submission)
    assignments.submission_review(reviewer=manager, submission=submission, decision="passed", grades=[1, 1])
    with pytest.raises(NotPermitted):
        assignments.submission_publish(learner=other_learner, submission=submission)
    assert assignments.submission_publish(learner=enrolled, submission=submission).is_published
    assert not assignments.submission_unpublish(learner=enrolled, submission=submission).is_published


def _complete_lessons(learner, course):
    from learning.models import LessonProgress

    for lesson in course.lessons.all():
        LessonProgress.objects.create(learner=learner, lesson=lesson, completed_at="2026-01-01T00:00Z")


def test_certificate_waits_for_a_required_assignment(enrolled, course, assignment, manager):
    Assignment.objects.filter(pk=assignment.pk).update(required_for_completion=True)
    _complete_lessons(enrolled, course)
    with pytest.raises(ApplicationError) as error:
        services.certificate_issue(learner=enrolled, course=course, name="Alice")
    assert error.value.code == "assignment_not_passed"
    submission = submit(enrolled, assignment, art.jpeg())
    assignments.submission_review(reviewer=manager, submission=submission, decision="passed", grades=[5, 5])
    assert services.certificate_issue(learner=enrolled, course=course, name="Alice").serial


def test_optional_assignment_does_not_hold_the_certificate(enrolled, course, assignment):
    _complete_lessons(enrolled, course)
    assert services.certificate_issue(learner=enrolled, course=course, name="Alice").serial


def test_another_learners_pass_does_not_count(enrolled, course, assignment, manager):
    Assignment.objects.filter(pk=assignment.pk).update(required_for_completion=True)
    other = UserFactory()
    Enrollment.objects.create(learner=other, course=course)
    submission = submit(other, assignment, art.jpeg())
    assignments.submission_review(reviewer=manager, submission=submission, decision="passed", grades=[5, 5])
    _complete_lessons(enrolled, course)
    with pytest.raises(ApplicationError):
        services.certificate_issue(learner=enrolled, course=course, name="Alice")


# ------------------------------------------------------------------------------ admin
def test_admin_refuses_a_bad_rubric_at_its_field_and_saves_a_good_one(client, lesson):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = "/admin/learning/assignment/add/"
    data = {
        "lesson": lesson.pk,
        "brief_zh": "画一幅静物",
        "brief_en": "",
        "rubric": '[{"name_zh": "构图", "max_points": 500}]',
        "work": "clip",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors["rubric"]
    data["rubric"] = '[{"name_zh": "构图", "max_points": 10}]'
    assert client.post(url, data).status_code == 302
    saved = Assignment.objects.get()
    assert saved.rubric == [{"name_zh": "构图", "name_en": "", "max_points": 10}] and saved.work == "clip"


# ------------------------------------------------------------------------------ feedback mail
def test_feedback_is_mailed_to_the_learner_in_both_languages(enrolled, assignment, manager,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    from django.core import mail

    enrolled.email = "alice@example.com"
    enrolled.save()
    submission = submit(enrolled, assignment, art.jpeg())
    with django_capture_on_commit_callbacks() as callbacks:
        assignments.submission_review(reviewer=manager, submission=submission, decision="resubmit", grades=[3, 2],
                                      comment="再画一次", base_url="https://courses.example.com/")  # fmt: skip
    assert len([c for c in callbacks if "send" in c.__qualname__]) == 1  # queued once committed
    assert assignments.feedback_mail_send(submission_id=submission.pk, base_url="https://courses.example.com/")
    message = mail.outbox[-1]
    assert message.to == ["alice@example.com"] and "作品已批改" in message.subject
    assert "Your work has been reviewed" in message.subject and "再画一次" in message.body
    assert f"https://courses.example.com/learn/lessons/{assignment.lesson_id}/assignment/" in message.body


def test_course_managers_may_set_assignments_in_the_admin(manager):
    assert manager.has_perm("learning.add_assignment") and manager.has_perm("learning.change_assignment")
    assert manager.has_perm("learning.view_submission") and not manager.has_perm("learning.change_submission")
