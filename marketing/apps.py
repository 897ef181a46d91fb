from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    """Joint campaigns, attribution, coupons, bundles and campaign scores (built on `courses` and `surveys`)."""

    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from courses import hooks
        from surveys import hooks as survey_hooks

        from .selectors import tracked_link_campaign_channel
        from .services import MarketingCheckout, course_pairings_refresh_later
        from .services.bundles import BUNDLE
        from .services.checkout import COUPON

        hooks.register(MarketingCheckout())
        hooks.register_adjustment_label(COUPON, _("Coupon"))
        hooks.register_adjustment_label(BUNDLE, _("Bundle price"))
        survey_hooks.register_link_resolver(tracked_link_campaign_channel)
        # A course's new text moves its embedding and skills: its pairing suggestions follow.
        hooks.register_course_text_changed(course_pairings_refresh_later)
