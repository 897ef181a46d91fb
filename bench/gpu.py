"""Fine-tune and tagging throughput on one GPU (bf16), for the shipped MiniLM and a BERT-base-sized model.

Runs the platform's own code: `ml.training.train.train` (AdamW, length-grouped batches, bf16
autocast) for one epoch, then `ml.inference.Tagger` (bf16 weights, length-sorted windows) over
course texts. The BERT-base-sized model is built from `BertConfig()` (12 layers, hidden 768,
110M parameters) with random weights: throughput does not depend on the weights, and nothing is
downloaded. Texts come from ../shared/data/courses when present, else the shipped corpus.
Under ten minutes on one GPU; on a machine without one it runs on the CPU (use --smoke there).

    CUDA_VISIBLE_DEVICES=0 .venv/bin/python bench/gpu.py
    .venv/bin/python bench/gpu.py --smoke        # a few steps, to check the script on a CPU
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import SHARED


def course_examples(count: int) -> list:
    """`count` labelled course texts: silver spans of the shared records, else the shipped corpus."""
    from ml import corpus, datasets

    path = SHARED / "coursera_2021.csv"
    found = [e for r in datasets.read_records(path) if (e := r.silver())] if path.exists() else corpus.build()
    return [found[i % len(found)] for i in range(count)]


def bert_base_sized(directory: Path) -> str:
    """Save a randomly initialised BERT-base-sized checkpoint (with the MiniLM's uncased vocabulary,
    the same 30,522 word pieces as bert-base-uncased) and return its path."""
    from transformers import BertConfig, BertModel

    from ml.training.loading import OFFLINE_DEFAULT, load_tokenizer

    BertModel(BertConfig()).save_pretrained(directory)
    load_tokenizer(OFFLINE_DEFAULT).save_pretrained(directory)
    return str(directory)


def measure(label: str, base_model: str, examples: list, args: argparse.Namespace, workdir: Path) -> dict:
    import torch

    from ml.corpus import split
    from ml.inference import MAX_LENGTH, STRIDE, Tagger
    from ml.training.train import TrainConfig, train

    train_set, dev_set = split(examples[: args.train_examples], dev_share=0.02, seed=13)
    config = TrainConfig(base_model=base_model, epochs=1, batch_size=args.batch_size, max_length=args.max_length)
    stamps: list[float] = []

    def on_step(_progress: float) -> None:
        stamps.append(time.perf_counter())  # train() reads the loss each step: the GPU has finished it

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    result = train(train_set, dev_set, config, workdir / label.split()[0], on_step=on_step)
    warm = min(args.warmup_steps, len(stamps) - 2)
    train_rate = (len(stamps) - 1 - warm) * args.batch_size / (stamps[-1] - stamps[warm])

    tagger = Tagger(result.model_dir)
    tagged = [example.text for example in examples[: args.tag_texts]]
    tagger.tag(tagged[: args.batch_size * 2])  # warm-up: kernels, allocator
    encoded = tagger.tokenizer(
        tagged, truncation=True, max_length=MAX_LENGTH, stride=STRIDE, return_overflowing_tokens=True
    )
    windows = len(encoded["input_ids"])
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    tagger.tag(tagged, batch_size=args.tag_batch_size)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    parameters = sum(p.numel() for p in tagger.model.parameters()) / 1e6
    return {
        "model": label,
        "params_m": parameters,
        "train_seq_s": train_rate,
        "train_peak_mb": result.peak_memory_mb,
        "tag_seq_s": windows / seconds,
        "tag_texts_s": len(tagged) / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-examples", type=int, default=8192)
    parser.add_argument("--tag-texts", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=32, help="fine-tune batch")
    parser.add_argument("--tag-batch-size", type=int, default=128, help="windows per forward pass when tagging")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--warmup-steps", type=int, default=10, help="steps left out of the fine-tune rate")
    parser.add_argument("--smoke", action="store_true", help="a few steps of each, to check the script")
    args = parser.parse_args()
    if args.smoke:
        args.train_examples, args.tag_texts, args.batch_size, args.tag_batch_size = 24, 8, 4, 8
        args.max_length, args.warmup_steps = 32, 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    import torch
    import transformers

    from ml.training.loading import OFFLINE_DEFAULT

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU (no GPU: fp32, not bf16)"
    print(f"device: {device}; torch {torch.__version__}, transformers {transformers.__version__}", flush=True)
    examples = course_examples(max(args.train_examples, args.tag_texts))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        rows = [measure("MiniLM-L6 (shipped)", OFFLINE_DEFAULT, examples, args, workdir)]
        print(f"  {rows[-1]['model']}: done after {time.perf_counter() - started:.0f} s", flush=True)
        base = bert_base_sized(workdir / "bert-base-config")
        rows.append(measure("BERT-base-sized (config)", base, examples, args, workdir))
    print(
        f"\nfine-tune: {args.train_examples} texts, batch {args.batch_size}, max length {args.max_length}; "
        f"tagging: {args.tag_texts} texts in windows of 256, {args.tag_batch_size} a batch"
    )
    print(f"{'model':26} {'params':>7} {'train seq/s':>12} {'peak MB':>8} {'tag seq/s':>10} {'tag texts/s':>12}")
    for row in rows:
        print(
            f"{row['model']:26} {row['params_m']:6.1f}M {row['train_seq_s']:12.1f} {row['train_peak_mb']:8.0f} "
            f"{row['tag_seq_s']:10.1f} {row['tag_texts_s']:12.1f}"
        )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
