from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from learning.models import LessonProgress, Review, ReviewReport


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
        return dict(ReviewReplySerializer(reply).data) if reply is not None else None


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, trim_whitespace=True, default="")


class ReviewReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReviewReport.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReviewMarkSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when this learner had already done it (nothing changed).")
