"""Django's own strings that its zh-hans catalogue lacks (new in 5.2), translated in ours.

Nothing imports this module: `makemessages` reads the strings from it, and the project's
catalogue (LOCALE_PATHS) comes before Django's, so the admin shows them in Chinese too.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    # admin/app_list.html: column headings read by screen readers.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
