"""Clips for music and performance assignments: checked by content at upload, converted by the
media job with real ffmpeg, played only by the learner, the course's instructors and managers."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from courses.media import ffmpeg
from jobs.models import JobStatus
from learning import assignments, clips
from learning.models import Assignment, Submission, SubmissionClip
from platform_site.exceptions import ApplicationError, Conflict
from tests.courses import media_helpers
from tests.learning import artwork_helpers as art

pytestmark = pytest.mark.django_db

RUBRIC = [{"name_zh": "音准", "name_en": "Intonation", "max_points": 10}]


def stored_files() -> list[Path]:
    return [path for path in Path(settings.PROTECTED_MEDIA_ROOT).rglob("*") if path.is_file()]


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def assignment(world):
    return assignments.assignment_save(lesson=world["lesson"], brief_zh="弹一段音阶", brief_en="Play a scale",
                                       rubric=RUBRIC, work=Assignment.Work.CLIP)  # fmt: skip


def submit(learner, assignment, clip, note=""):
    return assignments.submission_create(learner=learner, assignment=assignment, clip=clip, note=note)


def run_job(clip_id: int) -> SubmissionClip:
    """Run the clip's job as the media worker would (synchronously, real ffmpeg, its commits kept)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = clips.clip_job_run(job_id=clip_id)
    assert job is not None
    return job


def converted(learner, assignment, clip) -> SubmissionClip:
    return run_job(submit(learner, assignment, clip).clip.pk)


def cut_off_video(tmp_path: Path) -> Path:
    """A video whose index comes first, cut in half: its header promises 3 s, its body holds less."""
    whole = tmp_path / "whole.mp4"
    ffmpeg._run(["-i", str(media_helpers.video(3, 640, 360)), "-c", "copy", "-movflags", "+faststart", str(whole)],
                duration=0, on_progress=None, timeout=60)  # fmt: skip
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return cut


# ------------------------------------------------------------------------------ the service
def test_a_video_clip_is_kept_then_converted_to_one_mp4_and_a_poster(
    world, assignment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        submission = submit(world["learner_a"], assignment, upload(media_helpers.video(3, 1280, 720), "take.mov"))
    clip = submission.clip
    assert clip.status == JobStatus.QUEUED and clip.kind == "video" and clip.source and not clip.file
    assert clip.duration_seconds == pytest.approx(3, abs=0.2) and len(queued) == 1  # the task, after commit

    job = run_job(clip.pk)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.content_type == "video/mp4" and not job.source and job.poster
    out = ffmpeg.probe(Path(job.file.path))
    assert (out.height, out.video_codec, out.audio_codec) == (720, "h264", "aac")  # one rendition, tallest
    assert sorted(p.name for p in stored_files()) == ["clip.mp4", "poster.jpg"]  # the upload is gone


def test_an_audio_clip_becomes_aac(world, assignment):
    job = converted(world["learner_a"], assignment, upload(media_helpers.audio(2), "scale.wav"))
    assert job.status == JobStatus.SUCCEEDED and job.kind == "audio" and job.content_type == "audio/mp4"
    assert not job.poster and ffmpeg.probe(Path(job.file.path)).audio_codec == "aac"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: SimpleUploadedFile("performance.mp4", b"not a video at all, just text " * 300), "not_media"),
        (lambda: SimpleUploadedFile("performance.mp4", art.png().read()), "not_media"),  # a still image
        (lambda: art.renamed_executable(), "not_media"),
    ],
    ids=["text-renamed-mp4", "png-renamed-mp4", "executable"],
)
def test_a_non_media_file_is_refused_with_a_translated_message_and_nothing_kept(world, assignment, make, code):
    with translation.override("zh-hans"), pytest.raises(clips.ClipRefused) as error:
        submit(world["learner_a"], assignment, make())
    assert error.value.code == code and "不是" in error.value.extra["fields"]["clip"][0]
    assert not Submission.objects.exists() and not SubmissionClip.objects.exists() and stored_files() == []


def test_a_clip_longer_than_the_limit_is_refused(world, assignment, settings):
    settings.ASSIGNMENT_MAX_CLIP_SECONDS = 2
    with pytest.raises(clips.ClipRefused) as error:
        submit(world["learner_a"], assignment, upload(media_helpers.video(3, 320, 240)))
    assert error.value.code == "too_long" and stored_files() == []


