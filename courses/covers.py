"""Co-branded covers for courses without an uploaded one, drawn once per text and language.

A cover shows the course's title in the page's language, its partners' names and a pattern
seeded by the slug on the track's colour, so that no two courses look alike. The PNG is stored
through Django's storage under a name that hashes everything drawn on it: a changed title or
partner gives a new name (and URL), an unchanged one is served from storage without drawing.
"""

import hashlib
import io
import random
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from platform_site.fonts import cjk_font

from .models import Course

# Bump when the drawing changes, so that stored covers are drawn again.
DESIGN_VERSION = 2
SIZE = (960, 400)  # the card's cover box is about 2.4 times as wide as it is high
TRACK_COLOURS = {
    Course.Track.KNOWLEDGE: (37, 99, 235),
    Course.Track.ART: (217, 72, 15),
    Course.Track.CROSSOVER: (124, 58, 237),
}
INK = (17, 24, 39)


def _texts(course: Course) -> tuple[str, str]:
    partners = " × ".join(str(partner.name) for partner in course.partners.all())
    return str(course.title), partners


def cover_key(course: Course) -> str:
    """Return a short hash of everything the cover shows (in the active language)."""
    title, partners = _texts(course)
    raw = f"{DESIGN_VERSION}|{course.slug}|{course.track}|{title}|{partners}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cover_png(course: Course) -> tuple[str, bytes | None]:
    """Return the stored cover's name and, when it had to be drawn now, its bytes."""
    name = f"courses/generated/{course.slug}-{cover_key(course)}.png"
    if default_storage.exists(name):
        return name, None
    data = draw(course)
    # Two first requests may draw the same cover; whichever saves second keeps an extra copy
    # under another name, which nothing links to. Both serve identical bytes.
    default_storage.save(name, ContentFile(data))
    return name, data


def _font(size: int, *, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    font = cjk_font(bold=bold)
    if font is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(font.path, size, index=font.index)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """Break text into lines no wider than `width` pixels: at spaces, else anywhere (CJK has none)."""
    lines: list[str] = []
    line = ""
    for word in re.findall(r"\S+\s*|\s+", text):
        if font.getlength(line + word) <= width:
            line += word
            continue
        if line:
            lines.append(line.rstrip())
        line = ""
        for char in word:  # a CJK run or a very long word: break between characters
            if font.getlength(line + char) > width and line:
                lines.append(line)
                line = ""
            line += char
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


def draw(course: Course) -> bytes:
    """Draw the cover as PNG bytes."""
    title, partners = _texts(course)
    seed = int(hashlib.sha256(course.slug.encode()).hexdigest(), 16)
    rng = random.Random(seed)
    width, height = SIZE
    colour = TRACK_COLOURS.get(Course.Track(course.track), TRACK_COLOURS[Course.Track.KNOWLEDGE])

    image = Image.new("RGB", SIZE)
    pixels = ImageDraw.Draw(image)
    for x in range(width):  # diagonal-ish gradient: the track colour into ink
        share = x / width
        shade = tuple(int(c * (1 - share) + i * share) for c, i in zip(colour, INK, strict=True))
        pixels.line([(x, 0), (x, height)], fill=shade)

    overlay = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    knowledge = course.track in (Course.Track.KNOWLEDGE, Course.Track.CROSSOVER)
    art = course.track in (Course.Track.ART, Course.Track.CROSSOVER)
    if knowledge:  # a grid of dots with a few lit: structure
        step = rng.choice((28, 36, 44))
        for gx in range(width // 2, width, step):
            for gy in range(step // 2, height, step):
                radius = 5 if rng.random() < 0.12 else 2
                shapes.ellipse([gx - radius, gy - radius, gx + radius, gy + radius], fill=(255, 255, 255, 70))
    if art:  # overlapping discs: brush strokes of colour
        for _ in range(rng.randint(3, 6)):
            radius = rng.randint(50, 170)
            cx, cy = rng.randint(width // 2, width), rng.randint(0, height)
            tint = tuple(min(255, c + rng.randint(20, 90)) for c in colour)
            shapes.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(*tint, 70))
    image = Image.alpha_composite(image.convert("RGBA"), overlay)

    text = ImageDraw.Draw(image)
    title_font = _font(64, bold=True)
    y = 70
    lines = _wrap(title, title_font, width - 2 * 56)
    if len(lines) > 2:  # two lines of title at most: the rest gives way to an ellipsis
        lines = [lines[0], lines[1][:-1] + "…"]
    for line in lines:
        text.text((56, y), line, font=title_font, fill=(255, 255, 255, 255))
        y += 84
    if partners:
        text.text((56, height - 80), partners, font=_font(30, bold=False), fill=(255, 255, 255, 210))

    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
