"""What each member role may do in its partner's workspace: the one table every check reads."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    INSTRUCTOR = "instructor", _("Instructor")
    ANALYST = "analyst", _("Analyst")


class Action(StrEnum):
    VIEW_COURSES = "view_courses"
    EDIT_COURSES = "edit_courses"  # create and edit the partner's courses
    VIEW_ORDERS = "view_orders"
    VIEW_ENROLLMENTS = "view_enrollments"
    VIEW_CAMPAIGNS = "view_campaigns"
    MANAGE_MEMBERS = "manage_members"  # see, invite, remove members and change their roles
    ACCEPT_TERMS = "accept_terms"  # accept a joint campaign's terms for the partner's side
    ANSWER_QUESTIONS = "answer_questions"  # answer lesson questions as the course's instructor; the inbox
    MODERATE_QUESTIONS = "moderate_questions"  # hide lesson questions and answers (with a reason)
    VIEW_STATEMENTS = "view_statements"  # read and download the partner's monthly statements
    REVIEW_WORK = "review_work"  # review learners' assignment submissions of the partner's courses
    # Answer the reviews of the partner's courses publicly, in the partner's name, and hide or show
    # them: the partner's public voice, so its owners and managers, not every instructor.
    ANSWER_REVIEWS = "answer_reviews"
    ASSIGN_INSTRUCTORS = "assign_instructors"  # choose which courses each instructor teaches


_READ_ALL = frozenset({Action.VIEW_COURSES, Action.VIEW_ORDERS, Action.VIEW_ENROLLMENTS, Action.VIEW_CAMPAIGNS})
_TEACH = frozenset({Action.ANSWER_QUESTIONS, Action.MODERATE_QUESTIONS, Action.REVIEW_WORK})

# Owners manage the members and may do all a manager does; managers run the courses (their
# lessons, publishing, who teaches them) and campaigns, moderate their questions, answer and
# moderate their reviews and read the statements; instructors see only the courses they are
# assigned to (`CourseAssignment`) and who is enrolled in them, not the money, answer learners'
# questions and review their work there; analysts read figures, the statements among them, and
# change nothing.
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OWNER: _READ_ALL
    | _TEACH
    | {
        Action.EDIT_COURSES,
        Action.ASSIGN_INSTRUCTORS,
        Action.ACCEPT_TERMS,
        Action.MANAGE_MEMBERS,
        Action.VIEW_STATEMENTS,
        Action.ANSWER_REVIEWS,
    },
    Role.MANAGER: _READ_ALL
    | _TEACH
    | {
        Action.EDIT_COURSES,
        Action.ASSIGN_INSTRUCTORS,
        Action.ACCEPT_TERMS,
        Action.VIEW_STATEMENTS,
        Action.ANSWER_REVIEWS,
    },
    Role.INSTRUCTOR: frozenset(
        {Action.VIEW_COURSES, Action.VIEW_ENROLLMENTS, Action.ANSWER_QUESTIONS, Action.REVIEW_WORK}
    ),
    Role.ANALYST: _READ_ALL | {Action.VIEW_STATEMENTS},
}


def role_may(role: str, action: Action) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def role_sees_assigned_courses_only(role: str) -> bool:
    """Instructors work on the courses they are assigned to; every other role on all the partner's."""
    return role == Role.INSTRUCTOR
