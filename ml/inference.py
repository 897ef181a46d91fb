"""Run a model version over texts. Loaded lazily, once per worker process, never in the web process."""

import logging
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from django.conf import settings
from django.core.files.storage import default_storage

from ml.decoding import Decoding, TokenScores, decode
from ml.spans import LABELS, Lexicon, Span

if TYPE_CHECKING:
    from ml.models import ModelVersion

logger = logging.getLogger(__name__)
# Windows per forward pass, sorted by length first so that each batch pads to similar lengths.
# Measured (bench/tagger_speed.py): on a 2-core CPU batches of 4-16 beat 32 and more (less padding,
# cache-sized activations); a GPU wants large batches.
BATCH_SIZE = {"cpu": 16, "cuda": 128}
MAX_LENGTH = 256
# Tokens two windows of a long text share, so that a skill cut at one window's edge is whole in the next.
STRIDE = 32

_taggers: dict[int, "Tagger"] = {}
_lock = threading.Lock()


class Tagger:
    def __init__(self, model_dir: Path, decoding: Decoding | None = None) -> None:
        from transformers import AutoTokenizer, BertForTokenClassification

        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        # The version's own, chosen on its training job's dev split (versions before it: the defaults).
        self.decoding = decoding or Decoding()
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, use_fast=True)
        # transformers types .to() through a decorator that loses the bound model: its stub is wrong.
        self.model = BertForTokenClassification.from_pretrained(model_dir).to(self.device).eval()  # type: ignore[arg-type]
        # Decoding reads probabilities by this platform's label order: a checkpoint of another
        # label set would be read wrong, silently.
        config = self.model.config
        if [config.id2label[i] for i in range(config.num_labels)] != list(LABELS):
            raise ValueError(f"{model_dir}: labels {config.id2label} are not this platform's {list(LABELS)}")
        if self.device.type == "cuda":
            self.model = self.model.to(torch.bfloat16)

    def tag(
        self, texts: Sequence[str], lexicon: Lexicon | None = None, batch_size: int | None = None
    ) -> list[list[Span]]:
        """Return the skill spans of each text, as character offsets into that text. `lexicon` is the
        managers' (built once by the caller): where a term occurs, the model judges it and it gives
        the edges; an empty one counts as none."""
        return [
            decode(text, scores, lexicon.find(text, overlapping=True), lexicon.priors, decoding=self.decoding)
            if lexicon
            else decode(text, scores)
            for text, scores in zip(texts, self.scores(texts, batch_size), strict=True)
        ]

    @torch.inference_mode()
    def scores(self, texts: Sequence[str], batch_size: int | None = None) -> list[TokenScores]:
        """Label probabilities of every token of each text. A text longer than the model's window is
        read in overlapping windows; a token two windows share gets the mean of their probabilities."""
        encoded = self.tokenizer(
            list(texts), truncation=True, max_length=MAX_LENGTH, stride=STRIDE,
            return_overflowing_tokens=True, return_offsets_mapping=True,
        )  # fmt: skip
        batch_size = batch_size or BATCH_SIZE[self.device.type]
        owners = encoded["overflow_to_sample_mapping"]
        # Per text: token offsets -> (summed probabilities, windows that read the token).
        found: list[dict[tuple[int, int], tuple[list[float], int]]] = [{} for _ in texts]
        windows = sorted(range(len(owners)), key=lambda w: len(encoded["input_ids"][w]))
        for begin in range(0, len(windows), batch_size):
            chunk = windows[begin : begin + batch_size]
            batch = self.tokenizer.pad(
                {key: [encoded[key][w] for w in chunk] for key in ("input_ids", "token_type_ids", "attention_mask")},
                return_tensors="pt",
            )
            logits = self.model(**{k: v.to(self.device) for k, v in batch.items()}).logits
            probabilities = logits.float().softmax(-1).tolist()
            for row, window in enumerate(chunk):
                tokens = found[owners[window]]
                for offset, probability in zip(encoded["offset_mapping"][window], probabilities[row], strict=False):
                    if offset[0] == offset[1]:  # [CLS], [SEP]
                        continue
                    if offset in tokens:
                        total, count = tokens[offset]
                        tokens[offset] = ([a + b for a, b in zip(total, probability, strict=True)], count + 1)
                    else:
                        tokens[offset] = (probability, 1)
        return [
            TokenScores(
                offsets=sorted(tokens),
                probabilities=[[p / count for p in total] for total, count in (tokens[o] for o in sorted(tokens))],
            )
            for tokens in found
        ]


