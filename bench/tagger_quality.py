"""Tagger quality on real catalogue rows, beside the data README's anchors.

Fine-tunes the offline MiniLM on 80% of `../shared/data/courses/coursera_2021.csv` (split by id;
silver spans as the data README defines them), tags the held-out 20%, and prints skill-tag
P/R/F1 per type and overall and track accuracy (all rows, and titles alone), with the anchors:
the lexicon tagger (F1 0.596) and one epoch of the plain recipe (F1 0.180). Run by hand:

    .venv/bin/python bench/tagger_quality.py --epochs 6
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
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--titles", action="store_true", help="also train on title-only copies of every row")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/quality.sqlite3"  # a scratch database
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ml import datasets
    from ml.evaluation import score
    from ml.inference import Tagger
    from ml.spans import Example, find_terms
    from ml.training.train import TrainConfig, train

    records = datasets.read_records(SHARED / "coursera_2021.csv")
    train_records, dev_records = datasets.split_by_id(records)
    examples = [e for r in train_records if (e := r.silver()) is not None]
    if args.titles:  # short titles are a task of their own: teach it explicitly
        examples += [Example(r.title, tuple(find_terms(r.title, {s: r.track for s in r.skills})))
                     for r in train_records if r.track]  # fmt: skip
    dev_rows = [(r, e) for r in dev_records if (e := r.silver()) is not None]
    from ml import corpus

    fit, early_stop_dev = corpus.split(examples, dev_share=0.1, seed=13)
    config = TrainConfig(epochs=args.epochs, learning_rate=args.learning_rate, batch_size=args.batch_size,
                         max_length=args.max_length)  # fmt: skip
    started = time.perf_counter()
    out = Path(tempfile.mkdtemp())
    result = train(fit, early_stop_dev, config, out, on_epoch=lambda r: print(f"epoch {r.epoch}: loss {r.loss:.3f} "
                   f"dev F1 {r.metrics['f1']}", flush=True))  # fmt: skip
    minutes = (time.perf_counter() - started) / 60
    tagger = Tagger(result.model_dir)
    tracks = [r.track for r, _ in dev_rows]
    full = score([e.spans for _, e in dev_rows], tagger.tag([e.text for _, e in dev_rows]), tracks)
    titles = [Example(r.title, tuple(find_terms(r.title, {s: r.track for s in r.skills}))) for r, _ in dev_rows]
    title_score = score([e.spans for e in titles], tagger.tag([e.text for e in titles]), tracks)
    print(
        f"\ntrained on {len(fit)} examples ({len(train_records)} rows), {result.epochs_run} epochs in {minutes:.1f} min"
        f" on {result.device}, {result.samples_per_second} samples/s, peak {result.peak_memory_mb} MB"
    )
    print(f"dev rows (held out by id): {full['rows']}")
    print(f"{'':24} {'P':>6} {'R':>6} {'F1':>6} {'track acc':>10}")
    print(f"{'lexicon anchor (README)':24} {0.444:6.3f} {0.904:6.3f} {0.596:6.3f}")
    print(f"{'plain recipe anchor':24} {0.232:6.3f} {0.147:6.3f} {0.180:6.3f}")
    for label, s in (("this tagger, title+desc", full), ("this tagger, titles only", title_score)):
        print(f"{label:24} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['track_accuracy']:10.3f}")
    for kind, values in full["per_type"].items():
        print(f"  {kind:10} P {values['precision']:.3f} R {values['recall']:.3f} F1 {values['f1']:.3f}")


if __name__ == "__main__":
    main()
