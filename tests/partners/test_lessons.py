"""Lessons in the workspace: a partner's owners and managers create, edit, reorder and delete its
courses' lessons and upload their media; positions stay 1..n and unique."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from courses.media.jobs import media_job_run
from courses.models import Lesson, MediaJob
from learning.models import Assignment, Submission
from partners import lessons
from platform_site.exceptions import ApplicationError, Conflict, NotPermitted
from tests.courses import media_helpers
from tests.factories import CourseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LESSON = {"title_zh": "构图基础", "title_en": "Composition", "kind": "text", "duration_minutes": 12,
          "is_required": "on", "body_zh": "正文", "body_en": "Body"}  # fmt: skip


def titles(course) -> list[str]:
    return list(Lesson.objects.filter(course=course).order_by("position").values_list("title_zh", flat=True))


def positions(course) -> list[int]:
    return list(Lesson.objects.filter(course=course).order_by("position").values_list("position", flat=True))


@pytest.fixture
def manager_a(partner_a):
    return MembershipFactory(partner=partner_a, user=UserFactory(username="manager-a"), role="manager")


@pytest.fixture
def course_a(partner_a):
    return CourseFactory(partners=[partner_a], title_zh="水墨课", status="draft", lessons=3)


def test_a_manager_adds_a_lesson_at_the_end_and_edits_it(client, manager_a, course_a):
    client.force_login(manager_a.user)

    response = client.post(reverse("partners:lesson-create", args=[course_a.pk]), LESSON)

    lesson = Lesson.objects.get(course=course_a, title_zh="构图基础")
    assert response.status_code == 302 and lesson.position == 4
    edited = {**LESSON, "title_zh": "构图进阶", "kind": "video"}
    assert client.post(reverse("partners:lesson-edit", args=[lesson.pk]), edited).status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title_zh, lesson.kind, lesson.position) == ("构图进阶", "video", 4)


def test_a_lesson_form_with_bad_input_answers_with_messages_not_an_error(client, manager_a, course_a):
    client.force_login(manager_a.user)
    bad = {**LESSON, "title_zh": "x\x00y", "duration_minutes": "-5", "kind": "hologram"}

    response = client.post(reverse("partners:lesson-create", args=[course_a.pk]), bad)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title_zh", "duration_minutes", "kind"}
    assert Lesson.objects.filter(course=course_a).count() == 3


def test_moving_a_lesson_renumbers_the_course_one_to_n(client, manager_a, course_a):
    client.force_login(manager_a.user)
    first, second, third = Lesson.objects.filter(course=course_a).order_by("position")

    client.post(reverse("partners:lesson-move", args=[third.pk]), {"direction": "up"})
    client.post(reverse("partners:lesson-move", args=[third.pk]), {"direction": "up"})
    client.post(reverse("partners:lesson-move", args=[third.pk]), {"direction": "up"})  # at the top: stays

    assert titles(course_a) == [third.title_zh, first.title_zh, second.title_zh]
    assert positions(course_a) == [1, 2, 3]
    assert client.post(reverse("partners:lesson-move", args=[first.pk]), {"direction": "sideways"}).status_code == 400


def test_a_reorder_from_a_stale_page_is_refused_and_changes_nothing(manager_a, course_a):
    ids = list(Lesson.objects.filter(course=course_a).order_by("position").values_list("pk", flat=True))

    for stale in ([ids[2], ids[0]], [ids[2], ids[0], ids[1], 99999], [ids[0], ids[0], ids[1]]):
        with pytest.raises(Conflict):
            lessons.lessons_reorder(actor=manager_a, course=course_a, lesson_ids=stale)

    assert positions(course_a) == [1, 2, 3]
    lessons.lessons_reorder(actor=manager_a, course=course_a, lesson_ids=[ids[2], ids[1], ids[0]])
    assert list(Lesson.objects.filter(course=course_a).order_by("position").values_list("pk", flat=True)) == ids[::-1]


def test_deleting_a_lesson_closes_the_gap(client, manager_a, course_a):
    client.force_login(manager_a.user)
    middle = Lesson.objects.get(course=course_a, position=2)

    assert client.post(reverse("partners:lesson-delete", args=[middle.pk])).status_code == 302

    assert positions(course_a) == [1, 2]
    assert not Lesson.objects.filter(pk=middle.pk).exists()


def test_the_last_lesson_of_a_published_course_and_a_lesson_with_learners_work_stay(manager_a, partner_a):
    published = CourseFactory(partners=[partner_a], status="published", lessons=1)
    with pytest.raises(ApplicationError, match=r"至少|at least"):
        lessons.lesson_delete(actor=manager_a, lesson=published.lessons.get())
    draft = CourseFactory(partners=[partner_a], status="draft", lessons=2)
    worked = draft.lessons.get(position=1)
    assignment = Assignment.objects.create(lesson=worked, brief_zh="画一棵树")
    Submission.objects.create(assignment=assignment, learner=UserFactory())

    with pytest.raises(ApplicationError) as refused:
        lessons.lesson_delete(actor=manager_a, lesson=worked)

    assert refused.value.code == "lesson_has_work"
    assert Lesson.objects.filter(course=draft).count() == 2 and published.lessons.count() == 1


@pytest.mark.parametrize("role", ["instructor", "analyst"])
def test_instructors_and_analysts_cannot_write_lessons(partner_a, course_a, role):
    member = MembershipFactory(partner=partner_a, role=role)
    lesson = course_a.lessons.first()

    for write in (
        lambda: lessons.lesson_create(actor=member, course=course_a, **LESSON),
        lambda: lessons.lesson_update(actor=member, lesson=lesson, title_zh="改"),
        lambda: lessons.lesson_move(actor=member, lesson=lesson, offset=1),
        lambda: lessons.lesson_delete(actor=member, lesson=lesson),
    ):
        with pytest.raises(NotPermitted):
            write()
    assert titles(course_a) == [lesson.title_zh, *titles(course_a)[1:]] and positions(course_a) == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_adding_lessons_at_once_get_distinct_positions(partner_a):
    manager = MembershipFactory(partner=partner_a, role="manager")
    course = CourseFactory(partners=[partner_a], status="draft", lessons=1)
    barrier, errors = threading.Barrier(6), []

    def add(n: int) -> None:
        try:
            barrier.wait()
            lessons.lesson_create(actor=manager, course=course, title_zh=f"并发{n}", kind="text")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert positions(course) == [1, 2, 3, 4, 5, 6, 7]


def test_a_media_upload_runs_the_media_job_and_the_lesson_gets_its_video(
    client, manager_a, course_a, django_capture_on_commit_callbacks
):
    lesson = course_a.lessons.get(position=1)
    lesson.kind = "video"
    lesson.save()
    client.force_login(manager_a.user)
    video = media_helpers.video(seconds=2)

    with django_capture_on_commit_callbacks():  # the worker's task is not sent: the job runs here
        response = client.post(
            reverse("partners:lesson-media", args=[lesson.pk]),
            {"file": SimpleUploadedFile("lesson.mp4", video.read_bytes(), content_type="video/mp4")},
        )
    assert response.status_code == 302
    job = MediaJob.objects.get(lesson=lesson)
    assert job.created_by == manager_a.user and job.status == "queued"
    media_job_run(job_id=job.pk)  # real ffmpeg, as the media worker runs it

    job.refresh_from_db()
    assert job.status == "succeeded"
    assert Lesson.objects.get(pk=lesson.pk).media.renditions.exists()
    page = client.get(reverse("partners:lessons", args=[course_a.pk])).content.decode()
    assert "lesson-row" in page


def test_a_text_lesson_takes_no_media(client, manager_a, course_a):
    lesson = course_a.lessons.get(position=1)
    client.force_login(manager_a.user)

    client.post(reverse("partners:lesson-media", args=[lesson.pk]), {"file": SimpleUploadedFile("a.mp4", b"x")})

    assert not MediaJob.objects.filter(lesson=lesson).exists()


def test_the_lesson_pages_cost_the_same_for_3_and_for_30_lessons(
    client, manager_a, course_a, django_assert_max_num_queries
):
    client.force_login(manager_a.user)
    url = reverse("partners:lessons", args=[course_a.pk])
    with django_assert_max_num_queries(10) as small:
        assert client.get(url).status_code == 200
    for _ in range(27):
        lessons.lesson_create(actor=manager_a, course=course_a, title_zh="加课", kind="video")

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("partners:lesson-edit", args=[course_a.lessons.first().pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:lesson-create", args=[course_a.pk])).status_code == 200


def test_the_course_progress_page_shows_the_platforms_figures_at_a_fixed_cost(
    client, manager_a, course_a, django_assert_max_num_queries
):
    from courses.models import Enrollment
    from learning import services as learning_services

    first = course_a.lessons.get(position=1)
    for index in range(3):
        learner = UserFactory()
        Enrollment.objects.create(learner=learner, course=course_a)
        if index:
            learning_services.lesson_mark_done(learner=learner, lesson=first)
    client.force_login(manager_a.user)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("partners:course-progress", args=[course_a.pk])
    client.get(url)

    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()

    assert "学员学习进度" in html and html.count('data-testid="progress-row"') == 3
    figures = html.split('data-testid="progress-figures"')[1].split("</section>")[0]
    values = [part.split("<")[0] for part in figures.split('class="figure-value">')[1:]]
    assert values[:3] == ["3", "2", "0"]  # enrolled, started, completed
