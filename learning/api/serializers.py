from rest_framework import serializers

from courses.models import Course
from learning.models import LessonProgress


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