def test_a_clip_larger_than_the_limit_is_refused_before_it_is_read(world, assignment, settings):
    settings.ASSIGNMENT_MAX_CLIP_BYTES = 1024
    with pytest.raises(clips.ClipRefused) as error:
        submit(world["learner_a"], assignment, upload(media_helpers.audio(2)))
    assert error.value.code == "too_large" and stored_files() == []


def test_a_clip_assignment_asks_for_a_clip_not_images(world, assignment):
    with pytest.raises(ApplicationError) as error:
        assignments.submission_create(learner=world["learner_a"], assignment=assignment, images=[art.jpeg()])
    assert "clip" in error.value.extra["fields"] and not Submission.objects.exists()


def test_a_cut_off_clip_fails_its_job_and_may_be_replaced(world, assignment, tmp_path):
    failed = converted(world["learner_a"], assignment, upload(cut_off_video(tmp_path)))
    assert failed.status == JobStatus.FAILED and failed.error_code in ("truncated", "decode_failed")
    assert failed.source and not failed.file  # the upload kept until replaced
    with translation.override("en"):
        assert "Export it again" in failed.failure_message()

    with TestCase.captureOnCommitCallbacks(execute=True):  # the failed one's files go after commit
        again = converted(world["learner_a"], assignment, upload(media_helpers.audio(2)))

    assert again.status == JobStatus.SUCCEEDED and again.submission.attempt == 1
    assert Submission.objects.filter(learner=world["learner_a"]).count() == 1
    assert not SubmissionClip.objects.filter(pk=failed.pk).exists()
    assert all(p.name != "source" for p in stored_files())  # the failed upload went with it


def test_a_clip_being_converted_waits_for_review_and_is_not_replaced(world, assignment):
    submission = submit(world["learner_a"], assignment, upload(media_helpers.audio(2)))
    with pytest.raises(Conflict):
        submit(world["learner_a"], assignment, upload(media_helpers.audio(2)))
    with pytest.raises(Conflict) as error:
        assignments.submission_review(reviewer=world["instructor"], submission=submission, decision="passed",
                                      grades=[5])  # fmt: skip
    assert error.value.code == "clip_processing"


def test_a_passed_clip_stays_out_of_the_gallery(world, assignment):
    job = converted(world["learner_a"], assignment, upload(media_helpers.audio(2)))
    assignments.submission_review(reviewer=world["instructor"], submission=job.submission, decision="passed",
                                  grades=[9])  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        assignments.submission_publish(learner=world["learner_a"], submission=job.submission)
    assert error.value.code == "not_images"


def test_the_reaper_looks_after_clip_jobs(world, assignment):
    from jobs import registry

    assert SubmissionClip in [kind.model for kind in registry.kinds()]


