from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from ml import selectors
from ml.models import CourseSkill, ModelVersion, TaggingJob, TrainingCorpus, TrainingJob
from ml.training_config import LIMITS, SOURCES


class TrainingJobCreateSerializer(serializers.Serializer):
    base_model = serializers.CharField(required=False, max_length=300)
    epochs = serializers.IntegerField(required=False, min_value=LIMITS["epochs"][0], max_value=LIMITS["epochs"][1])
    learning_rate = serializers.FloatField(
        required=False, min_value=LIMITS["learning_rate"][0], max_value=LIMITS["learning_rate"][1]
    )
    batch_size = serializers.IntegerField(
        required=False, min_value=LIMITS["batch_size"][0], max_value=LIMITS["batch_size"][1]
    )
    max_length = serializers.IntegerField(
        required=False, min_value=LIMITS["max_length"][0], max_value=LIMITS["max_length"][1]
    )
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
    model_version = serializers.SlugRelatedField(slug_field="name", read_only=True)

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
    model_version = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = TaggingJob
        fields = ["id", "status", "progress", "tagged", "course_ids", "model_version", "error", "device",
                  "heartbeat_at", "created_at", "started_at", "finished_at"]  # fmt: skip


class CourseSkillSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
