"""What learners write about a course and its lessons: reviews and the partner's answers,
lesson questions and answers, and their reports to the moderators."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Lesson


# ------------------------------------------------------------------------------ moderation
class Moderated(models.Model):
    """What learners write and moderators may hide (reviews, questions, answers): hidden, never
    deleted, with who hid it and why kept."""

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


# ------------------------------------------------------------------------------ reviews
class ReviewQuerySet(models.QuerySet["Review"]):
    def visible(self) -> "ReviewQuerySet":
        return self.filter(hidden_at__isnull=True)

    def counted(self) -> "ReviewQuerySet":
        """Reviews that count in a course's figures: not hidden, by a learner still enrolled (a
        refund takes the review out of the figures; buying again brings it back)."""
        from courses.models import Enrollment

        enrolled = Enrollment.objects.active().filter(
            learner_id=models.OuterRef("learner_id"), course_id=models.OuterRef("course_id")
        )
        return self.visible().filter(models.Exists(enrolled))


class Review(Moderated):
    """A learner's rating (1-5) of a course they are enrolled in, with an optional text. One per
    learner and course; the author edits it. Hidden by a moderator, never deleted: the reason stays."""

    class Rating(models.IntegerChoices):
        ONE = 1, _("1 star: poor")
        TWO = 2, _("2 stars: fair")
        THREE = 3, _("3 stars: good")
        FOUR = 4, _("4 stars: very good")
        FIVE = 5, _("5 stars: excellent")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("learner")
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="reviews",
                               verbose_name=_("course"))  # fmt: skip
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    text = models.TextField(_("text"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            # course first: the index also serves the per-course figures and listings.
            models.UniqueConstraint(fields=["course", "learner"], name="review_one_per_learner_course"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.course} · {self.rating}"


class ReviewHelpful(models.Model):
    """A learner found a review helpful (once; never their own)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_marks",
                               verbose_name=_("review"))  # fmt: skip
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("learner"))  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful mark")
        verbose_name_plural = _("helpful marks")
        constraints = [models.UniqueConstraint(fields=["review", "learner"], name="helpful_one_per_learner_review")]

    def __str__(self) -> str:
        return f"{self.learner} → {self.review_id}"


class ReviewReply(Moderated):
    """The course's partner answers a review publicly: one answer per review, written by one of
    the partner's owners or managers and editable by them. Shown under the review with the
    partner's name (not the writer's: the partner speaks), unless the platform's moderators hid
    it (the partner reads why in its workspace; editing it does not show it again)."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply",
                                  verbose_name=_("review"))  # fmt: skip
    # PROTECT: a partner with public answers is not deleted by accident; its answers name it.
    partner = models.ForeignKey("courses.Partner", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("partner"))  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("written by"))  # fmt: skip
    text = models.TextField(_("answer"), max_length=2000)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner's answer to a review")
        verbose_name_plural = _("partner's answers to reviews")

    def __str__(self) -> str:
        return self.text[:60]


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or offensive")
    OFF_TOPIC = "off_topic", _("Not about the course")
    OTHER = "other", _("Something else")


class ReportQuerySet(models.QuerySet[Any]):
    def open(self) -> "ReportQuerySet":
        """Reports no moderator has dealt with yet (the queue)."""
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """What a learner's report to the moderators holds, whatever it reports: a reason, an optional
    note and, once a moderator hid the post or kept it, when that was (the row stays)."""

    Reason = ReportReason

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("reported by"))  # fmt: skip
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class ReviewReport(Report):
    """A learner reported a review to the moderators (once per review), with a reason. Hiding the
    review, or a moderator keeping it, resolves its reports: they leave the queue, the row stays."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports", verbose_name=_("review"))

    class Meta(Report.Meta):
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [models.UniqueConstraint(fields=["review", "learner"], name="report_one_per_learner_review")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.review_id}"


# ------------------------------------------------------------------------------ lesson questions and answers
class QuestionQuerySet(models.QuerySet["Question"]):
    def visible(self) -> "QuestionQuerySet":
        return self.filter(hidden_at__isnull=True)

    def unanswered(self) -> "QuestionQuerySet":
        """Visible questions without a visible answer (the instructors' inbox)."""
        answers = Answer.objects.filter(question_id=models.OuterRef("pk"), hidden_at__isnull=True)
        return self.visible().filter(~models.Exists(answers))


class Question(Moderated):
    """An enrolled learner's question under a lesson, optionally at a moment of its video. Plain
    text (escaped when shown). Hidden by a moderator, never deleted: the reason stays."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions", verbose_name=_("lesson"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("asked by"))  # fmt: skip
    text = models.TextField(_("question text"), max_length=2000)
    # Seconds into the lesson's media the question is about; the page links back to that moment.
    timestamp_seconds = models.PositiveIntegerField(_("at (seconds)"), null=True, blank=True)
    # The asker's choice; a hidden answer stops counting as accepted (the page shows visible ones only).
    accepted_answer = models.ForeignKey("Answer", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("accepted answer"))  # fmt: skip
    # Chosen by an API client (the Idempotency-Key header): a retried ask returns the first question.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lesson question")
        verbose_name_plural = _("lesson questions")
        constraints = [
            models.CheckConstraint(condition=Q(timestamp_seconds__gte=0), name="question_timestamp_not_negative"),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="question_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["lesson", "-created_at"], name="question_lesson_recent_idx")]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return f"{self.lesson.get_absolute_url()}?question={self.pk}#question-{self.pk}"


class Answer(Moderated):
    """An answer to a lesson question by an enrolled learner or one of the course's instructors."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("lesson question"))  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers",
                               verbose_name=_("answered by"))  # fmt: skip
    text = models.TextField(_("answer"), max_length=2000)
    # Whether the author taught the course (an instructor or manager of its partner) when writing:
    # the badge stays what it was, and the page needs no membership query per answer.
    is_instructor = models.BooleanField(_("instructor's answer"), default=False)
    # Chosen by an API client (the Idempotency-Key header): a retried answer returns the first one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    # Set once the asker and followers were e-mailed: a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="answer_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["question", "created_at"], name="answer_question_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionFollow(models.Model):
    """Someone follows a question: they hear of its answers (once per person and question)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows",
                                 verbose_name=_("lesson question"))  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("follower"))  # fmt: skip
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question follow")
        verbose_name_plural = _("question follows")
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="follow_one_per_user_question")]

    def __str__(self) -> str:
        return f"{self.user} → {self.question_id}"


class QaReport(Report):
    """A learner reported a lesson question or an answer (once each), with a reason. Exactly one
    of `question` and `answer` is set."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
                                 verbose_name=_("lesson question"))  # fmt: skip
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
                               verbose_name=_("answer"))  # fmt: skip

    class Meta(Report.Meta):
        verbose_name = _("question or answer report")
        verbose_name_plural = _("question and answer reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="qa_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["question", "learner"], condition=Q(question__isnull=False), name="qa_report_once_per_question"
            ),
            models.UniqueConstraint(
                fields=["answer", "learner"], condition=Q(answer__isnull=False), name="qa_report_once_per_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.question_id or self.answer_id}"