# ------------------------------------------------------------------------------ the pages
def test_learner_submits_a_clip_sees_it_converting_then_plays_it(client, world, assignment):
    client.force_login(world["learner_a"])
    url = reverse("learning:assignment", args=[assignment.lesson_id])
    response = client.post(url, {"clip": upload(media_helpers.video(2, 640, 360), "take.mp4"), "note": "第一遍"})
    assert response.status_code == 302
    clip = SubmissionClip.objects.get(submission__learner=world["learner_a"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="clip-processing"' in page and "正在转码" in page
    assert client.get(reverse("learning:clip-own", args=[clip.pk, "file"])).status_code == 404  # not yet

    run_job(clip.pk)

    page = client.get(url).content.decode()
    file_url = reverse("learning:clip-own", args=[clip.pk, "file"])
    assert 'data-testid="clip-player"' in page and file_url in page
    ranged = client.get(file_url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged["Content-Type"] == "video/mp4" and len(b"".join(ranged)) == 100
    assert client.get(reverse("learning:clip-own", args=[clip.pk, "poster"])).status_code == 200
    lesson_page = client.get(world["lesson"].get_absolute_url()).content.decode()
    assert 'data-testid="box-clip-player"' in lesson_page


def test_a_renamed_file_is_refused_at_the_field_in_chinese(client, world, assignment):
    client.force_login(world["learner_a"])
    fake = SimpleUploadedFile("performance.mp4", b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 500)
    response = client.post(reverse("learning:assignment", args=[assignment.lesson_id]), {"clip": fake},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert response.status_code == 400
    assert "不是可以播放的音频或视频" in response.context["form"].errors["clip"][0]
    assert 'data-testid="clip-error"' in response.content.decode()
    assert not Submission.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    "data",
    [
        {"note": "x"},
        {"clip": SimpleUploadedFile("empty.mp4", b"")},
        {"clip": SimpleUploadedFile("nul.mp4", b"\x00" * 4096)},
    ],
    ids=["no-clip", "empty-file", "nul-bytes"],
)
def test_page_without_a_playable_clip_refuses_it_at_the_field(client, world, assignment, data):
    client.force_login(world["learner_a"])
    response = client.post(reverse("learning:assignment", args=[assignment.lesson_id]), data,
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert response.status_code == 400 and response.context["form"].errors["clip"]
    assert not SubmissionClip.objects.exists() and stored_files() == []


@pytest.fixture
def clip_of_a(world, assignment):
    return converted(world["learner_a"], assignment, upload(media_helpers.video(2, 640, 360)))


@pytest.mark.parametrize("kind", ["file", "poster"])
def test_another_learner_and_another_partners_instructor_get_404(client, world, clip_of_a, kind):
    client.force_login(world["learner_b"])
    assert client.get(reverse("learning:clip-own", args=[clip_of_a.pk, kind])).status_code == 404
    client.force_login(world["other_instructor"])
    assert client.get(reverse("partners:clip", args=[clip_of_a.pk, kind])).status_code == 404
    assert client.get(reverse("learning:clip-own", args=[clip_of_a.pk, kind])).status_code == 404
    assert client.get(reverse("partners:submission", args=[clip_of_a.submission_id])).status_code == 404


def test_an_instructor_of_the_partner_not_assigned_to_the_course_gets_404(client, world, clip_of_a):
    from tests.factories import MembershipFactory, UserFactory

    unassigned = MembershipFactory(partner=world["course"].partners.get(), role="instructor", user=UserFactory())
    client.force_login(unassigned.user)
    assert client.get(reverse("partners:clip", args=[clip_of_a.pk, "file"])).status_code == 404


@pytest.mark.parametrize("who", ["instructor", "partner_manager"])
def test_the_courses_instructor_and_partner_manager_play_it_on_the_review_page(client, world, clip_of_a, who):
    client.force_login(world[who])
    page = client.get(reverse("partners:submission", args=[clip_of_a.submission_id]))
    file_url = reverse("partners:clip", args=[clip_of_a.pk, "file"])
    assert page.status_code == 200 and file_url in page.content.decode()
    response = client.get(file_url, HTTP_RANGE="bytes=0-")
    assert response.status_code == 206 and response["Cache-Control"].startswith("private")
    queue = client.get(reverse("partners:submissions")).content.decode()
    assert 'data-testid="queue-clip"' in queue


def test_a_platform_manager_plays_it_in_the_admin(client, world, clip_of_a, admin_user):
    client.force_login(world["platform_manager"])
    file_url = reverse("learning:clip-own", args=[clip_of_a.pk, "file"])
    assert client.get(file_url).status_code == 200
    client.force_login(admin_user)
    page = client.get(reverse("admin:learning_submission_change", args=[clip_of_a.submission_id]))
    assert page.status_code == 200 and file_url in page.content.decode()


def test_bad_kind_is_404(client, world, clip_of_a):
    client.force_login(world["learner_a"])
    assert client.get(reverse("learning:clip-own", args=[clip_of_a.pk, "source"])).status_code == 404


def test_review_queue_with_clips_costs_fixed_queries(client, world, assignment, django_assert_max_num_queries):
    from courses.models import Enrollment
    from tests.factories import UserFactory

    for _ in range(4):
        user = UserFactory()
        Enrollment.objects.create(learner=user, course=world["course"])
        submit(user, assignment, upload(media_helpers.audio(2)))
    client.force_login(world["instructor"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("partners:submissions"))
    assert len(response.context["page"].object_list) == 4
