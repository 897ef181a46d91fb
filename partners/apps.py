from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner members and roles and the partner workspace at /partner/ (built on `courses` and `marketing`)."""

    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from courses import hooks as course_hooks
        from learning import hooks as learning_hooks
        from marketing import hooks

        from .agreements import check_campaign_agreed
        from .ledger import LedgerOnOrders
        from .selectors import campaign_split_amounts, course_staff, course_staff_may_open

        hooks.register_start_check(check_campaign_agreed)
        hooks.register_split_source(campaign_split_amounts)
        learning_hooks.register_course_staff(course_staff)
        course_hooks.register_lesson_access(course_staff_may_open)
        course_hooks.register(LedgerOnOrders())
