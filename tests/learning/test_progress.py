"""Progress only moves forward, whatever order or number of times the player's reports arrive."""

import json

import pytest

from courses.models import Enrollment, Lesson
from learning import selectors, services
from learning.models import Assignment, LessonProgress
from platform_site.exceptions import NotPermitted
from tests.courses.media_helpers import installed_media
from tests.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_lesson(course):
    lesson = LessonFactory(course=course, position=10, kind=Lesson.Kind.VIDEO)
    installed_media(lesson, duration=100.0)
    return Lesson.objects.select_related("media").get(pk=lesson.pk)


@pytest.fixture
def enrolled(learner, course):
    return Enrollment.objects.create(learner=learner, course=course)


def test_ranges_merge_sort_and_clip():
    assert services.merge_ranges([[50, 60], [0, 10], [9, 20], [20.5, 30], [95, 130]], limit=100) == [
        [0, 30], [50, 60], [95, 100],
    ]  # fmt: skip


def test_a_video_lesson_completes_at_90_percent_watched(learner, enrolled, video_lesson):
    services.progress_report(learner=learner, lesson=video_lesson, position=50, watched=[[0, 50]], at=1)
    assert not LessonProgress.objects.get().is_completed

    progress = services.progress_report(learner=learner, lesson=video_lesson, position=90, watched=[[50, 90]], at=2)

    assert progress.watched_seconds == 90 and progress.is_completed


def test_skipping_ahead_does_not_complete_a_lesson(learner, enrolled, video_lesson):
    progress = services.progress_report(learner=learner, lesson=video_lesson, position=99, watched=[[95, 99]], at=1)
    assert progress.position_seconds == 99 and not progress.is_completed


def test_the_completion_ratio_is_a_setting(learner, enrolled, video_lesson, settings):
    settings.LEARNING_COMPLETE_RATIO = 0.5
    assert services.progress_report(learner=learner, lesson=video_lesson, position=50, watched=[[0, 50]]).is_completed


def test_duplicate_reports_change_nothing(learner, enrolled, video_lesson):
    for _ in range(3):
        progress = services.progress_report(learner=learner, lesson=video_lesson, position=30, watched=[[0, 30]], at=5)

    assert progress.watched == [[0, 30]] and progress.watched_seconds == 30 and progress.position_seconds == 30


def test_a_late_report_never_moves_progress_back(learner, enrolled, video_lesson):
    services.progress_report(learner=learner, lesson=video_lesson, position=92, watched=[[10, 92]], at=2000)
    # The report of an earlier moment arrives last (a retried request, a slow network).
    progress = services.progress_report(learner=learner, lesson=video_lesson, position=10, watched=[[0, 10]], at=1000)

    assert progress.position_seconds == 92
    assert progress.watched == [[0, 92]] and progress.is_completed


def test_completion_is_never_undone(learner, enrolled, video_lesson):
    services.progress_report(learner=learner, lesson=video_lesson, position=95, watched=[[0, 95]], at=1)
    progress = services.progress_report(learner=learner, lesson=video_lesson, position=0, watched=[], at=2)
    assert progress.is_completed and progress.position_seconds == 0  # rewatching from the start


def test_only_enrolled_learners_record_progress(learner, video_lesson):
    with pytest.raises(NotPermitted):
        services.progress_report(learner=learner, lesson=video_lesson, position=5, watched=[[0, 5]])


def test_a_text_lesson_is_done_when_marked(learner, enrolled, course):
    lesson = course.lessons.get(position=1)
    services.lesson_mark_done(learner=learner, lesson=lesson)
    assert services.lesson_mark_done(learner=learner, lesson=lesson).is_completed


def test_course_progress_counts_required_lessons_only(learner, enrolled, course):
    lessons = list(course.lessons.order_by("position"))  # three text lessons
    LessonFactory(course=course, position=9, is_required=False)
    services.lesson_mark_done(learner=learner, lesson=lessons[0])
    services.lesson_mark_done(learner=learner, lesson=lessons[2])

    progress = selectors.course_progress(learner=learner, course=course)

    assert (progress.required_done, progress.required_total, progress.percent) == (2, 3, 66)
    assert progress.next_lesson == lessons[1]
    assert progress.states[lessons[1].pk] == selectors.State.NEW


def test_progress_of_many_courses_costs_three_queries(learner, django_assert_num_queries):
    courses = [CourseFactory() for _ in range(4)]
    for course in courses:
        Enrollment.objects.create(learner=learner, course=course)
        Assignment.objects.create(lesson=course.lessons.first(), brief_zh="画", required_for_completion=True,
                                  rubric=[{"name_zh": "构图", "name_en": "", "max_points": 5}])  # fmt: skip
    with django_assert_num_queries(3):  # lessons, progress rows, required assignments
        progress = selectors.courses_progress(learner=learner, course_ids=[c.pk for c in courses])
    assert all(p.steps_total == 4 and p.percent == 0 for p in progress.values())


def test_the_beacon_records_a_form_post(client, learner, enrolled, video_lesson):
    client.force_login(learner)
    report = json.dumps({"position": 40, "watched": [[0, 40]], "at": 7})

    response = client.post(f"/learn/lessons/{video_lesson.pk}/progress/", {"report": report})

    assert response.status_code == 200 and response.json()["watched"] == 40


def test_the_beacon_refuses_a_learner_not_enrolled(client, other_learner, video_lesson):
    client.force_login(other_learner)
    response = client.post(f"/learn/lessons/{video_lesson.pk}/progress/", {"report": "{}"})
    assert response.status_code == 403


def test_api_reports_and_lists_only_ones_own_progress(as_user, learner, other_learner, course, enrolled, video_lesson):
    Enrollment.objects.create(learner=other_learner, course=course)
    api = as_user("learner_b")
    api.post("/api/v1/me/progress/", {"lesson": video_lesson.pk, "position": 5, "watched": [[0, 5]]}, format="json")
    api = as_user("learner_a")

    response = api.post(
        "/api/v1/me/progress/", {"lesson": video_lesson.pk, "position": 20, "watched": [[0, 20]], "at": 3},
        format="json",
    )  # fmt: skip
    listed = api.get("/api/v1/me/progress/", {"lesson__course__slug": course.slug}).json()

    assert response.status_code == 200 and response.json()["watched_seconds"] == 20
    assert [row["watched_seconds"] for row in listed["results"]] == [20]


def test_api_refuses_progress_in_a_course_not_enrolled(as_user, video_lesson):
    response = as_user("learner_b").post("/api/v1/me/progress/", {"lesson": video_lesson.pk, "position": 1},
                                         format="json")  # fmt: skip
    assert response.status_code == 403


def test_manager_stats_count_enrolled_started_completed_and_drop_off(course, learner, other_learner, manager):
    lessons = list(course.lessons.order_by("position"))
    for user in (learner, other_learner, manager):
        Enrollment.objects.create(learner=user, course=course)
    for lesson in lessons:
        services.lesson_mark_done(learner=learner, lesson=lesson)
    services.lesson_mark_done(learner=other_learner, lesson=lessons[0])
    services.lesson_mark_done(learner=other_learner, lesson=lessons[1])

    stats = selectors.course_stats(course=course)

    assert (stats.enrolled, stats.started, stats.completed) == (3, 2, 1)
    assert stats.average_percent == pytest.approx((100 + 66) / 3, abs=0.1)
    assert [s.stopped_here for s in stats.lessons] == [0, 1, 0]
    assert [s.completed for s in stats.lessons] == [2, 2, 1]
