from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from learning.models import (
    Answer,
    LessonProgress,
    QaReport,
    Question,
    Review,
    ReviewReport,
    Submission,
    SubmissionImage,
)


class LessonProgressSerializer(serializers.ModelSerializer):
    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(
        source="lesson.course", slug_field="slug", read_only=True
    )
    completed = serializers.BooleanField(source="is_completed", read_only=True)

    class Meta:
        model = LessonProgress
        fields = ["lesson", "course", "position_seconds", "watched", "watched_seconds", "completed", "completed_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields


class ProgressReportSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    position = serializers.FloatField(min_value=0, default=0)
    # [[start, end], ...] seconds; checked by the service.
    watched = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        max_length=200,
        default=list,
    )
    # The client's clock in ms when it was at `position`: orders late reports.
    at = serializers.IntegerField(min_value=0, default=0)
    done = serializers.BooleanField(default=False, help_text="Mark a text lesson done.")


# ------------------------------------------------------------------------------ reviews
class ReviewFiguresSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True, help_text="Average rating, one decimal; null without reviews.")
    count = serializers.IntegerField(help_text="Reviews that count: not hidden, their learner still enrolled.")


@extend_schema_field(ReviewFiguresSerializer)
class ReviewFiguresField(serializers.Field):
    """The course API's `reviews`, read from course_list's annotation (no query per course)."""

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, course: Any) -> dict[str, Any]:
        average = getattr(course, "review_average", None)
        return {
            "average": round(float(average), 1) if average is not None else None,
            "count": getattr(course, "review_count", 0),
        }


class ReviewReplySerializer(serializers.Serializer):
    partner = serializers.CharField(source="partner.name", help_text="The answering partner's name.")
    text = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ReviewSerializer(serializers.ModelSerializer):
    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField(help_text="The author's first name, else their user name.")
    helpful_count = serializers.SerializerMethodField()
    is_hidden = serializers.BooleanField(read_only=True, help_text="Only an author sees their own hidden review.")
    reply = serializers.SerializerMethodField(help_text="The course partner's public answer, or null.")

    class Meta:
        model = Review
        fields = ["id", "course", "author", "rating", "text", "helpful_count", "is_hidden", "reply", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_author(self, review: Review) -> str:
        return review.learner.first_name or review.learner.username

    def get_helpful_count(self, review: Review) -> int:
        return int(getattr(review, "helpful_count", 0))

    @extend_schema_field(ReviewReplySerializer(allow_null=True))
    def get_reply(self, review: Review) -> dict[str, Any] | None:
        reply = getattr(review, "reply", None)  # selected with the listing; None without an answer
        if reply is None or reply.is_hidden:
            return None
        return dict(ReviewReplySerializer(reply).data)


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, trim_whitespace=True, default="")


class ReviewReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReviewReport.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReviewMarkSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when this learner had already done it (nothing changed).")


def _name(user: Any) -> str:
    return user.first_name or user.username


# ------------------------------------------------------------------------------ lesson questions
class AnswerSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The author's first name, else their user name.")
    is_accepted = serializers.SerializerMethodField(help_text="The asker accepted this answer.")
    is_mine = serializers.SerializerMethodField(help_text="The caller wrote it (a client offers no report then).")

    class Meta:
        model = Answer
        fields = ["id", "question", "author", "text", "is_instructor", "is_accepted", "is_mine", "created_at"]
        read_only_fields = fields

    def get_author(self, answer: Answer) -> str:
        return _name(answer.author)

    def get_is_accepted(self, answer: Answer) -> bool:
        accepted = self.context.get("accepted_answer_id", answer.question.accepted_answer_id)
        return bool(accepted == answer.pk)

    def get_is_mine(self, answer: Answer) -> bool:
        return bool(answer.author_id == self.context["request"].user.pk)


class LessonQuestionSerializer(serializers.ModelSerializer):
    """A visible question with its visible answers (oldest first), as `lesson_questions` reads them."""

    author = serializers.SerializerMethodField(help_text="The asker's first name, else their user name.")
    timestamp = serializers.IntegerField(
        source="timestamp_seconds", allow_null=True, help_text="Seconds into the lesson's media; null when none."
    )
    accepted_answer = serializers.SerializerMethodField(
        help_text="The id of the accepted answer while it shows; null when none is accepted."
    )
    answers = serializers.SerializerMethodField()
    is_mine = serializers.SerializerMethodField(help_text="The caller asked it: they may accept an answer.")
    following = serializers.SerializerMethodField(help_text="The caller hears of new answers by e-mail.")

    class Meta:
        model = Question
        fields = ["id", "lesson", "author", "text", "timestamp", "accepted_answer", "answers", "is_mine",
                  "following", "created_at"]  # fmt: skip
        read_only_fields = fields

    def get_author(self, question: Question) -> str:
        return _name(question.author)

    def get_accepted_answer(self, question: Question) -> int | None:
        shown = {answer.pk for answer in question.visible_answers}  # type: ignore[attr-defined]
        return question.accepted_answer_id if question.accepted_answer_id in shown else None

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, question: Question) -> list[dict[str, Any]]:
        context = {**self.context, "accepted_answer_id": question.accepted_answer_id}
        return list(AnswerSerializer(question.visible_answers, many=True, context=context).data)  # type: ignore[attr-defined]

    def get_is_mine(self, question: Question) -> bool:
        return bool(question.author_id == self.context["request"].user.pk)

    def get_following(self, question: Question) -> bool:
        return question.pk in self.context.get("followed", set())


