"""Tagging throughput: the platform's batched inference beside transformers' pipeline.

Fine-tunes the offline MiniLM briefly on the shipped corpus (or loads --model-dir), then tags the
same texts (course records from ../shared/data/courses, or the corpus when absent) both ways and
prints texts/s, tokens/s and how often the two agree on the spans. Run by hand:

    .venv/bin/python bench/tagger_speed.py --texts 1000
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import ROOT

SHARED = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data" / "courses"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    import torch
    from transformers import pipeline

    from ml import corpus, datasets
    from ml.inference import MAX_LENGTH, Tagger
    from ml.training.train import TrainConfig, train

    model_dir = args.model_dir
    if model_dir is None:
        train_set, dev_set = corpus.split(corpus.build())
        model_dir = train(train_set, dev_set, TrainConfig(epochs=3, learning_rate=1e-4, max_length=64),
                          Path(tempfile.mkdtemp())).model_dir  # fmt: skip
    source = SHARED / "coursera_2021.csv"
    if source.exists():
        texts = [r.text for r in datasets.read_records(source)][: args.texts]
    else:
        texts = [e.text for e in corpus.build(size=args.texts)]
    tagger = Tagger(model_dir)
    # Cut every text where the model's window ends, so that both sides see exactly the same input
    # (the pipeline has no truncation switch).
    offsets = tagger.tokenizer(texts, truncation=True, max_length=MAX_LENGTH, return_offsets_mapping=True)
    texts = [text[: max(end for _, end in spans)] for text, spans in zip(texts, offsets["offset_mapping"], strict=True)]
    tokens = sum(
        min(len(ids), MAX_LENGTH)
        for ids in tagger.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
    )
    device = 0 if torch.cuda.is_available() else -1
    runner = pipeline(
        "token-classification",
        model=str(model_dir),
        tokenizer=str(model_dir),
        aggregation_strategy="simple",
        device=device,
    )
    tagger.tag(texts[:8])
    runner(texts[:8])  # warm both

    started = time.perf_counter()
    ours = tagger.tag(texts, batch_size=args.batch_size)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = runner(texts, batch_size=args.batch_size)
    theirs_s = time.perf_counter() - started

    same = sum(
        {s.key() for s in a} == {(e["start"], e["end"], e["entity_group"]) for e in b}
        for a, b in zip(ours, theirs, strict=True)
    )
    print(f"\n{len(texts)} texts, {tokens:,} tokens (truncated at {MAX_LENGTH}), batch {args.batch_size}, "
          f"{'cuda' if torch.cuda.is_available() else 'cpu'}, {torch.get_num_threads()} threads")  # fmt: skip
    print(f"{'':28} {'texts/s':>9} {'tokens/s':>10}")
    print(f"{'platform (batched, sorted)':28} {len(texts) / ours_s:9.1f} {tokens / ours_s:10.0f}")
    print(f"{'transformers pipeline':28} {len(texts) / theirs_s:9.1f} {tokens / theirs_s:10.0f}")
    print(f"speed-up {theirs_s / ours_s:.2f}x; identical spans on {same / len(texts):.1%} of texts")


if __name__ == "__main__":
    main()
