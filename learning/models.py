import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.i18n import Translated
from courses.models import Lesson
from jobs.models import ACTIVE_STATUSES, Job, JobStatus

if TYPE_CHECKING:
    from django.core.files.storage import Storage


class LessonProgress(models.Model):
    """How far one learner got in one lesson. Only ever moves forward: watched ranges are merged,
    completion is never undone, and the resume position follows the newest report, not the last
    one to arrive."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("learner")
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson"))
    # Seconds into the media where the learner was, for "resume".
    position_seconds = models.FloatField(_("position (seconds)"), default=0)
    # The client's clock (ms) at that position: a late report of an earlier moment is ignored.
    position_at = models.BigIntegerField(_("position reported at"), default=0)
    # Merged, sorted, disjoint [start, end] pairs, in seconds.
    watched = models.JSONField(_("watched ranges"), default=list)
    watched_seconds = models.FloatField(_("seconds watched"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="progress_one_per_learner_lesson"),
            models.CheckConstraint(condition=Q(watched_seconds__gte=0), name="progress_watched_not_negative"),
        ]
        indexes = [models.Index(fields=["learner", "updated_at"], name="progress_learner_recent_idx")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid(self) -> "CertificateQuerySet":
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """A learner completed every required lesson of a course. Revoked, never deleted, when the
    enrollment is refunded: its verification page must keep saying what happened to it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("learner")
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    # Public, printed and in the QR code; random so that serials cannot be walked.
    serial = models.CharField(_("serial number"), max_length=24, unique=True)
    # As the learner typed it, once: the printed name never changes afterwards.
    name = models.CharField(_("name on the certificate"), max_length=60)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="certificate_one_per_course")]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning:certificate-verify", args=[self.serial])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


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


