from django.db.models import Model
from rest_framework import serializers

from surveys.models import Choice, Question, Response, Survey


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "position", "label_zh", "label_en"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "text_zh", "text_en", "kind", "required", "dimension", "min_value", "max_value",
                  "choices"]  # fmt: skip


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    campaign: "serializers.SlugRelatedField[Model]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Survey
        fields = ["slug", "title_zh", "title_en", "intro_zh", "intro_en", "purpose", "campaign", "opens_at",
                  "closes_at", "allow_anonymous", "questions"]  # fmt: skip


class SurveySubmissionSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="Question id → answer: a choice id, a list of ids, a number or text."
    )
    c = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text="Tracked link code.")


class ResponseSerializer(serializers.ModelSerializer):
    survey: "serializers.SlugRelatedField[Survey]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Response
        fields = ["id", "survey", "campaign", "channel", "wants_knowledge", "wants_art", "submitted_at"]
