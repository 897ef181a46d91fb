"""/api/v1/courses/<slug>/reviews/: anyone reads; eligible learners write their own; errors keep one shape."""

import pytest

from courses.models import Enrollment
from learning import services
from learning.models import Review, ReviewHelpful
from tests.factories import CourseFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def make_eligible(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    services.lesson_mark_done(learner=learner, lesson=course.lessons.order_by("position").first())


def url(course, *rest):
    return "/".join([f"{API}/courses/{course.slug}/reviews", *map(str, rest)]) + "/"


def test_anyone_lists_reviews_and_the_course_list_carries_the_figures(as_user, learner, course):
    make_eligible(learner, course)
    services.review_save(learner=learner, course=course, rating=4, text="好")

    listed = as_user("anonymous").get(url(course)).json()
    courses = as_user("anonymous").get(f"{API}/courses/").json()

    assert [(r["rating"], r["text"], r["author"]) for r in listed["results"]] == [(4, "好", "alice")]
    assert next(c for c in courses["results"] if c["slug"] == course.slug)["reviews"] == {"average": 4.0, "count": 1}


def test_course_list_costs_the_same_with_reviews_on_many_courses(as_user, django_assert_max_num_queries):
    for _ in range(8):
        course = CourseFactory(lessons=1)
        make_eligible(author := UserFactory(), course)
        services.review_save(learner=author, course=course, rating=5)
    with django_assert_max_num_queries(6):
        assert as_user("manager").get(f"{API}/courses/").status_code == 200


def test_an_eligible_learner_creates_then_edits_their_review(as_user, learner, course):
    make_eligible(learner, course)
    client = as_user("learner_a")

    created = client.post(url(course), {"rating": 3}, format="json")
    again = client.post(url(course), {"rating": 5, "text": "更新"}, format="json")
    patched = client.patch(url(course, created.json()["id"]), {"text": "再改"}, format="json")

    assert (created.status_code, again.status_code, patched.status_code) == (201, 200, 200)
    assert patched.json()["rating"] == 5 and patched.json()["text"] == "再改"
    assert Review.objects.count() == 1


def test_writing_needs_a_signed_in_enrolled_learner(as_user, course):
    anonymous = as_user("anonymous").post(url(course), {"rating": 3}, format="json")
    not_enrolled = as_user("learner_b").post(url(course), {"rating": 3}, format="json")

    assert anonymous.status_code == 401
    assert not_enrolled.status_code == 403
    assert set(not_enrolled.json()) == {"message", "code", "extra"} and not_enrolled.json()["code"] == "not_enrolled"


@pytest.mark.parametrize(("payload", "field"), [({"rating": 9}, "rating"), ({"rating": 2, "text": "x" * 2001}, "text"),
                                                ({}, "rating")])  # fmt: skip
def test_bad_input_is_a_400_at_its_field(as_user, learner, course, payload, field):
    make_eligible(learner, course)

    response = as_user("learner_a").post(url(course), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]


def test_a_nul_character_is_a_400_not_a_500(as_user, learner, course):
    make_eligible(learner, course)

    response = as_user("learner_a").post(url(course), {"rating": 2, "text": "a\x00b"}, format="json")

    assert response.status_code == 400 and "NUL" in response.json()["message"]
    assert not Review.objects.exists()


def test_another_learner_cannot_edit_my_review(as_user, learner, other_learner, course):
    make_eligible(learner, course)
    make_eligible(other_learner, course)
    mine = services.review_save(learner=learner, course=course, rating=4, text="我的")[0]

    response = as_user("learner_b").patch(url(course, mine.pk), {"rating": 1}, format="json")

    assert response.status_code == 403
    assert Review.objects.get(pk=mine.pk).rating == 4


def test_a_hidden_review_is_found_only_by_its_author(as_user, learner, course):
    make_eligible(learner, course)
    review = services.review_save(learner=learner, course=course, rating=1)[0]
    services.review_hide(moderator=ManagerFactory(), review=review, reason="广告")

    by_author = as_user("learner_a").get(url(course, review.pk))
    by_other = as_user("learner_b").get(url(course, review.pk))
    listed = as_user("anonymous").get(url(course)).json()

    assert by_author.status_code == 200 and by_author.json()["is_hidden"] is True
    assert by_other.status_code == 404 and listed["results"] == []


def test_helpful_once_and_not_own(as_user, learner, course):
    make_eligible(learner, course)
    review = services.review_save(learner=learner, course=course, rating=4)[0]

    first = as_user("learner_b").post(url(course, review.pk, "helpful"))
    second = as_user("learner_b").post(url(course, review.pk, "helpful"))
    own = as_user("learner_a").post(url(course, review.pk, "helpful"))

    assert (first.json(), second.json()) == ({"created": True}, {"created": False})
    assert own.status_code == 400 and own.json()["code"] == "own_review"
    assert ReviewHelpful.objects.count() == 1


def test_report_takes_a_reason(as_user, learner, course):
    make_eligible(learner, course)
    review = services.review_save(learner=learner, course=course, rating=4)[0]

    bad = as_user("learner_b").post(url(course, review.pk, "report"), {"reason": "?"}, format="json")
    good = as_user("learner_b").post(url(course, review.pk, "report"), {"reason": "spam"}, format="json")

    assert bad.status_code == 400 and "reason" in bad.json()["extra"]["fields"]
    assert good.json() == {"created": True}


def test_reviews_of_an_unknown_course_are_404(as_user):
    assert as_user("anonymous").get(f"{API}/courses/no-such-course/reviews/").status_code == 404


def test_an_unknown_sort_is_a_400(as_user, course):
    response = as_user("anonymous").get(url(course) + "?sort=stars")

    assert response.status_code == 400 and "sort" in response.json()["extra"]["fields"]