class MailLanguage(models.Model):
    """The language a signed-in user last chose for the site, remembered for the e-mails sent
    without a request (digests). The user model stores none; the language switch records it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+", verbose_name=_("user"))  # fmt: skip
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail language")
        verbose_name_plural = _("e-mail languages")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.language}"


class NotificationOptOut(models.Model):
    """A user's one-click unsubscribe from one kind of e-mail (a signed link in every such e-mail)."""

    class Kind(models.TextChoices):
        ANSWER_TO_MY_QUESTION = "qa_answer", _("Answers to my questions")
        FOLLOWED_THREAD = "qa_followed", _("Replies in questions I follow")
        INSTRUCTOR_DIGEST = "qa_digest", _("New questions in the courses I teach (digest)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("unsubscribed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="optout_one_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


# ------------------------------------------------------------------------------ assignments
def _protected_storage() -> "Storage":
    from courses.media.storage import protected_storage

    return protected_storage()


def _artwork_path(instance: models.Model, filename: str) -> str:
    # A random folder and the name we chose: nothing a learner typed ends up in a path.
    return f"assignments/{instance.submission.assignment_id}/{uuid.uuid4().hex}/{filename}"  # type: ignore[attr-defined]


class Assignment(models.Model):
    """A lesson's assignment: a bilingual brief, an optional due date and a rubric of criteria.

    `rubric` is a list of {"name_zh", "name_en", "max_points"}, checked by
    `learning.assignments.check_rubric` before it is stored.
    """

    class Work(models.TextChoices):
        IMAGES = "images", _("Images of the work")
        CLIP = "clip", _("An audio or video clip (music, performance)")

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="assignment",
                                  verbose_name=_("lesson"))  # fmt: skip
    # What a learner hands in: images (drawing, painting) or one short clip (music, performance).
    work = models.CharField(_("work handed in"), max_length=8, choices=Work.choices, default=Work.IMAGES)
    brief_zh = models.TextField(_("brief (Chinese)"))
    brief_en = models.TextField(_("brief (English)"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The course's certificate waits for a passed submission of this assignment.
    required_for_completion = models.BooleanField(_("required for completion"), default=False)
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    brief = Translated("brief")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.lesson}"

    @property
    def is_past_due(self) -> bool:
        return self.due_at is not None and timezone.now() > self.due_at

    @property
    def max_points(self) -> int:
        return sum(int(criterion["max_points"]) for criterion in self.rubric)

    @property
    def criteria(self) -> list[dict[str, Any]]:
        """The rubric with each criterion's name in the page's language (the other as fallback)."""
        english = (get_language() or "").startswith("en")
        return [
            {
                "name": (c.get("name_en") or c["name_zh"]) if english else c["name_zh"],
                "max_points": c["max_points"],
            }
            for c in self.rubric
        ]


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def awaiting_review(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.SUBMITTED)

    def published(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.PASSED, published_at__isnull=False)


class Submission(models.Model):
    """One attempt of a learner at an assignment, and the instructor's feedback on it.

    A resubmission is a new row with the next attempt number: the earlier work and its feedback stay.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        PASSED = "passed", _("Passed")
        RESUBMIT = "resubmit", _("Resubmission asked")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions",
                                   verbose_name=_("assignment"))  # fmt: skip
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions",
                                verbose_name=_("learner"))  # fmt: skip
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    note = models.TextField(_("note to the instructor"), blank=True, max_length=2000)
    # Chosen by an API client (the Idempotency-Key header): a retried upload returns the first attempt.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The feedback: a comment, points per rubric criterion (in the rubric's order), who and when.
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    grades = models.JSONField(_("points per criterion"), default=list, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The instructor's strokes over the images, normalised to 0..1 (`learning.annotation`).
    annotation = models.JSONField(_("drawing over the work"), default=list, blank=True)
    # Set while the learner shows the work in the course's gallery (opt-in, revocable).
    published_at = models.DateTimeField(_("shown in the gallery since"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "learner", "attempt"], name="submission_attempt_unique"),
            # One attempt at a time waits for review.
            models.UniqueConstraint(
                fields=["assignment", "learner"], condition=Q(status="submitted"), name="submission_one_open"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="passed"), name="submission_published_if_passed"
            ),
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="submission_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="submission_queue_idx")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.assignment} #{self.attempt}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_late(self) -> bool:
        """Handed in after the assignment's due date: accepted, and marked for the instructor."""
        due = self.assignment.due_at
        return due is not None and self.created_at > due

    @property
    def graded_rubric(self) -> list[tuple[dict[str, Any], int]]:
        return list(zip(self.assignment.criteria, self.grades, strict=False))

    @property
    def annotated_images(self) -> list[tuple["SubmissionImage", list[str]]]:
        """The images the instructor drew on, each with its strokes as SVG points (images prefetched)."""
        from .annotation import svg_points

        if not self.annotation:
            return []
        drawn = [(image, svg_points(self.annotation, image=image.position)) for image in self.images.all()]
        return [(image, strokes) for image, strokes in drawn if strokes]


class SubmissionImage(models.Model):
    """One image of a submission, re-encoded without its metadata, and its thumbnail (made once)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="images",
                                   verbose_name=_("submission"))  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file = models.FileField(_("image"), storage=_protected_storage, upload_to=_artwork_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), storage=_protected_storage, upload_to=_artwork_path,
                                 max_length=255)  # fmt: skip
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["submission", "position", "id"]
        verbose_name = _("submission image")
        verbose_name_plural = _("submission images")

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.position}"


class SubmissionClip(Job):
    """A submission's audio or video clip, on its way to playable: a job of the `media` queue
    (claim, heartbeat, reaper from `jobs`), transcoded by the lessons' ffmpeg functions.

    The upload waits in `source` (already probed: it is media, and short enough) until the job
    makes `file` (H.264/AAC MP4, or AAC audio) and, for a video, `poster`; then it is deleted.
    """

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="clip",
                                      verbose_name=_("submission"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    source = models.FileField(_("uploaded file"), storage=_protected_storage, upload_to=_artwork_path,
                              max_length=255, blank=True)  # fmt: skip
    file = models.FileField(_("clip"), storage=_protected_storage, upload_to=_artwork_path, max_length=255,
                            blank=True)  # fmt: skip
    poster = models.FileField(_("poster"), storage=_protected_storage, upload_to=_artwork_path, max_length=255,
                              blank=True)  # fmt: skip
    content_type = models.CharField(_("content type"), max_length=32, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"))
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    # A failure keeps its code, so that the learner reads it in the language of their page.
    error_code = models.CharField(_("error code"), max_length=32, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("submission clip")
        verbose_name_plural = _("submission clips")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="clip_job_key"
            )
        ]

    def __str__(self) -> str:
        return f"clip of {self.submission_id} ({self.status})"

    @property
    def is_processing(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.file)

    @property
    def has_failed(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.CANCELLED)

    def failure_message(self) -> str:
        from .clips import clip_failure_message

        return clip_failure_message(self.error_code)


# ------------------------------------------------------------------------------ share posters
def _poster_path(instance: models.Model, filename: str) -> str:
    return f"posters/{instance.submission_id}/{filename}"  # type: ignore[attr-defined]


class Poster(models.Model):
    """A share poster of a work shown in the gallery: drawn once per work, options and language.

    `fingerprint` hashes everything the picture shows (the image, the texts, the partners, the
    link in the QR code, the layout's version): the same request finds the stored file, and a
    change anywhere (a retitled course, a campaign that ended) draws a new one.
    """

    class Size(models.TextChoices):
        PHONE = "phone", _("Phone screen (1080 × 1920)")
        MOMENTS = "moments", _("WeChat Moments (1080 × 1440)")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="posters",
                                   verbose_name=_("submission"))  # fmt: skip
    size = models.CharField(_("size"), max_length=16, choices=Size.choices)
    language = models.CharField(_("language"), max_length=8)
    # Empty: the learner chose not to show a name.
    display_name = models.CharField(_("name shown"), max_length=40, blank=True)
    # What the QR code holds: the learner's referral link of a running campaign, else the course page.
    target_url = models.CharField(_("link in the QR code"), max_length=500)
    referral = models.BooleanField(_("referral link"), default=False)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    file = models.FileField(_("poster image"), storage=_protected_storage, upload_to=_poster_path, max_length=255)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("share poster")
        verbose_name_plural = _("share posters")
        constraints = [
            models.UniqueConstraint(fields=["submission", "fingerprint"], name="poster_once_per_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} · {self.size} · {self.language}"
