"""Images for assignment tests: good ones made by Pillow, and the bad uploads the checks refuse."""

import io
import struct
import zlib

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(
    name: str = "work.jpg", size: tuple[int, int] = (640, 480), exif: Image.Exif | None = None
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG", exif=exif or Image.Exif())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name: str = "work.png", size: tuple[int, int] = (300, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 240, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def webp(name: str = "work.webp") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (0, 200, 80)).save(buffer, format="WEBP")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/webp")


def heic(
    name: str = "IMG_0001.HEIC", size: tuple[int, int] = (640, 480), exif: Image.Exif | None = None
) -> SimpleUploadedFile:
    """A real HEIC, as a phone camera writes it (HEVC-coded by pillow-heif's libheif)."""
    buffer = io.BytesIO()
    heif = pillow_heif.from_pillow(Image.new("RGB", size, (180, 60, 140)))
    heif.save(buffer, format="HEIF", quality=80, exif=(exif or Image.Exif()).tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/heic")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    exif[0x8825] = gps  # GPSInfo
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    return exif


def renamed_executable() -> SimpleUploadedFile:
    return SimpleUploadedFile("painting.jpg", b"MZ\x90\x00\x03" + b"\x00" * 4000 + b"This program cannot be run in DOS mode",
                              content_type="image/jpeg")  # fmt: skip


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 20_000, height: int = 20_000) -> SimpleUploadedFile:
    """A valid 1-bit grey PNG of width x height, all black: a few hundred KB that decode to 400 M pixels."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def truncated_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(buffer, format="JPEG", quality=95)
    data = buffer.getvalue()
    return SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")


def oversize(limit: int) -> SimpleUploadedFile:
    """A real JPEG padded past `limit` bytes (trailing bytes after the image's end marker)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="JPEG")
    return SimpleUploadedFile("huge.jpg", buffer.getvalue() + b"\x00" * (limit + 1), content_type="image/jpeg")
