"""A statement as an A4 PDF (fpdf2, as the certificates): bilingual labels, lines by course and
campaign, then the totals. Drawn on request from the immutable statement and its lines."""

from typing import TYPE_CHECKING

from django.utils import timezone

from platform_site.fonts import cjk_font_required

from .models import Statement
from .selectors import StatementRow

if TYPE_CHECKING:
    from django.http import HttpResponse

# Column widths in mm (A4 portrait less 15 mm margins: 180 mm).
COLUMNS = (52.0, 38.0, 14.0, 19.0, 19.0, 19.0, 19.0)


def render_statement_pdf(*, statement: Statement, rows: list[StatementRow]) -> bytes:
    """Return `statement` as a PDF; raises FontMissing (an ApplicationError) without a Chinese font."""
    from fpdf import FPDF

    font = cjk_font_required()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    partner = statement.partner
    pdf.set_title(f"{partner.name_zh} · {statement.month:%Y-%m} · {statement.currency}")
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.index)
    pdf.add_page()

    pdf.set_font("cjk", size=18)
    pdf.cell(w=0, h=10, text="结算单 / Statement", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    name = partner.name_zh + (f" ({partner.name_en})" if partner.name_en else "")
    issued = timezone.localtime(statement.issued_at)
    for label, value in (
        ("合作方 / Partner", name),
        ("月份 / Month", f"{statement.month:%Y-%m}"),
        ("币种 / Currency", statement.currency),
        ("出具时间 / Issued", f"{issued:%Y-%m-%d %H:%M}"),
    ):
        pdf.cell(w=45, h=7, text=label)
        pdf.cell(w=0, h=7, text=value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("cjk", size=8)
    header = (
        "课程 Course",
        "活动 Campaign",
        "订单 Orders",
        "销售 Sales",
        "退款 Refunds",
        "佣金 Commission",
        "净额 Net",
    )
    pdf.set_fill_color(243, 244, 246)
    for width, text in zip(COLUMNS, header, strict=True):
        pdf.cell(w=width, h=8, text=text, border=1, fill=True)
    pdf.ln()
    for row in rows:
        cells = (
            row.course.title_zh,
            row.campaign.name_zh if row.campaign else "—",
            str(row.orders),
            str(row.sales),
            str(row.refunds),
            str(row.commission),
            str(row.net),
        )
        for i, (width, text) in enumerate(zip(COLUMNS, cells, strict=True)):
            # Long titles are cut to the column: the CSV carries them whole.
            while len(text) > 1 and pdf.get_string_width(text) > width - 2:
                text = text[:-2] + "…"
            pdf.cell(w=width, h=7, text=text, border=1, align="R" if i >= 2 else "L")
        pdf.ln()
    pdf.ln(4)

    pdf.set_font("cjk", size=11)
    for label, amount in (
        ("期初余额 / Opening balance", statement.opening_balance),
        ("销售额 / Sales", statement.sales),
        ("退款 / Refunds", statement.refunds),
        ("平台佣金 / Platform commission", statement.commission),
        ("净额 / Net", statement.net),
        ("期末余额 / Closing balance", statement.closing_balance),
        ("应付金额 / Amount due", statement.amount_due),
    ):
        pdf.cell(w=80, h=7, text=label)
        pdf.cell(w=40, h=7, text=f"{amount} {statement.currency}", align="R", new_x="LMARGIN", new_y="NEXT")
    if statement.paid_on:
        pdf.cell(w=80, h=7, text="付款日期 / Paid on")
        pdf.cell(w=0, h=7, text=f"{statement.paid_on:%Y-%m-%d} · {statement.payout_reference}")
    return bytes(pdf.output())


def statement_pdf_response(*, statement: Statement) -> "HttpResponse":
    """The statement's PDF as a download: one writer for the workspace and the partner API."""
    from django.http import HttpResponse

    from .selectors import statement_rows

    body = render_statement_pdf(statement=statement, rows=statement_rows(statement=statement))
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"statement-{statement.partner.slug}-{statement.month:%Y-%m}-{statement.currency}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