def local_dir(version: "ModelVersion") -> Path:
    """Unpack a version's artifact from storage into this machine's cache, once.

    Unpacked into a temporary folder beside the target and renamed into place (atomic on one
    file system), so that another process never finds, and loads, a half-unpacked model."""
    target = Path(settings.ML_CACHE_DIR) / f"version-{version.pk}"
    if (target / "config.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    unpacking = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        assert version.artifact.name  # the field is required: every saved version has its file
        with default_storage.open(version.artifact.name, "rb") as stream, zipfile.ZipFile(stream) as archive:
            archive.extractall(unpacking)
        if target.exists() and not (target / "config.json").exists():
            shutil.rmtree(target)  # left half-written by an unpacker before this rule; not loadable
        try:
            os.rename(unpacking, target)
        except OSError:  # another process put it in place first: theirs is complete
            if not (target / "config.json").exists():
                raise
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)
    return target


def tagger_for(version: "ModelVersion") -> Tagger:
    """The version's tagger, loaded once per process and kept for the next task."""
    with _lock:
        if version.pk not in _taggers:
            logger.info("Loading model version %s", version.name)
            _taggers.clear()  # one model in memory at a time: a new active version replaces the old
            decoding = Decoding.from_metrics(version.metrics.get("decoding"))
            _taggers[version.pk] = Tagger(local_dir(version), decoding=decoding)
        return _taggers[version.pk]


# Course texts per forward pass of the sentence encoder (sorted by length, as the tagger's windows).
EMBED_BATCH_SIZE = {"cpu": 32, "cuda": 256}

_embedders: dict[str, "Embedder"] = {}


class Embedder:
    """A sentence encoder: the mean of its last hidden states over the attention mask, unit length."""

    def __init__(self, model_path: str) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(model_path, use_fast=True)
        self.model = AutoModel.from_pretrained(model_path).to(self.device).eval()
        self.dimensions = int(self.model.config.hidden_size)

    @torch.inference_mode()
    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> "np.ndarray":
        """Return one float32 row of unit length per text (texts past MAX_LENGTH tokens are cut)."""
        batch_size = batch_size or EMBED_BATCH_SIZE[self.device.type]
        found = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            chunk = order[begin : begin + batch_size]
            batch = self.tokenizer(
                [texts[i] for i in chunk], truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt"
            ).to(self.device)
            found[chunk] = mean_pooled(self.model, batch).cpu().numpy()
        return found


def mean_pooled(model: Any, batch: Any) -> torch.Tensor:
    """The sentence vectors of a tokenised batch: the mean of the last hidden states over the
    attention mask, unit length. The one pooling, shared by serving and the contrastive fine-tune
    (ml/training/contrastive.py), so that what is trained is what is served."""
    hidden = model(**batch).last_hidden_state.float()
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
    return torch.nn.functional.normalize(pooled, dim=-1)


def embedder_for(base_model: str) -> Embedder:
    """The sentence encoder of `base_model` (a name ml.training.loading resolves), loaded once per process."""
    from ml.training.loading import resolve

    with _lock:
        if base_model not in _embedders:
            logger.info("Loading sentence encoder %s", base_model)
            _embedders.clear()
            _embedders[base_model] = Embedder(resolve(base_model))
        return _embedders[base_model]
