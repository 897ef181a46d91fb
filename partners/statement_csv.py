"""A statement as CSV (opens in a Chinese spreadsheet: `csv_response` writes the BOM): lines by
course and campaign, then the totals. The one writer behind the workspace's and the API's download."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from platform_site.csv_export import csv_response

from .models import Statement
from .selectors import statement_rows


def statement_csv_response(*, statement: Statement) -> StreamingHttpResponse:
    """Return `statement` (its partner selected) as a CSV download, in the request's language."""
    header = [_("Course"), _("Campaign"), _("Orders"), _("Sales"), _("Refunds"), _("Platform commission"), _("Net")]
    lines: list[list[object]] = [
        [row.course.title, row.campaign.name if row.campaign else "", row.orders, row.sales, row.refunds,
         row.commission, row.net]
        for row in statement_rows(statement=statement)
    ]  # fmt: skip
    totals = [
        (_("Opening balance"), statement.opening_balance),
        (_("Sales"), statement.sales),
        (_("Refunds"), statement.refunds),
        (_("Platform commission"), statement.commission),
        (_("Net"), statement.net),
        (_("Closing balance"), statement.closing_balance),
        (_("Amount due"), statement.amount_due),
    ]
    blank = [""] * (len(header) - 2)
    lines += [
        [],
        [_("Statement"), f"{statement.partner.name} · {statement.month:%Y-%m} · {statement.currency}", *blank],
    ]
    lines += [[label, *blank, amount] for label, amount in totals]
    filename = f"statement-{statement.partner.slug}-{statement.month:%Y-%m}-{statement.currency}.csv"
    return csv_response(filename=filename, header=header, rows=lines)
