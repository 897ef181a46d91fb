import pytest

from courses.models import Enrollment
from tests.factories import (
    CourseFactory,
    ManagerFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    assign_to_partner_courses,
)


@pytest.fixture
def world():
    """A course of partner P with two enrolled learners; staff of P and of another partner Q."""
    partner, other_partner = PartnerFactory(), PartnerFactory()
    course = CourseFactory(partners=[partner], lessons=2)
    other_course = CourseFactory(partners=[other_partner], lessons=1)
    people = {
        "learner_a": UserFactory(username="learner-a"),
        "learner_b": UserFactory(username="learner-b"),
        "not_enrolled": UserFactory(username="outsider"),
        "instructor": UserFactory(username="teacher"),
        "other_instructor": UserFactory(username="other-teacher"),
        "partner_manager": UserFactory(username="partner-manager"),
        "platform_manager": ManagerFactory(username="platform-manager"),
    }
    for name in ("learner_a", "learner_b"):
        Enrollment.objects.create(learner=people[name], course=course)
    assign_to_partner_courses(MembershipFactory(partner=partner, user=people["instructor"], role="instructor"))
    assign_to_partner_courses(
        MembershipFactory(partner=other_partner, user=people["other_instructor"], role="instructor")
    )
    MembershipFactory(partner=partner, user=people["partner_manager"], role="manager")
    lesson = course.lessons.order_by("position").first()
    return {"course": course, "other_course": other_course, "lesson": lesson, **people}
