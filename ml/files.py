"""The ml cache folder, and local copies of stored files (the corpus readers take paths)."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File


def cache_dir() -> Path:
    """This machine's folder for unpacked model versions, checkpoints and temporary copies."""
    path = Path(settings.ML_CACHE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def local_copy(stream: "File[bytes]", suffix: str) -> Iterator[Path]:
    """A temporary file with the stream's bytes (the readers take paths; storage gives streams)."""
    descriptor, name = tempfile.mkstemp(suffix=suffix, dir=cache_dir())
    try:
        with open(descriptor, "wb") as handle:
            for chunk in stream.chunks():  # uploads and storage files alike
                handle.write(chunk)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
