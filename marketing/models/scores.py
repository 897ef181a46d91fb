"""Snapshots of a campaign's three scores."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign


class CampaignScore(models.Model):
    """One computation of a campaign's three scores, with the inputs and counts behind them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scores")
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    respondents = models.PositiveIntegerField(_("respondents"))
    visitors = models.PositiveIntegerField(_("reached visitors"))
    d_k = models.FloatField(null=True)
    d_a = models.FloatField(null=True)
    r_k = models.FloatField(null=True)
    r_a = models.FloatField(null=True)
    e = models.FloatField(null=True)
    # None: not enough data (fewer respondents or visitors than the settings ask for).
    f = models.FloatField(null=True)
    g = models.FloatField(null=True)
    h = models.FloatField(null=True)
    observed_demand = models.FloatField(_("observed share wanting either"), null=True)
    observed_buyers = models.FloatField(_("observed share buying either"), null=True)
    revenue_knowledge = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    revenue_art = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    manual_channels = models.PositiveIntegerField(_("channels with a manual effect"), default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("campaign score")
        verbose_name_plural = _("campaign scores")
        indexes = [models.Index(fields=["campaign", "-computed_at"], name="score_campaign_time_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"
