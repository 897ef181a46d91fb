from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ModelPermissionsWithView(DjangoModelPermissions):
    """DjangoModelPermissions that also guards reads: GET needs the model's view permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


# Dates the API takes: well inside what every time zone renders with an RFC 3339 offset. Before
# about 1901 zoneinfo gives local mean time (Asia/Shanghai: +08:05:43, not RFC 3339), and near year
# 9999 the local time of a UTC instant overflows (a 500); "until 9999-12-30" still reads "never ends".
EARLIEST_DATETIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATETIME = datetime(9999, 12, 30, tzinfo=UTC)


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between EARLIEST_DATETIME and LATEST_DATETIME; outside them a 400 says so."""

    default_error_messages = {"out_of_range": _("Give a date and time between {earliest} and {latest} (UTC).")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Between 2000-01-01T00:00:00Z and 9999-12-30T00:00:00Z.")
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        parsed = super().to_internal_value(value)
        if not EARLIEST_DATETIME <= parsed <= LATEST_DATETIME:
            self.fail("out_of_range", earliest="2000-01-01", latest="9999-12-30")
        return parsed


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, with model date-times taken as BoundedDateTimeField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
    }
