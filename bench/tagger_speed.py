"""Tagging throughput: the platform's batched inference beside transformers' pipeline.

Loads --model-dir (or fine-tunes the offline MiniLM briefly on the shipped corpus), then tags the
same texts (course records from ../shared/data/courses, or the corpus when absent) with
`ml.inference.Tagger` and with `transformers.pipeline("token-classification")`, at its default
batch size (1) and at the platform's, and prints texts/s, tokens/s and how often the spans agree.
Every text is cut where the model's window ends, so both sides read exactly the same tokens (the
pipeline has no truncation switch). It also measures this machine's fp32 matrix-product peak and
prints how much of it each side uses: the ceiling of any exact fp32 speed-up over the pipeline.
Run by hand:

    .venv/bin/python bench/tagger_speed.py --texts 1000 --model-dir /tmp/tagger/best
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import SHARED


def forward_flops(config: object, length: int, attention: bool = True) -> int:
    """FLOPs (2 per multiply-add) of one BERT token-classification forward pass over `length` tokens:
    per layer the Q, K, V, output and two feed-forward products and attention's two length x length
    products, then the classifier. Layer norms, softmax and GELU are left out (a few per cent)."""
    h, i, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    per_layer = length * (4 * h * h + 2 * h * i) + (2 * length * length * h if attention else 0)
    return 2 * (layers * per_layer + length * h * config.num_labels)


def matmul_peak() -> float:
    """Best fp32 GFLOP/s of torch's matrix product here: a large square one and the model's shapes."""
    import torch

    best = 0.0
    for m, k, n in ((4096, 4096, 4096), (4096, 384, 1536), (4096, 1536, 384)):
        a, b = torch.randn(m, k), torch.randn(k, n)
        for _ in range(3):
            a @ b
        repeats = max(3, int(2e10 / (2 * m * k * n)))
        started = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = max(best, 2 * m * k * n * repeats / (time.perf_counter() - started) / 1e9)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from transformers import pipeline

    from ml import corpus, datasets
    from ml.decoding import argmax_spans
    from ml.inference import BATCH_SIZE, MAX_LENGTH, Tagger
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
    batch = BATCH_SIZE[tagger.device.type]
    offsets = tagger.tokenizer(texts, truncation=True, max_length=MAX_LENGTH, return_offsets_mapping=True)
    texts = [text[: max(end for _, end in spans)] for text, spans in zip(texts, offsets["offset_mapping"], strict=True)]
    lengths = [len(ids) for ids in tagger.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]]
    tokens = sum(lengths)
    # The work both sides must do: each text's own forward pass, without padding.
    gflop = sum(forward_flops(tagger.model.config, length) for length in lengths) / 1e9
    with FlopCounterMode(display=False) as counter, torch.inference_mode():
        tagger.model(**tagger.tokenizer(texts[:1], return_tensors="pt"))
    # torch's counter has no rule for the CPU attention kernel, so only the products it sees are compared.
    counted, estimated = counter.get_total_flops(), forward_flops(tagger.model.config, lengths[0], attention=False)
    runner = pipeline(
        "token-classification",
        model=str(model_dir),
        tokenizer=str(model_dir),
        aggregation_strategy="simple",
        device=0 if torch.cuda.is_available() else -1,
    )
    tagger.tag(texts[:64])  # warm both
    runner(texts[:8])

    def timed(run: object) -> tuple[list, float]:
        started = time.perf_counter()
        found = run()
        return found, time.perf_counter() - started

    ours, ours_s = timed(lambda: tagger.tag(texts))
    theirs_default, default_s = timed(lambda: runner(texts))
    theirs, theirs_s = timed(lambda: runner(texts, batch_size=batch))

    # The platform gives a text without any span its likeliest one; the pipeline has no such rule,
    # so the spans are compared on the model's reading (argmax) of each text.
    reading = [argmax_spans(scores) for scores in tagger.scores(texts)]
    guessed = sum(a != b for a, b in zip(ours, reading, strict=True))

    def agreeing(pipeline_spans: list) -> float:
        return sum(
            {s.key() for s in a} == {(e["start"], e["end"], e["entity_group"]) for e in b}
            for a, b in zip(reading, pipeline_spans, strict=True)
        ) / len(texts)

    print(f"\n{len(texts)} texts, {tokens:,} tokens (cut at {MAX_LENGTH}), "
          f"{'cuda' if torch.cuda.is_available() else 'cpu'}, {torch.get_num_threads()} threads")  # fmt: skip
    peak = matmul_peak() if not torch.cuda.is_available() else None
    print(f"{'':34} {'texts/s':>9} {'tokens/s':>10} {'platform is':>12} {'GFLOP/s':>8} {'of peak':>8}")
    for label, seconds in (
        (f"platform (batch {batch}, length-sorted)", ours_s),
        ("pipeline, default batch (1)", default_s),
        (f"pipeline, batch {batch}", theirs_s),
    ):
        print(f"{label:34} {len(texts) / seconds:9.1f} {tokens / seconds:10.0f} {seconds / ours_s:11.2f}x "
              f"{gflop / seconds:8.1f} {gflop / seconds / peak if peak else 0:8.0%}")  # fmt: skip
    print(f"work: {gflop:.1f} GFLOP, unpadded (first text without attention: formula {estimated / 1e9:.3f}, "
          f"torch's FlopCounterMode {counted / 1e9:.3f} GFLOP)")  # fmt: skip
    if peak:
        print(f"fp32 matrix-product peak here: {peak:.1f} GFLOP/s, so no exact fp32 tagger can beat the "
              f"pipeline's batch 1 by more than {peak * default_s / gflop:.2f}x on this machine")  # fmt: skip
    print(f"identical spans on {agreeing(theirs):.1%} of texts (batch 1: {agreeing(theirs_default):.1%}); "
          f"{guessed} texts without a span got the platform's best guess")  # fmt: skip


if __name__ == "__main__":
    main()
