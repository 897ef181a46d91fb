"""Surveys, their questions and choices, and the responses with their answers.

The tables were created by `marketing` and keep their names (`db_table`): the app moved, the rows
did not. A survey and a response point at marketing's campaign and channel by lazy reference
("marketing.Campaign"): `surveys` holds these columns, `marketing` reads the counts it needs
through `surveys.selectors`, and `surveys` imports nothing of marketing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.i18n import Translated


class Dimension(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Wants knowledge content")
    ART = "art", _("Wants art training")


class Survey(models.Model):
    class Purpose(models.TextChoices):
        DEMAND_RESEARCH = "demand_research", _("Demand research")
        FEEDBACK = "feedback", _("Feedback")

    slug = models.SlugField(_("slug"), unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    campaign = models.ForeignKey(
        "marketing.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("campaign"),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    allow_anonymous = models.BooleanField(_("anonymous answers allowed"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    title = Translated("title")
    intro = Translated("intro")

    class Meta:
        db_table = "marketing_survey"
        ordering = ["-opens_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="survey_opens_before_closes")
        ]

    def __str__(self) -> str:
        return self.title_zh

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey", args=[self.slug])


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Likert scale 1-5")
        NPS = "nps", _("Net promoter score 0-10")
        TEXT = "text", _("Free text")
        NUMBER = "number", _("Number")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    text_zh = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=True)
    # Which want an answer to this question can show; see services.answer_shows_want for the rule.
    dimension = models.CharField(_("demand dimension"), max_length=16, choices=Dimension.choices, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)

    text = Translated("text")

    class Meta:
        db_table = "marketing_question"
        ordering = ["survey", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text_zh}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(_("position"))
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # Choosing it shows the question's demand dimension ("yes, I would take such a course").
    shows_want = models.BooleanField(_("shows the want"), default=False)

    label = Translated("label")

    class Meta:
        db_table = "marketing_choice"
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique")]

    def __str__(self) -> str:
        return self.label_zh


class Response(models.Model):
    """One submitted survey. The wants are derived once, at submission, for cheap aggregates."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    campaign = models.ForeignKey(
        "marketing.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    channel = models.ForeignKey(
        "marketing.Channel", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    # Chosen by the form (or API client): a retried or double-clicked submit stores one response.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    wants_knowledge = models.BooleanField(_("wants knowledge content"), default=False)
    wants_art = models.BooleanField(_("wants art training"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        db_table = "marketing_response"
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "idempotency_key"], name="response_idempotency_key_unique"),
            models.UniqueConstraint(
                fields=["survey", "respondent"], condition=Q(respondent__isnull=False), name="response_one_per_learner"
            ),
        ]
        indexes = [models.Index(fields=["campaign"], name="response_campaign_idx")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")

    class Meta:
        db_table = "marketing_answer"
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
