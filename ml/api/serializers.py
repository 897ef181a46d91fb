from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from ml import selectors
from ml.models import CourseSkill, ModelVersion, TaggingJob, TrainingCorpus, TrainingJob
from ml.training_config import BATCH_SIZE, EPOCHS, LEARNING_RATE, MAX_LENGTH, PATIENCE, SOURCES, Limit


def _limited(limit: Limit) -> serializers.Field:
    """A number field with the one definition's bounds (ml/training_config.py); optional."""
    if limit.kind is int:
        return serializers.IntegerField(required=False, min_value=int(limit.low), max_value=int(limit.high))
    return serializers.FloatField(required=False, min_value=limit.low, max_value=limit.high)


class TrainingJobCreateSerializer(serializers.Serializer):
    # Which base models are allowed is the service's check: a field error, like the others.
    base_model = serializers.CharField(required=False, max_length=300)
    epochs = _limited(EPOCHS)
    learning_rate = _limited(LEARNING_RATE)
    batch_size = _limited(BATCH_SIZE)
    max_length = _limited(MAX_LENGTH)
    patience = _limited(PATIENCE)
    sources = serializers.ListField(child=serializers.ChoiceField(choices=SOURCES), required=False, allow_empty=False)
    corpora = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)
    activate = serializers.BooleanField(required=False)


class TrainingCorpusCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    file = serializers.FileField()


class TrainingCorpusSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingCorpus
        fields = ["id", "name", "examples", "spans", "created_at"]


class TrainingJobSerializer(serializers.ModelSerializer):
    model_version: serializers.SlugRelatedField[ModelVersion] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )

    class Meta:
        model = TrainingJob
        fields = ["id", "status", "progress", "epoch", "metrics", "dataset", "params", "error", "device",
                  "heartbeat_at", "attempts", "cancel_requested", "model_version", "created_at", "started_at",
                  "finished_at"]  # fmt: skip


class ModelVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = ["id", "name", "base_model", "labels", "metrics", "is_active", "created_at"]


class TaggingJobCreateSerializer(serializers.Serializer):
    model_version = serializers.SlugRelatedField(slug_field="name", queryset=ModelVersion.objects.all(), required=False)
    courses = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Course.objects.all(), required=False)


class TaggingJobSerializer(serializers.ModelSerializer):
    model_version: serializers.SlugRelatedField[ModelVersion] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )

    class Meta:
        model = TaggingJob
        fields = ["id", "status", "progress", "tagged", "course_ids", "model_version", "error", "device",
                  "heartbeat_at", "created_at", "started_at", "finished_at"]  # fmt: skip


class CourseSkillSerializer(serializers.ModelSerializer):
    course: "serializers.SlugRelatedField[Course]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CourseSkill
        fields = ["id", "course", "language", "start", "end", "text", "type", "confidence", "review"]


class CourseTagSerializer(serializers.Serializer):
    text = serializers.CharField()
    type = serializers.CharField()
    language = serializers.CharField()
    confidence = serializers.FloatField()


@extend_schema_field(CourseTagSerializer(many=True))
class CourseTagsField(serializers.Field):
    """The skills the active model found in a course, one entry per skill and text language."""

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, course: Any) -> list[dict[str, Any]]:
        return [
            {
                "text": row.text.strip(),
                "type": row.type,
                "language": row.language,
                "confidence": round(row.confidence, 3),
            }
            for row in selectors.course_skills(course)
        ]
