"""Where visitors, learners and orders came from: visits through links, first and last touches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Order

from .campaigns import Campaign, Channel, TrackedLink


class Visit(models.Model):
    """One visitor's visit through a link on one day (later visits that day are not counted again)."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="visits")
    # Denormalised from the link: stats group by them without joins.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="visits")
    visitor = models.CharField(_("visitor"), max_length=36)
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["link", "visitor", "day"], name="visit_once_per_day")]
        indexes = [models.Index(fields=["campaign", "channel"], name="visit_campaign_channel_idx")]

    def __str__(self) -> str:
        return f"{self.link} {self.day} {self.visitor}"


class Touch(models.Model):
    """Where a learner or an order came from: the first and the last campaign touch."""

    first_campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="+")
    first_channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    last_campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="+")
    last_channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    first_touched_at = models.DateTimeField(_("first touched at"))
    last_touched_at = models.DateTimeField(_("last touched at"))
    utm = models.JSONField(_("UTM parameters"), default=dict, blank=True)

    class Meta:
        abstract = True


class LearnerAttribution(Touch):
    """Recorded at a learner's first signed-in request that carries campaign touches."""

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attribution")
    # The learner signed up after the first touch: counts as a sign-up the campaign brought.
    signed_up = models.BooleanField(_("signed up after the touch"), default=False)

    class Meta:
        verbose_name = _("learner attribution")
        verbose_name_plural = _("learner attributions")

    def __str__(self) -> str:
        return f"{self.learner} ← {self.first_campaign}"


class OrderAttribution(Touch):
    """The touches an order came with, and the learner who referred it, captured at checkout."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="attribution")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_orders"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("order attribution")
        verbose_name_plural = _("order attributions")
        indexes = [models.Index(fields=["last_campaign", "last_channel"], name="order_attr_last_idx")]

    def __str__(self) -> str:
        return f"{self.order} ← {self.last_campaign}"
