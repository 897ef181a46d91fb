"""Writes of lesson questions and answers: ask, answer, accept, follow, hide.

Who may: enrolled learners ask; enrolled learners and the course's instructors (through the
course-staff hook) answer and follow; the asker accepts; platform managers and the partner's
managers hide, with a reason kept.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment, Lesson
from platform_site.exceptions import ApplicationError, NotPermitted
from platform_site.queueing import enqueue_on_commit

from .hooks import course_staff
from .idempotency import created_once, replayed
from .models import Answer, QaReport, Question, QuestionFollow
from .services import REPORT_NOTE_MAX, _clean_text, hide_reason
from .throttle import check_posting_rate

if TYPE_CHECKING:
    from accounts.models import User

QA_TEXT_MAX = 2000
# Without a known media length a timestamp is still bounded: no lesson runs past a day.
TIMESTAMP_MAX = 24 * 3600

Post = Question | Answer
# Who may hide and show a question or an answer; the default asks the platform's permission and
# the course-staff hook (the course's partner's managers). Callers may pass a stricter one.
ModerationCheck = Callable[["User", Post], bool]


def _course_id(post: Post) -> int:
    question = post if isinstance(post, Question) else post.question
    return question.lesson.course_id


def qa_moderator(user: "User", post: Post) -> bool:
    if not user.is_active:
        return False
    if user.has_perm(f"learning.change_{post._meta.model_name}"):
        return True
    return course_staff(user=user, course_id=_course_id(post)).moderates


def _report_target(post: Post) -> dict[str, Post]:
    return {"question": post} if isinstance(post, Question) else {"answer": post}


def _enrolled(*, user: "User", course_id: int) -> bool:
    return Enrollment.objects.active().filter(learner=user, course_id=course_id).exists()


def _clean_timestamp(value: object, *, lesson: Lesson, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors["timestamp"] = [_("Enter the moment as a whole number of seconds.")]
        return None
    media = getattr(lesson, "media", None)
    limit = int(media.duration_seconds) if media and media.duration_seconds else TIMESTAMP_MAX
    if not 0 <= value <= limit:
        errors["timestamp"] = [_("Enter a moment between 0 and %(limit)d seconds.") % {"limit": limit}]
        return None
    return value


def _check_text(text: object, *, errors: dict[str, list[str]]) -> str:
    cleaned = _clean_text(text, field="text", limit=QA_TEXT_MAX, errors=errors)
    if not cleaned and "text" not in errors:
        errors["text"] = [_("Write something first.")]
    return cleaned


@transaction.atomic
def question_ask_once(
    *, author: "User", lesson: Lesson, text: object, timestamp: object = None, idempotency_key: str = ""
) -> tuple[Question, bool]:
    """Ask a question under a lesson (learners enrolled in its course); the asker follows it.

    Return it and whether it is new: a retry with the same idempotency key returns the first
    question and spends no posting allowance.
    """
    if not _enrolled(user=author, course_id=lesson.course_id):
        raise NotPermitted(_("Only learners enrolled in the course can ask questions."), code="not_enrolled")
    earlier = replayed(Question.objects.filter(author=author), key=idempotency_key, lesson_id=lesson.pk)
    if earlier is not None:
        return earlier, False
    errors: dict[str, list[str]] = {}
    cleaned = _check_text(text, errors=errors)
    seconds = _clean_timestamp(timestamp, lesson=lesson, errors=errors)
    if errors:
        raise ApplicationError(_("Check the question."), code="invalid", extra={"fields": errors})
    check_posting_rate(user=author)
    question, created = created_once(
        lambda: Question.objects.create(
            lesson=lesson, author=author, text=cleaned, timestamp_seconds=seconds, idempotency_key=idempotency_key
        ),
        queryset=Question.objects.filter(author=author), key=idempotency_key,
    )  # fmt: skip
    if not created:  # the same retry in parallel: the first one stands
        return question, False
    QuestionFollow.objects.create(question=question, user=author)
    return question, True


def question_ask(*, author: "User", lesson: Lesson, text: object, timestamp: object = None) -> Question:
    """Ask a question under a lesson (the page's form: no idempotency key)."""
    return question_ask_once(author=author, lesson=lesson, text=text, timestamp=timestamp)[0]


@transaction.atomic
def answer_post_once(
    *, author: "User", question: Question, text: object, base_url: str = "", idempotency_key: str = ""
) -> tuple[Answer, bool]:
    """Answer a question (enrolled learners and the course's instructors). An instructor's answer
    is marked as such; the asker and the followers hear of it by e-mail once this commits.

    Return it and whether it is new: a retry with the same idempotency key returns the first
    answer, mails nobody again and spends no posting allowance.
    """
    if question.is_hidden:
        raise ApplicationError(_("This question is hidden."), code="hidden")
    course_id = question.lesson.course_id
    teaches = course_staff(user=author, course_id=course_id).teaches
    if not teaches and not _enrolled(user=author, course_id=course_id):
        raise NotPermitted(
            _("Only learners enrolled in the course and its instructors can answer."), code="not_enrolled"
        )
    earlier = replayed(Answer.objects.filter(author=author), key=idempotency_key, question_id=question.pk)
    if earlier is not None:
        return earlier, False
    errors: dict[str, list[str]] = {}
    cleaned = _check_text(text, errors=errors)
    if errors:
        raise ApplicationError(_("Check the answer."), code="invalid", extra={"fields": errors})
    check_posting_rate(user=author)
    answer, created = created_once(
        lambda: Answer.objects.create(
            question=question, author=author, text=cleaned, is_instructor=teaches, idempotency_key=idempotency_key
        ),
        queryset=Answer.objects.filter(author=author), key=idempotency_key,
    )  # fmt: skip
    if not created:
        return answer, False
    from .tasks import answer_notify_task

    enqueue_on_commit(answer_notify_task, answer.pk, base_url)
    return answer, True


def answer_post(*, author: "User", question: Question, text: object, base_url: str = "") -> Answer:
    """Answer a question (the page's form: no idempotency key)."""
    return answer_post_once(author=author, question=question, text=text, base_url=base_url)[0]


def answer_accept(*, user: "User", answer: Answer) -> Question:
    """The asker accepts one answer (accepting another replaces it; the same one twice changes nothing)."""
    question = answer.question
    if question.author_id != user.pk:
        raise NotPermitted(_("Only the person who asked can accept an answer."), code="not_asker")
    if answer.is_hidden or question.is_hidden:
        raise ApplicationError(_("This answer is hidden."), code="hidden")
    Question.objects.filter(pk=question.pk).update(accepted_answer=answer)
    question.accepted_answer = answer
    return question


def question_follow(*, user: "User", question: Question, follow: bool = True) -> bool:
    """Follow (or stop following) a question; return whether the user follows it now. Idempotent."""
    if not follow:
        QuestionFollow.objects.filter(question=question, user=user).delete()
        return False
    course_id = question.lesson.course_id
    if not _enrolled(user=user, course_id=course_id) and not course_staff(user=user, course_id=course_id).teaches:
        raise NotPermitted(_("Only learners enrolled in the course can follow its questions."), code="not_enrolled")
    try:
        with transaction.atomic():
            QuestionFollow.objects.get_or_create(question=question, user=user)
    except IntegrityError:  # a double click: the first one stands
        pass
    return True


def post_hide(*, moderator: "User", post: Post, reason: object, may_moderate: ModerationCheck = qa_moderator) -> Post:
    """Hide a question or an answer, keeping why and by whom (hiding again keeps the first reason)."""
    if not may_moderate(moderator, post):
        raise NotPermitted(_("Only moderators may hide or show questions and answers."), code="not_moderator")
    cleaned = hide_reason(reason, message=_("Say why it is hidden."))
    with transaction.atomic():
        now = timezone.now()
        type(post)._default_manager.filter(pk=post.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_reason=cleaned, hidden_by=moderator
        )
        # Hidden: its reports are dealt with and leave the queue.
        QaReport.objects.open().filter(**_report_target(post)).update(resolved_at=now)
    post.refresh_from_db()
    return post


def post_unhide(*, moderator: "User", post: Post, may_moderate: ModerationCheck = qa_moderator) -> Post:
    """Show a hidden question or answer again; the reason it was hidden stays on the row."""
    if not may_moderate(moderator, post):
        raise NotPermitted(_("Only moderators may hide or show questions and answers."), code="not_moderator")
    type(post)._default_manager.filter(pk=post.pk).update(hidden_at=None, hidden_by=None)
    post.refresh_from_db()
    return post


def _may_read(*, user: "User", course_id: int) -> bool:
    staff = course_staff(user=user, course_id=course_id)
    return _enrolled(user=user, course_id=course_id) or staff.teaches or staff.moderates


def post_report(*, learner: "User", post: Post, reason: object, note: object = "") -> tuple[QaReport, bool]:
    """Report a question or an answer to the moderators (those who may read it; never one's own).
    A second report by the same person returns the first and spends no posting allowance."""
    if post.is_hidden:
        raise ApplicationError(_("This is hidden already."), code="hidden")
    if post.author_id == learner.pk:
        raise ApplicationError(_("You cannot report what you wrote."), code="own_post")
    if not _may_read(user=learner, course_id=_course_id(post)):
        raise NotPermitted(_("Only learners enrolled in the course can report its questions."), code="not_enrolled")
    errors: dict[str, list[str]] = {}
    if reason not in QaReport.Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    cleaned = _clean_text(note, field="note", limit=REPORT_NOTE_MAX, errors=errors)
    if errors:
        raise ApplicationError(_("Check the report."), code="invalid", extra={"fields": errors})
    target = _report_target(post)
    existing = QaReport.objects.filter(learner=learner, **target).first()
    if existing is not None:
        return existing, False
    check_posting_rate(user=learner)
    try:
        with transaction.atomic():
            return QaReport.objects.create(learner=learner, reason=str(reason), note=cleaned, **target), True
    except IntegrityError:  # a double submit: the first one stands
        return QaReport.objects.get(learner=learner, **target), False


def post_reports_keep(*, moderator: "User", post: Post, may_moderate: ModerationCheck = qa_moderator) -> int:
    """A moderator read the reports of a question or an answer and keeps it shown: they leave the
    queue (the rows stay). Return how many were open."""
    if not may_moderate(moderator, post):
        raise NotPermitted(_("Only moderators may hide or show questions and answers."), code="not_moderator")
    return QaReport.objects.open().filter(**_report_target(post)).update(resolved_at=timezone.now())
