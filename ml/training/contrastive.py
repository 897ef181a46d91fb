"""Fine-tune the sentence encoder of course embeddings on courses that share a skill (issue 14).

Multiple-negatives ranking loss with in-batch negatives (the sentence-transformers recipe, written
out in torch): for each pair (anchor, positive) of a batch, the other pairs' positives are its
negatives. Anchors are titles, positives are another course's title or its full text, the two
sharing a skill: a short title is what the encoder reads worst, and both title-to-title and
title-to-text neighbours are what the course pages and the quality table ask of it. Texts are
pooled exactly as `ml.inference.Embedder` embeds them, so that what is trained is what is served.
"""

import json
import logging
import os
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch.nn.utils import clip_grad_norm_
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup, set_seed

from ml.datasets import Record
from ml.inference import mean_pooled
from ml.training_config import OFFLINE_DEFAULT

from .loading import resolve

logger = logging.getLogger(__name__)

# What a saved encoder directory says about how it was made (beside transformers' own files).
RECIPE_FILE = "finetune.json"


@dataclass(frozen=True)
class ContrastiveConfig:
    base_model: str = OFFLINE_DEFAULT
    epochs: int = 1
    # 2e-5 and scale 20: the sentence-transformers defaults for this loss on MiniLM; more moves a
    # 6-layer encoder away from what it knew faster than a few thousand pairs can teach it.
    learning_rate: float = 2e-5
    batch_size: int = 32
    # Full texts are cut at 128 tokens while training (halving a step against 256): the title and
    # the description's opening carry the skills the pairs are made of.
    max_length: int = 128
    scale: float = 20.0
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    seed: int = 14

    def __post_init__(self) -> None:
        checks = {
            "epochs": 1 <= self.epochs <= 20,
            "learning_rate": 0 < self.learning_rate <= 1e-3,
            # One pair alone has no in-batch negative: nothing to learn from.
            "batch_size": 2 <= self.batch_size <= 512,
            "max_length": 16 <= self.max_length <= 512,
            "scale": self.scale > 0,
            "warmup_ratio": 0 <= self.warmup_ratio < 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid fine-tune settings: {', '.join(bad)}")


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    anchor_skills: frozenset[str]
    positive_skills: frozenset[str]


def skill_pairs(records: Sequence[Record], rng: random.Random) -> list[Pair]:
    """Per record with a skill another record has: its title with that other record's title, and
    with that other record's full text (a shared skill, then a record of it, drawn at random, so
    that a skill on hundreds of courses does not crowd out the rest)."""
    skills = [frozenset(s.casefold() for s in record.skills) for record in records]
    holders: dict[str, list[int]] = {}
    for row, own in enumerate(skills):
        for skill in sorted(own):
            holders.setdefault(skill, []).append(row)
    pairs = []
    for row, record in enumerate(records):
        shared = [skill for skill in sorted(skills[row]) if len(holders[skill]) > 1]
        if not record.title.strip() or not shared:
            continue
        skill = rng.choice(shared)
        other = rng.choice([o for o in holders[skill] if o != row])
        for positive in (records[other].title, records[other].text):
            pairs.append(Pair(record.title, positive, skills[row], skills[other]))
    return pairs


def _false_negatives(batch: Sequence[Pair]) -> torch.Tensor:
    """Mask of in-batch "negatives" that share a skill with the anchor: they are positives too,
    and pushing them away would teach the opposite of what the pairs say."""
    return torch.tensor(
        [
            [i != j and bool(anchor.anchor_skills & other.positive_skills) for j, other in enumerate(batch)]
            for i, anchor in enumerate(batch)
        ]
    )


@dataclass(frozen=True)
class ContrastiveResult:
    out_dir: Path
    pairs: int
    steps: int
    losses: list[float]  # mean loss per epoch
    seconds: float


def contrastive_finetune(
    records: Sequence[Record],
    out_dir: Path,
    config: ContrastiveConfig | None = None,
    about: dict[str, str] | None = None,
) -> ContrastiveResult:
    """Fine-tune `config.base_model` on skill pairs of `records` and save it, tokenizer and recipe,
    as a model directory at `out_dir` (which must not exist): a path `ML_EMBEDDING_MODEL` and
    `recommend_evaluate --model` load; `about` (where the records came from) goes into its recipe
    file with the settings and losses. Written beside and renamed into place, so that a worker
    never loads a half-written encoder."""
    config = config or ContrastiveConfig()
    if out_dir.exists():
        raise FileExistsError(f"{out_dir}: already exists")
    set_seed(config.seed)
    rng = random.Random(config.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    path = resolve(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
    model = AutoModel.from_pretrained(path).to(device)
    # The pairs are drawn once per epoch: each epoch sees another course of each shared skill.
    epochs_pairs = [skill_pairs(records, rng) for _ in range(config.epochs)]
    if not epochs_pairs[0]:
        raise ValueError("no two records share a skill: nothing to pair")
    total_steps = sum(-(-len(pairs) // config.batch_size) for pairs in epochs_pairs)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(total_steps * config.warmup_ratio), total_steps)
    started = time.monotonic()
    losses = []

    def encode(texts: list[str]) -> torch.Tensor:
        batch = tokenizer(texts, truncation=True, max_length=config.max_length, padding=True, return_tensors="pt")
        return mean_pooled(model, batch.to(device))

    model.train()
    for epoch, pairs in enumerate(epochs_pairs, start=1):
        rng.shuffle(pairs)
        summed = 0.0
        batches = [pairs[b : b + config.batch_size] for b in range(0, len(pairs), config.batch_size)]
        for step, batch in enumerate(batches, start=1):
            anchors = encode([p.anchor for p in batch])
            positives = encode([p.positive for p in batch])
            scores = config.scale * anchors @ positives.T
            scores = scores.masked_fill(_false_negatives(batch).to(device), float("-inf"))
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch), device=device))
            loss.backward()
            clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            summed += loss.item()
            if step % 20 == 0:
                logger.info("epoch %s step %s/%s loss %.4f", epoch, step, len(batches), summed / step)
        losses.append(summed / len(batches))
        logger.info("epoch %s: mean loss %.4f over %s pairs", epoch, losses[-1], len(pairs))
    seconds = time.monotonic() - started
    result = ContrastiveResult(out_dir, len(epochs_pairs[0]), total_steps, losses, seconds)
    recipe = {**(about or {}), "config": asdict(config), "records": len(records), **_summary(result)}
    _save(model.eval(), tokenizer, out_dir, recipe)
    return result


def _summary(result: ContrastiveResult) -> dict[str, Any]:
    return {"pairs": result.pairs, "steps": result.steps, "losses": result.losses, "seconds": round(result.seconds, 1)}


def _save(model: Any, tokenizer: Any, out_dir: Path, recipe: dict[str, Any]) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    writing = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        model.save_pretrained(writing)
        tokenizer.save_pretrained(writing)
        (writing / RECIPE_FILE).write_text(json.dumps(recipe, indent=2), encoding="utf-8")
        os.rename(writing, out_dir)
    finally:
        shutil.rmtree(writing, ignore_errors=True)


def embedder_dir(name: str) -> Path:
    """Where a fine-tuned encoder called `name` lives on a worker: under ML_CACHE_DIR/embedders."""
    from django.conf import settings

    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"{name!r}: a fine-tuned encoder's name is one plain folder name")
    return Path(settings.ML_CACHE_DIR) / "embedders" / name


def embedder_finetune(
    *, data: Path, out_dir: Path, split: str = "train", config: ContrastiveConfig | None = None
) -> ContrastiveResult:
    """Fine-tune on a CSV in the shared shape: its training part by id (`split_by_id`, what
    `recommend_evaluate --split dev` leaves for judging it) or, with split "all", every row."""
    from ml.datasets import read_records, split_by_id

    if split not in ("train", "all"):
        raise ValueError(f"{split!r}: split is train or all")
    records = read_records(data)
    if split == "train":
        records, _dev_part = split_by_id(records)
    return contrastive_finetune(records, out_dir, config, about={"data": str(data), "split": split})
