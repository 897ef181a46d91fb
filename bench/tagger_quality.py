"""Tagger quality on real catalogue rows, beside the data README's anchors.

Fine-tunes the offline MiniLM on 80% of `../shared/data/courses/coursera_2021.csv` (split by id;
silver spans as the data README defines them), tags the held-out 20%, and prints skill-tag
P/R/F1 per type and overall and track accuracy, for full texts (title + description) and for
titles alone, with the anchors: the lexicon tagger (F1 0.596) and one epoch of the plain recipe
(F1 0.180). The platform's decoding is shown step by step: the model's argmax alone, then with
the lexicon (the training rows' skills, as the managers' lexicon would hold them), then with a
best guess for texts without a span. Run by hand:

    .venv/bin/python bench/tagger_quality.py --titles --art-copies 3 --save /tmp/tagger
    .venv/bin/python bench/tagger_quality.py --model-dir /tmp/tagger/best     # score again, no training
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from common import SHARED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--titles", action="store_true", help="also train on title-only copies of every row")
    parser.add_argument("--art-copies", type=int, default=1, help="train on each ART row this many times")
    parser.add_argument("--save", type=Path, default=None, help="keep the fine-tuned model in this folder")
    parser.add_argument("--model-dir", type=Path, default=None, help="score this model instead of fine-tuning")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    from ml import datasets
    from ml.decoding import decode
    from ml.evaluation import score
    from ml.inference import Tagger
    from ml.spans import Lexicon
    from ml.training.train import TrainConfig, train

    records = datasets.read_records(SHARED / "coursera_2021.csv")
    train_records, dev_records = datasets.split_by_id(records)
    model_dir = args.model_dir
    if model_dir is None:
        fit_records, stop_records = datasets.split_by_id(train_records, dev_share=0.1)  # dev for early stopping
        fit = datasets.record_examples(fit_records, titles=args.titles, art_copies=args.art_copies)
        early_stop_dev = datasets.record_examples(stop_records, titles=False)
        config = TrainConfig(epochs=args.epochs, learning_rate=args.learning_rate, batch_size=args.batch_size,
                             max_length=args.max_length)  # fmt: skip
        started = time.perf_counter()
        result = train(fit, early_stop_dev, config, args.save or Path(tempfile.mkdtemp()),
                       on_epoch=lambda r: print(f"epoch {r.epoch}: loss {r.loss:.3f} dev F1 {r.metrics['f1']}",
                                                flush=True))  # fmt: skip
        print(
            f"\ntrained on {len(fit)} examples ({len(train_records)} rows), {result.epochs_run} epochs in "
            f"{(time.perf_counter() - started) / 60:.1f} min on {result.device}, "
            f"{result.samples_per_second} samples/s, peak {result.peak_memory_mb} MB"
        )
        model_dir = result.model_dir

    tagger = Tagger(model_dir)
    terms = datasets.lexicon_of(train_records)
    dev = [(r, e) for r in dev_records if (e := r.silver(strict=True)) is not None]
    tracks = [r.track for r, _ in dev]
    titles = [r.silver(title_only=True, strict=True) for r, _ in dev]
    print(f"dev rows (held out by id): {len(dev)}; lexicon: {len(terms)} terms from the training rows")
    print(f"{'':36} {'P':>6} {'R':>6} {'F1':>6} {'track acc':>10}")
    print(f"{'lexicon anchor (data README)':36} {0.444:6.3f} {0.904:6.3f} {0.596:6.3f}")
    print(f"{'plain recipe anchor (data README)':36} {0.232:6.3f} {0.147:6.3f} {0.180:6.3f}")
    lexicon = Lexicon(terms)
    steps = (
        ("model argmax", None, False),
        ("+ lexicon", lexicon, False),
        ("+ best guess (the platform)", lexicon, True),
    )
    for part, examples in (("title + description", [e for _, e in dev]), ("titles only", titles)):
        scores = tagger.scores([e.text for e in examples])
        for label, lexicon, guess in steps:
            predicted = [decode(e.text, s, lexicon.find(e.text) if lexicon else None, at_least_one=guess)
                         for e, s in zip(examples, scores, strict=True)]  # fmt: skip
            found = score([e.spans for e in examples], predicted, tracks)
            print(f"{part + ', ' + label:36} {found['precision']:6.3f} {found['recall']:6.3f} {found['f1']:6.3f} "
                  f"{found['track_accuracy']:10.3f}")  # fmt: skip
        for kind, values in found["per_type"].items():
            print(f"  {kind:10} P {values['precision']:.3f} R {values['recall']:.3f} F1 {values['f1']:.3f}")


if __name__ == "__main__":
    main()
