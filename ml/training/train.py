"""Fine-tune a BERT token classifier on character-span examples.

The loop of transformers' run_ner, written out so that a Celery job can report progress, beat
its heartbeat and stop between steps: torch.optim.AdamW, linear warm-up and decay, dynamic
padding, length-grouped batches, gradient clipping, a fixed seed, entity-level evaluation per
epoch (seqeval), the best checkpoint kept, early stopping; bf16 autocast on CUDA.
"""

import json
import math
import random
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from seqeval.metrics import classification_report
from torch.nn.utils import clip_grad_norm_
from transformers import DataCollatorForTokenClassification, get_linear_schedule_with_warmup, set_seed

from ml.evaluation import Scores
from ml.spans import ENTITY_TYPES, LABELS, Example
from ml.training_config import (
    ART_WEIGHT,
    BATCH_SIZE,
    EPOCHS,
    LEARNING_RATE,
    LIMITS,
    MAX_LENGTH,
    OFFLINE_DEFAULT,
    PATIENCE,
)

from .align import IGNORE_INDEX, encode
from .loading import load_for_training, load_tokenizer


class TrainingCancelled(Exception):
    """Raised between steps when the job was cancelled."""


@dataclass
class TrainConfig:
    # Defaults and limits of what clients may set: ml/training_config.py.
    base_model: str = OFFLINE_DEFAULT
    epochs: int = int(EPOCHS.default)
    learning_rate: float = LEARNING_RATE.default
    batch_size: int = int(BATCH_SIZE.default)
    max_length: int = int(MAX_LENGTH.default)
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    patience: int = int(PATIENCE.default)
    art_weight: float = ART_WEIGHT  # of the ART labels in the loss, against 1 for the others
    seed: int = 13

    def __post_init__(self) -> None:
        checks = {
            **{name: limit.admits(getattr(self, name)) for name, limit in LIMITS.items()},
            "warmup_ratio": 0 <= self.warmup_ratio < 1,
            "art_weight": self.art_weight > 0,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid training settings: {', '.join(bad)}")


@dataclass
class EpochReport:
    epoch: int
    progress: float
    loss: float
    metrics: dict[str, Any]


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    best_epoch: int
    epochs_run: int
    device: str
    samples_per_second: float
    peak_memory_mb: float
    history: list[dict[str, Any]] = field(default_factory=list)


def _device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar lengths (little padding), in random order; shuffled within length ties."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def label_weights(art_weight: float) -> torch.Tensor:
    """Each label's weight in the loss, in LABELS order: `art_weight` for B-ART and I-ART, 1 for the rest."""
    return torch.tensor([art_weight if label.endswith("-ART") else 1.0 for label in LABELS])


def token_loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the labelled tokens (IGNORE_INDEX skipped), a weighted mean by their labels'
    weights; with every weight 1 it is the model's own loss. Computed in float32 under bf16 autocast."""
    flat = logits.reshape(-1, logits.shape[-1]).float()
    return torch.nn.functional.cross_entropy(flat, labels.reshape(-1), weight=weights, ignore_index=IGNORE_INDEX)


def entity_metrics(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Entity-level precision, recall and F1 per type and overall (micro), from BIO sequences."""
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    overall = _scores(report.get("micro avg", {}))
    return {**overall, "per_type": {kind: _scores(report.get(kind, {})) for kind in ENTITY_TYPES}}


def _scores(row: dict[str, float]) -> Scores:
    """seqeval's row in the platform's one metric shape (`f1`, as ml.evaluation writes it)."""
    return Scores(
        precision=round(float(row.get("precision", 0.0)), 4),
        recall=round(float(row.get("recall", 0.0)), 4),
        f1=round(float(row.get("f1-score", 0.0)), 4),
    )


def train(
    train_examples: Sequence[Example],
    dev_examples: Sequence[Example],
    config: TrainConfig,
    output_dir: Path,
    *,
    on_epoch: Callable[[EpochReport], None] | None = None,
    on_step: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Fine-tune and return the best checkpoint (saved with its tokenizer and label map) and its scores."""
    if not train_examples or not dev_examples:
        raise ValueError("training needs both training and dev examples")
    set_seed(config.seed)
    rng = random.Random(config.seed)
    device = _device()
    tokenizer = load_tokenizer(config.base_model)
    model = load_for_training(config.base_model, LABELS).to(device)
    features = [encode(tokenizer, e.text, e.spans, config.max_length) for e in train_examples]
    dev_features = [encode(tokenizer, e.text, e.spans, config.max_length) for e in dev_examples]
    collate = DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORE_INDEX, return_tensors="pt")

    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": config.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.learning_rate)
    weights = label_weights(config.art_weight).to(device)
    steps_per_epoch = math.ceil(len(features) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)
    autocast = torch.autocast(device_type="cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()

    best_dir = output_dir / "best"
    best_f1, best_epoch, stale, step, seen = -1.0, 0, 0, 0, 0
    history: list[dict[str, Any]] = []
    started = time.perf_counter()
    epoch = 0
    for epoch in range(1, config.epochs + 1):
        model.train()
        losses = []
        for batch_ids in length_grouped_batches([len(f["input_ids"]) for f in features], config.batch_size, rng):
            if should_stop and should_stop():
                raise TrainingCancelled
            batch = {k: v.to(device) for k, v in collate([features[i] for i in batch_ids]).items()}
            labels = batch.pop("labels")
            with autocast:
                loss = token_loss(model(**batch).logits, labels, weights)
            loss.backward()
            clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            step += 1
            seen += len(batch_ids)
            if on_step:
                on_step(step / total_steps)
        metrics = evaluate_features(model, dev_features, collate, device, config.batch_size)
        report = EpochReport(epoch, step / total_steps, sum(losses) / len(losses), metrics)
        history.append({"epoch": epoch, "loss": round(report.loss, 4), **metrics})
        if on_epoch:
            on_epoch(report)
        if metrics["f1"] > best_f1:
            best_f1, best_epoch, stale = metrics["f1"], epoch, 0
            shutil.rmtree(best_dir, ignore_errors=True)
            model.save_pretrained(best_dir)
            tokenizer.save_pretrained(best_dir)
        else:
            stale += 1
            if stale >= config.patience:
                break
    elapsed = time.perf_counter() - started
    (best_dir / "training.json").write_text(json.dumps({"config": asdict(config), "history": history}))
    peak = (
        torch.cuda.max_memory_allocated() / 2**20
        if device.type == "cuda"
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    best = next(h for h in history if h["epoch"] == best_epoch)
    return TrainResult(
        model_dir=best_dir,
        metrics={key: best[key] for key in ("precision", "recall", "f1", "per_type", "track_accuracy")},
        best_epoch=best_epoch,
        epochs_run=epoch,
        device=device.type,
        samples_per_second=round(seen / elapsed, 2),
        peak_memory_mb=round(peak, 1),
        history=history,
    )


@torch.inference_mode()
def evaluate_features(model: Any, features: list[dict], collate: Any, device: torch.device, batch_size: int) -> dict:
    """Entity scores of the dev features (`entity_metrics`) and their track accuracy: a text's
    track is the type its labelled tokens have most, and the predicted one the type with the
    larger summed probability over its tokens (what decoding's best guess leans to, so a text
    the argmax finds nothing in still has one); texts without a labelled token are not counted."""
    model.eval()
    gold, predicted = [], []
    tracks_right, tracked = 0, 0
    type_ids = [[LABELS.index(f"{prefix}-{kind}") for prefix in ("B", "I")] for kind in ENTITY_TYPES]
    for i in range(0, len(features), batch_size):
        chunk = features[i : i + batch_size]
        batch = {k: v.to(device) for k, v in collate(chunk).items()}
        labels = batch.pop("labels")
        probabilities = model(**batch).logits.float().softmax(-1)
        mask = (labels != IGNORE_INDEX).unsqueeze(-1)
        by_type = torch.stack([(probabilities[..., ids].sum(-1, keepdim=True) * mask).sum((1, 2)) for ids in type_ids])
        for row, (row_labels, row_pred) in enumerate(
            zip(labels.tolist(), probabilities.argmax(-1).tolist(), strict=True)
        ):
            keep = [j for j, label in enumerate(row_labels) if label != IGNORE_INDEX]
            gold.append([LABELS[row_labels[j]] for j in keep])
            predicted.append([LABELS[row_pred[j]] for j in keep])
            counts = [sum(gold[-1].count(f"{prefix}-{kind}") for prefix in ("B", "I")) for kind in ENTITY_TYPES]
            if any(counts):
                tracked += 1
                tracks_right += counts.index(max(counts)) == int(by_type[:, row].argmax())
    return {**entity_metrics(gold, predicted), "track_accuracy": round(tracks_right / tracked, 4) if tracked else 0.0}
