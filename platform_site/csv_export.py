"""CSV files the admin hands out, made for the spreadsheet a course manager opens them in.

Excel and WPS read a CSV without a byte-order mark in the machine's legacy code page (GBK on a
Chinese Windows), so every Chinese title turned to mojibake; with the mark they read UTF-8.
Timestamps are written in the site's time zone, as the admin shows them, not in UTC.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"


class _Echo:
    def write(self, value: str) -> str:
        return value


def local_time(value: datetime | None) -> str:
    """Return `value` in the site's time zone as `YYYY-MM-DD HH:MM:SS` (empty for None)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def csv_response(*, filename: str, header: Sequence[object], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Stream `header` and `rows` as a UTF-8 CSV attachment that starts with a byte-order mark."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
