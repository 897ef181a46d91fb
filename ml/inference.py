"""Run a model version over texts. Loaded lazily, once per worker process, never in the web process."""

import logging
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from django.conf import settings
from django.core.files.storage import default_storage

from ml.spans import Span

from .training.align import decode

logger = logging.getLogger(__name__)
# Texts per forward pass. Sorted by length first, so each batch pads to similar lengths.
BATCH_SIZE = 32
MAX_LENGTH = 256

_taggers: dict[int, "Tagger"] = {}
_lock = threading.Lock()


class Tagger:
    def __init__(self, model_dir: Path) -> None:
        from transformers import AutoTokenizer, BertForTokenClassification

        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, use_fast=True)
        self.model = BertForTokenClassification.from_pretrained(model_dir).to(self.device).eval()
        if self.device.type == "cuda":
            self.model = self.model.to(torch.bfloat16)

    @torch.inference_mode()
    def tag(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[list[Span]]:
        """Return the skill spans of each text, as character offsets into that text."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        results: list[list[Span]] = [[] for _ in texts]
        for begin in range(0, len(order), batch_size):
            chunk = order[begin : begin + batch_size]
            encoded = self.tokenizer(
                [texts[i] for i in chunk], padding=True, truncation=True, max_length=MAX_LENGTH,
                return_offsets_mapping=True, return_tensors="pt",
            )  # fmt: skip
            offsets = encoded.pop("offset_mapping").tolist()
            logits = self.model(**{k: v.to(self.device) for k, v in encoded.items()}).logits.float()
            probabilities, labels = logits.softmax(-1).max(-1)
            for row, index in enumerate(chunk):
                results[index] = decode(offsets[row], labels[row].tolist(), probabilities[row].tolist())
        return results


def local_dir(version: Any) -> Path:
    """Unpack a version's artifact from storage into this machine's cache, once."""
    target = Path(settings.ML_CACHE_DIR) / f"version-{version.pk}"
    if not (target / "config.json").exists():
        target.mkdir(parents=True, exist_ok=True)
        with default_storage.open(version.artifact.name, "rb") as stream, zipfile.ZipFile(stream) as archive:
            archive.extractall(target)
    return target


def tagger_for(version: Any) -> Tagger:
    """The version's tagger, loaded once per process and kept for the next task."""
    with _lock:
        if version.pk not in _taggers:
            logger.info("Loading model version %s", version.name)
            _taggers.clear()  # one model in memory at a time: a new active version replaces the old
            _taggers[version.pk] = Tagger(local_dir(version))
        return _taggers[version.pk]
