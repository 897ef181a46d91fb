"""The certificate PDF: bilingual, co-branded with the course's partners, with a QR code of its
public verification page. Built with fpdf2 and a CJK font found on the machine."""

import io
import logging

import qrcode
from django.utils import timezone
from fpdf import FPDF

from platform_site.fonts import cjk_font_required

from .models import Certificate

logger = logging.getLogger(__name__)


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def render_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """Return the certificate as an A4 landscape PDF."""
    font = cjk_font_required()
    course = certificate.course
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{course.title_zh} · {certificate.serial}")
    pdf.add_page()
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.index)
    pdf.set_draw_color(180, 150, 90)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)

    # Partner logos, side by side at the top: the co-branding.
    partners = list(course.partners.all())
    logos = [p for p in partners if p.logo]
    x = 148.5 - 22 * len(logos)
    for partner in logos:
        try:
            with partner.logo.open("rb") as handle:
                pdf.image(io.BytesIO(handle.read()), x=x, y=22, h=18, keep_aspect_ratio=True, w=40)
        except (OSError, ValueError, RuntimeError):  # a missing or unreadable logo: the name still shows
            logger.warning("Logo of partner %s could not be drawn", partner.pk, exc_info=True)
        x += 44

    def line(text: str, size: float, y: float, colour: tuple[int, int, int] = (31, 36, 48)) -> None:
        pdf.set_font("cjk", size=size)
        pdf.set_text_color(*colour)
        pdf.set_xy(20, y)
        pdf.cell(w=257, h=size * 0.5, text=text, align="C")

    line("结业证书", 30, 46)
    line("Certificate of Completion", 16, 60, (107, 114, 128))
    line("兹证明 / This certifies that", 12, 78, (107, 114, 128))
    line(certificate.name, 28, 88)
    line("已完成课程 / has completed the course", 12, 106, (107, 114, 128))
    line(course.title_zh, 20, 116)
    if course.title_en:
        line(course.title_en, 14, 128, (75, 85, 99))
    names = " × ".join(p.name_zh + (f" ({p.name_en})" if p.name_en else "") for p in partners)
    if names:
        line(f"联合出品 / In partnership with: {names}", 11, 142, (75, 85, 99))
    issued = timezone.localtime(certificate.issued_at)
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(75, 85, 99)
    pdf.set_xy(24, 168)
    pdf.multi_cell(w=150, h=6, text=(
        f"完成日期 / Date: {issued:%Y-%m-%d}\n"
        f"证书编号 / Serial: {certificate.serial}\n"
        f"验证 / Verify: {verify_url}"
    ))  # fmt: skip
    pdf.image(_qr_png(verify_url), x=244, y=156, w=32, h=32)
    return bytes(pdf.output())
