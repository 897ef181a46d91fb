"""The catalogue's filters, shared by the learner pages and the REST API."""

import copy
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import hooks
from .models import Course, Partner

# The empty choice of every select: Django's default is "---------".
ALL = _("All")


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    track = django_filters.ChoiceFilter(choices=Course.Track.choices, label=_("Track"), empty_label=ALL)
    level = django_filters.ChoiceFilter(choices=Course.Level.choices, label=_("Level"), empty_label=ALL)
    language = django_filters.ChoiceFilter(
        choices=Course.Language.choices, label=_("Teaching language"), empty_label=ALL
    )
    partner = django_filters.ModelChoiceFilter(
        field_name="partners",
        to_field_name="slug",
        queryset=Partner.objects.all(),
        label=_("Partner"),
        empty_label=ALL,
    )
    price_min = django_filters.NumberFilter(field_name="price", lookup_expr="gte", label=_("Min. price"), min_value=0)
    price_max = django_filters.NumberFilter(field_name="price", lookup_expr="lte", label=_("Max. price"), min_value=0)
    # Explicit choices: django-filter's generated ones read "Price (descending)", which no
    # shopper says; each direction a shopper wants gets its own words.
    ordering = django_filters.OrderingFilter(
        fields=(("published_at", "newest"), ("price", "price")),
        choices=[
            ("-newest", _("Newest first")),
            ("newest", _("Oldest first")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
        ],
        label=_("Sort by"),
        # No empty choice: the catalogue's default order is "newest first", the first option.
        empty_label=None,
    )

    class Meta:
        model = Course
        fields = ["q", "track", "level", "language", "partner", "price_min", "price_max"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters other apps plug in (the skill filter of `ml`), added before the form is built.
        for name, extra in hooks.course_filters().items():
            extra = copy.deepcopy(extra)
            extra.field_name = extra.field_name or name
            extra.parent = self
            extra.model = Course
            self.filters[name] = extra

    def filter_text(self, queryset: QuerySet[Course], name: str, value: str) -> QuerySet[Course]:
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title_zh__icontains=word)
                | Q(title_en__icontains=word)
                | Q(description_zh__icontains=word)
                | Q(description_en__icontains=word)
            )
        return queryset
