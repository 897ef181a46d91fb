"""Pairing suggestions: a knowledge course and an art course worth a joint campaign, and why."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course


class CoursePairing(models.Model):
    """One knowledge × art pair's pairing score and the named factors it is the sum of.

    Written only by `services.course_pairings_refresh` (a task), read by `selectors.pairing_list`.
    `factors` holds, per factor, its value in [0, 1], its weight and its part (weight × value);
    the parts add up to `score`. `details` holds what a manager reads the values from (the
    shared and complementary skills, the lift, Dk and Da, the past campaign and its g and h)."""

    knowledge = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="pairings_as_knowledge", verbose_name=_("knowledge course")
    )
    art = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="pairings_as_art", verbose_name=_("art course")
    )
    score = models.FloatField(_("pairing score"))
    factors = models.JSONField(_("factors"), default=dict)
    details = models.JSONField(_("details"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-score", "knowledge_id", "art_id"]
        verbose_name = _("pairing suggestion")
        verbose_name_plural = _("pairing suggestions")
        constraints = [models.UniqueConstraint(fields=["knowledge", "art"], name="course_pairing_once")]
        indexes = [models.Index(fields=["-score"], name="course_pairing_score_idx")]

    def __str__(self) -> str:
        return f"{self.knowledge} × {self.art}"

    def part(self, name: str) -> float:
        return float(self.factors.get(name, {}).get("part", 0.0))

    def value(self, name: str) -> float:
        return float(self.factors.get(name, {}).get("value", 0.0))