class QuestionAskSerializer(serializers.Serializer):
    # Bounds and messages are the service's (the page's too); the field only takes the type.
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Plain text, up to 2000 characters."
    )
    timestamp = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="Seconds into the lesson's media the question is about (0 to its length).",
    )  # fmt: skip


class AnswerWriteSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Plain text, up to 2000 characters."
    )


class QaReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=QaReport.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField(help_text="Whether the caller follows the question now.")


# ------------------------------------------------------------------------------ assignment submissions
class SubmissionImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The image, for the same callers as the submission.")
    thumbnail_url = serializers.SerializerMethodField(help_text="Its JPEG thumbnail.")

    class Meta:
        model = SubmissionImage
        fields = ["id", "content_type", "width", "height", "size", "url", "thumbnail_url"]
        read_only_fields = fields

    def _url(self, image: SubmissionImage, kind: str) -> str:
        path = reverse("submission-image", args=[image.submission_id, image.pk]) + f"?kind={kind}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, image: SubmissionImage) -> str:
        return self._url(image, "full")

    def get_thumbnail_url(self, image: SubmissionImage) -> str:
        return self._url(image, "thumb")


class GradeSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(help_text="Empty when the rubric has no English name.")
    max_points = serializers.IntegerField()
    points = serializers.IntegerField()


class FeedbackSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    max_points = serializers.IntegerField(source="assignment.max_points")
    comment = serializers.CharField()
    grades = serializers.SerializerMethodField(help_text="Points per rubric criterion, in the rubric's order.")
    reviewed_by = serializers.SerializerMethodField(help_text="The reviewer's first name, else their user name.")
    reviewed_at = serializers.DateTimeField()

    @extend_schema_field(GradeSerializer(many=True))
    def get_grades(self, submission: Submission) -> list[dict[str, Any]]:
        return [
            {"name_zh": c["name_zh"], "name_en": c.get("name_en", ""), "max_points": c["max_points"], "points": points}
            for c, points in zip(submission.assignment.rubric, submission.grades, strict=False)
        ]

    def get_reviewed_by(self, submission: Submission) -> str | None:
        return _name(submission.reviewed_by) if submission.reviewed_by is not None else None


class LearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField(help_text="First name, else user name.")

    def get_name(self, user: Any) -> str:
        return _name(user)


class SubmissionClipSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="`video` or `audio`.")
    status = serializers.CharField(help_text="The conversion's status: queued, running, succeeded, failed.")
    progress = serializers.FloatField()
    duration_seconds = serializers.FloatField()


class SubmissionSerializer(serializers.ModelSerializer):
    lesson = serializers.IntegerField(source="assignment.lesson_id", read_only=True)
    learner = LearnerSerializer(read_only=True)
    images = SubmissionImageSerializer(many=True, read_only=True)
    clip = serializers.SerializerMethodField(help_text="The clip and its conversion, for a clip assignment; else null.")
    feedback = serializers.SerializerMethodField(help_text="The instructor's feedback; null until reviewed.")

    class Meta:
        model = Submission
        fields = ["id", "lesson", "assignment", "learner", "attempt", "note", "status", "created_at", "images",
                  "clip", "feedback", "published_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(SubmissionClipSerializer(allow_null=True))
    def get_clip(self, submission: Submission) -> dict[str, Any] | None:
        clip = getattr(submission, "clip", None)
        return dict(SubmissionClipSerializer(clip).data) if clip is not None else None

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, submission: Submission) -> dict[str, Any] | None:
        if submission.reviewed_at is None:
            return None
        return dict(FeedbackSerializer(submission).data)


class SubmissionUploadSerializer(serializers.Serializer):
    # Checked by the service as on the page: 1 to ASSIGNMENT_MAX_IMAGES JPEG, PNG, WebP or HEIC
    # images, or, for an assignment that takes one, an audio or video clip.
    images = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    clip = serializers.FileField(required=False, default=None, help_text="For an assignment that takes a clip.")
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
