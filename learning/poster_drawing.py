"""Draws a learner's share poster with Pillow: the artwork, the course, the partners, an optional
name and a QR code of the learner's link. Pure: it gets every text already translated and every
image already opened, and returns JPEG bytes, so that it runs the same in a test, a bench or a view.
"""

import io
import re
from dataclasses import dataclass, field
from functools import cache

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont, ImageOps

from platform_site.fonts import cjk_font

# Bump when the layout changes: the fingerprints change with it, so stored posters are drawn again.
LAYOUT_VERSION = 1
# (width, height). Phone: a full 9:16 screen. Moments: 3:4, the tallest a single picture in a
# WeChat Moments feed is shown whole (taller ones are cropped in the feed; 9-grid tiles are square).
SIZES: dict[str, tuple[int, int]] = {"phone": (1080, 1920), "moments": (1080, 1440)}
# 4:4:4 chroma: no colour bleeding around the QR code's modules and the small text.
JPEG_OPTIONS: dict[str, object] = {"quality": 90, "subsampling": 0, "optimize": True}

PAPER = (251, 250, 247)
INK = (31, 36, 48)
MUTED = (86, 93, 105)
LINE = (230, 226, 218)
ACCENT = (194, 65, 12)  # the site's art colour
CARD = (255, 255, 255)


@dataclass(frozen=True)
class PosterTexts:
    caption: str  # "My work from the course"
    title: str  # the course's title
    name_line: str  # "by <name>", or empty
    call: str  # "Scan to learn with me"
    hint: str  # under the call: the campaign, or where the code leads
    partners: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PosterInput:
    size: str
    artwork: Image.Image
    texts: PosterTexts
    qr_text: str
    logos: list[Image.Image] = field(default_factory=list)


_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+|\\s+")


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    font = cjk_font(bold=bold)
    if font is None:  # no CJK font on this machine: Latin only, Chinese shows as boxes
        return ImageFont.load_default(size)
    return ImageFont.truetype(font.path, size, index=font.index)


def _tokens(text: str) -> list[str]:
    # A CJK character is a token of its own (lines break between any two); other runs break at spaces.
    return _TOKEN.findall(text)


def wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, *, max_lines: int) -> list[str]:
    """Break `text` into at most `max_lines` lines no wider than `width`; the last ends in … if cut."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if font.getlength(line + token) <= width or not line.strip():
            line += token
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def qr_image(text: str, side: int) -> Image.Image:
    """A QR code of `text`, `side` pixels square, whole modules only (no resampling blur)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    modules = code.modules_count + 2 * code.border
    code.box_size = max(1, side // modules)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    canvas = Image.new("RGB", (side, side), "white")
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    return canvas


def _line_height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    _left, top, _right, bottom = font.getbbox("国Ag")
    return int((bottom - top) * 1.35)


def draft_size(size: str) -> tuple[int, int]:
    """What a JPEG artwork needs to decode to at least (for `Image.draft`): the artwork's box is
    at most the poster's inner width wide, and whichever side limits it, this keeps that side whole."""
    width, _height = SIZES[size]
    inner = width - 2 * (width // 14)
    return inner, inner // 2


def draw(data: PosterInput) -> tuple[bytes, int, int]:
    """Return the poster as JPEG bytes, with its width and height."""
    width, height = SIZES[data.size]
    margin = width // 14
    inner = width - 2 * margin
    poster = Image.new("RGB", (width, height), PAPER)
    pen = ImageDraw.Draw(poster)
    pen.rectangle([0, 0, width, 14], fill=ACCENT)
    y = margin

    # The partners: their logos side by side, then their names, "A × B".
    if data.logos:
        logo_h, gap = 84, 36
        fitted = [ImageOps.contain(logo, (260, logo_h)) for logo in data.logos]
        x = (width - sum(f.width for f in fitted) - gap * (len(fitted) - 1)) // 2
        for logo in fitted:
            poster.paste(logo, (x, y + (logo_h - logo.height) // 2), logo if logo.mode == "RGBA" else None)
            x += logo.width + gap
        y += logo_h + 20
    if data.texts.partners:
        font = _font(34)
        names = wrap("  ×  ".join(data.texts.partners), font, inner, max_lines=1)[0]
        pen.text((width // 2, y), names, font=font, fill=MUTED, anchor="ma")
        y += _line_height(font) + 16

    # The bottom card (QR code and call) and the texts above it are laid out from the foot up,
    # so that the artwork takes whatever height is left.
    qr_side = 300 if data.size == "phone" else 270
    pad = 32
    card_h = qr_side + 2 * pad
    card_top = height - margin - card_h
    caption_font, title_font, name_font = _font(32), _font(56, bold=True), _font(34)
    title_lines = wrap(data.texts.title, title_font, inner, max_lines=2)
    text_h = _line_height(caption_font) + 8 + _line_height(title_font) * len(title_lines)
    if data.texts.name_line:
        text_h += 8 + _line_height(name_font)
    text_top = card_top - 40 - text_h

    # The artwork, whole (never cropped), on a white mat with a hairline, centred in its box.
    mat = 18
    box_top, box_bottom = y + 12, text_top - 36
    box_w, box_h = inner - 2 * mat, max(120, box_bottom - box_top - 2 * mat)
    art = data.artwork
    if art.mode not in ("RGB", "L"):
        art = art.convert("RGB")
    if art.width > box_w or art.height > box_h:
        # reducing_gap: a cheap box reduction first, then Lanczos over the last factor of 2.
        art = art.copy() if art is data.artwork else art
        art.thumbnail((box_w, box_h), Image.Resampling.LANCZOS, reducing_gap=2.0)
    else:  # a small picture is enlarged to the box
        art = ImageOps.contain(art, (box_w, box_h), method=Image.Resampling.LANCZOS)
    frame_w, frame_h = art.width + 2 * mat, art.height + 2 * mat
    frame_x = (width - frame_w) // 2
    frame_y = box_top + (box_bottom - box_top - frame_h) // 2
    pen.rectangle([frame_x + 6, frame_y + 8, frame_x + frame_w + 6, frame_y + frame_h + 8], fill=LINE)
    pen.rectangle([frame_x, frame_y, frame_x + frame_w, frame_y + frame_h], fill=CARD, outline=LINE, width=2)
    poster.paste(art, (frame_x + mat, frame_y + mat))

    y = text_top
    pen.text((margin, y), data.texts.caption, font=caption_font, fill=ACCENT)
    y += _line_height(caption_font) + 8
    for line in title_lines:
        pen.text((margin, y), line, font=title_font, fill=INK)
        y += _line_height(title_font)
    if data.texts.name_line:
        y += 8
        pen.text((margin, y), data.texts.name_line, font=name_font, fill=MUTED)

    pen.rounded_rectangle([margin, card_top, width - margin, card_top + card_h], radius=20, fill=CARD,
                          outline=LINE, width=2)  # fmt: skip
    qr_x = width - margin - pad - qr_side
    poster.paste(qr_image(data.qr_text, qr_side), (qr_x, card_top + pad))
    call_font, hint_font = _font(46, bold=True), _font(30)
    text_w = qr_x - margin - 2 * pad
    ty = card_top + pad + 10
    for line in wrap(data.texts.call, call_font, text_w, max_lines=2):
        pen.text((margin + pad, ty), line, font=call_font, fill=INK)
        ty += _line_height(call_font)
    ty += 12
    for line in wrap(data.texts.hint, hint_font, text_w, max_lines=4):
        pen.text((margin + pad, ty), line, font=hint_font, fill=MUTED)
        ty += _line_height(hint_font)

    out = io.BytesIO()
    poster.save(out, format="JPEG", **JPEG_OPTIONS)
    return out.getvalue(), width, height
