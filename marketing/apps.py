from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    """Joint campaigns, attribution, surveys and campaign scores (built on top of `courses`)."""

    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from courses import hooks

        from .services import MarketingCheckout

        hooks.register(MarketingCheckout())
