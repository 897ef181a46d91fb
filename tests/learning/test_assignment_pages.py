"""The assignment pages: who sees and does what (learners A and B, not enrolled, instructors of this
and another partner, the course partner's manager), and bad uploads shown at the field."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from learning import assignments
from learning.models import Submission, SubmissionImage
from tests.factories import CourseFactory, MembershipFactory, PartnerFactory, UserFactory, assign_to_partner_courses
from tests.learning import artwork_helpers as art

RUBRIC = [{"name_zh": "构图", "name_en": "Composition", "max_points": 10}]


@pytest.fixture
def partner(db):
    return PartnerFactory(slug="ink", name_zh="墨韵", name_en="Ink")


@pytest.fixture
def course(partner):
    return CourseFactory(slug="ink-painting", partners=[partner], track="art")


@pytest.fixture
def assignment(course):
    lesson = course.lessons.get(position=2)
    return assignments.assignment_save(lesson=lesson, brief_zh="画竹子", brief_en="Paint bamboo", rubric=RUBRIC)


@pytest.fixture
def learner_a(course):
    user = UserFactory(username="learner-a")
    Enrollment.objects.create(learner=user, course=course)
    return user


@pytest.fixture
def learner_b(course):
    user = UserFactory(username="learner-b")
    Enrollment.objects.create(learner=user, course=course)
    return user


@pytest.fixture
def work_of_b(learner_b, assignment):
    return assignments.submission_create(learner=learner_b, assignment=assignment, images=[art.jpeg()])


def member(partner, role):
    return assign_to_partner_courses(MembershipFactory(partner=partner, role=role, user=UserFactory())).user


def test_enrolled_learner_submits_on_the_assignment_page(client, learner_a, assignment):
    client.force_login(learner_a)
    url = reverse("learning:assignment", args=[assignment.lesson_id])
    response = client.post(url, {"images": [art.jpeg(), art.png()], "note": "第一次"})
    assert response.status_code == 302
    submission = Submission.objects.get(learner=learner_a)
    assert submission.images.count() == 2
    page = client.get(url)
    assert page.status_code == 200 and "画竹子" in page.content.decode()
    image = submission.images.first()
    assert client.get(reverse("learning:artwork-own", args=[image.pk, "thumb"])).status_code == 200


@pytest.mark.parametrize(
    ("make", "words"),
    [(art.renamed_executable, "不是 JPEG"), (art.png_bomb, "像素过多"), (art.truncated_jpeg, "已损坏")],
    ids=["renamed-executable", "png-bomb", "truncated-jpeg"],
)
def test_bad_upload_is_shown_at_the_field_and_nothing_stored(client, learner_a, assignment, make, words):
    client.force_login(learner_a)
    response = client.post(reverse("learning:assignment", args=[assignment.lesson_id]), {"images": [make()]})
    assert response.status_code == 400
    assert words in response.context["form"].errors["images"][0]
    assert 'data-testid="images-error"' in response.content.decode()
    assert not Submission.objects.exists() and not SubmissionImage.objects.exists()


def test_page_without_images_asks_for_one(client, learner_a, assignment):
    client.force_login(learner_a)
    response = client.post(reverse("learning:assignment", args=[assignment.lesson_id]), {"note": "x"})
    assert response.status_code == 400 and response.context["form"].errors["images"]


def test_not_enrolled_learner_is_refused(client, assignment):
    client.force_login(UserFactory())
    url = reverse("learning:assignment", args=[assignment.lesson_id])
    assert 'data-testid="not-enrolled"' in client.get(url).content.decode()
    assert client.post(url, {"images": [art.jpeg()]}).status_code == 403
    assert not Submission.objects.exists()


def test_learner_a_cannot_see_or_publish_bs_work(client, learner_a, work_of_b):
    client.force_login(learner_a)
    image = work_of_b.images.get()
    assert client.get(reverse("learning:artwork-own", args=[image.pk, "full"])).status_code == 404
    assert client.get(reverse("learning:artwork-gallery", args=[image.pk, "full"])).status_code == 404
    publish = client.post(reverse("learning:submission-publish", args=[work_of_b.pk]), {"publish": "1"})
    assert publish.status_code == 404
    page = client.get(reverse("learning:assignment", args=[work_of_b.assignment.lesson_id]))
    assert 'data-testid="submission"' not in page.content.decode()


def test_instructor_of_another_partner_gets_404(client, work_of_b):
    client.force_login(member(PartnerFactory(), "instructor"))
    image = work_of_b.images.get()
    assert client.get(reverse("partners:submission", args=[work_of_b.pk])).status_code == 404
    assert client.get(reverse("partners:artwork", args=[image.pk, "full"])).status_code == 404
    assert client.post(reverse("partners:submission", args=[work_of_b.pk]),
                       {"decision": "passed", "grade_0": 5}).status_code == 404  # fmt: skip
    queue = client.get(reverse("partners:submissions"))
    assert queue.status_code == 200 and not queue.context["page"].object_list
    work_of_b.refresh_from_db()
    assert work_of_b.status == "submitted"


def test_analyst_of_the_partner_may_not_review(client, partner, work_of_b):
    client.force_login(member(partner, "analyst"))
    assert client.get(reverse("partners:submission", args=[work_of_b.pk])).status_code == 403


@pytest.mark.parametrize("role", ["instructor", "manager"])
def test_instructor_or_manager_of_the_course_partner_reviews(client, partner, work_of_b, role):
    client.force_login(member(partner, role))
    queue = client.get(reverse("partners:submissions"))
    assert [s.pk for s in queue.context["page"].object_list] == [work_of_b.pk]
    image = work_of_b.images.get()
    assert client.get(reverse("partners:artwork", args=[image.pk, "thumb"])).status_code == 200
    response = client.post(reverse("partners:submission", args=[work_of_b.pk]),
                           {"decision": "passed", "grade_0": 8, "comment": "竹节有力"})  # fmt: skip
    assert response.status_code == 302
    work_of_b.refresh_from_db()
    assert work_of_b.status == "passed" and work_of_b.score == 8


def test_grade_beyond_the_rubric_is_refused_at_the_field(client, partner, work_of_b):
    client.force_login(member(partner, "instructor"))
    response = client.post(reverse("partners:submission", args=[work_of_b.pk]), {"decision": "passed", "grade_0": 11})
    assert response.status_code == 400 and response.context["form"].errors["grade_0"]
    work_of_b.refresh_from_db()
    assert work_of_b.status == "submitted"


def test_learner_sees_feedback_on_the_lesson_and_publishes_to_the_gallery(client, partner, learner_b, work_of_b):
    reviewer = member(partner, "instructor")
    assignments.submission_review(reviewer=reviewer, submission=work_of_b, decision="passed", grades=[9],
                                  comment="竹节有力")  # fmt: skip
    client.force_login(learner_b)
    lesson = work_of_b.assignment.lesson
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "竹节有力" in page and 'data-testid="assignment-box"' in page
    client.post(reverse("learning:submission-publish", args=[work_of_b.pk]), {"publish": "1"})
    client.logout()
    image = work_of_b.images.get()
    course_page = client.get(lesson.course.get_absolute_url()).content.decode()
    assert reverse("learning:artwork-gallery", args=[image.pk, "thumb"]) in course_page
    assert client.get(reverse("learning:artwork-gallery", args=[image.pk, "thumb"])).status_code == 200
    client.force_login(learner_b)
    client.post(reverse("learning:submission-publish", args=[work_of_b.pk]), {"publish": "0"})
    client.logout()
    assert client.get(reverse("learning:artwork-gallery", args=[image.pk, "thumb"])).status_code == 404


def test_review_queue_costs_fixed_queries(client, partner, course, assignment, django_assert_max_num_queries):
    for _ in range(5):
        user = UserFactory()
        Enrollment.objects.create(learner=user, course=course)
        assignments.submission_create(learner=user, assignment=assignment, images=[art.jpeg(size=(64, 64))])
    client.force_login(member(partner, "instructor"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("partners:submissions"))
    assert len(response.context["page"].object_list) == 5


def test_over_size_upload_is_refused_at_the_field(client, learner_a, assignment, settings):
    settings.ASSIGNMENT_MAX_IMAGE_BYTES = 2 * 1024 * 1024
    client.force_login(learner_a)
    upload = art.oversize(settings.ASSIGNMENT_MAX_IMAGE_BYTES)
    response = client.post(reverse("learning:assignment", args=[assignment.lesson_id]), {"images": [upload]})
    assert response.status_code == 400 and "2 MB" in response.context["form"].errors["images"][0]
    assert not Submission.objects.exists() and not SubmissionImage.objects.exists()


def test_assignment_page_costs_fixed_queries(client, learner_a, partner, assignment, django_assert_max_num_queries):
    reviewer = member(partner, "instructor")
    for _ in range(4):  # four attempts, each asked to be redone
        submission = assignments.submission_create(learner=learner_a, assignment=assignment, images=[art.jpeg()])
        assignments.submission_review(reviewer=reviewer, submission=submission, decision="resubmit", grades=[1])
    client.force_login(learner_a)
    # session, user, lesson with course and assignment, enrollment, attempts, their images
    with django_assert_max_num_queries(8):
        response = client.get(reverse("learning:assignment", args=[assignment.lesson_id]))
    assert response.content.decode().count('data-testid="submission"') == 4


def test_review_page_costs_fixed_queries_whatever_the_history(client, learner_a, partner, assignment,
                                                             django_assert_max_num_queries):  # fmt: skip
    reviewer = member(partner, "instructor")
    for _ in range(4):
        earlier = assignments.submission_create(learner=learner_a, assignment=assignment, images=[art.jpeg()])
        assignments.submission_review(reviewer=reviewer, submission=earlier, decision="resubmit", grades=[1])
    latest = assignments.submission_create(learner=learner_a, assignment=assignment, images=[art.jpeg()])
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("partners:submission", args=[latest.pk]))
    assert len(response.context["history"]) == 4


@pytest.mark.django_db
def test_work_handed_in_after_the_due_date_is_accepted_and_marked_late(client, partner, learner_a, assignment):
    from datetime import timedelta

    from django.utils import timezone

    assignment.due_at = timezone.now() - timedelta(days=1)
    assignment.save()
    client.force_login(learner_a)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("learning:assignment", args=[assignment.lesson_id])
    assert "已过截止时间" in client.get(url).content.decode()

    assert client.post(url, {"images": [art.jpeg()], "note": ""}).status_code == 302

    assert "截止后提交" in client.get(url).content.decode()
    client.force_login(member(partner, "instructor"))
    assert 'data-testid="late"' in client.get(reverse("partners:submissions")).content.decode()
    assignment.due_at = timezone.now() + timedelta(days=1)  # moved later: the same work is on time
    assignment.save()
    assert 'data-testid="late"' not in client.get(reverse("partners:submissions")).content.decode()
