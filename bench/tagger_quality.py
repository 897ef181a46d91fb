"""Tagger quality on real catalogue rows, through the product's two commands.

Trains with `manage.py ml_train` (the same service and job as the admin and the API; the file's
skills go into the managers' lexicon unless `--lexicon off`) on 80% of
`../shared/data/courses/coursera_2021.csv` (split by id), and scores with `manage.py
ml_evaluate` (the data README's silver spans and metrics) on the held-out 20%, full texts (also
without the lexicon: the model alone) and bare titles, and on the bare titles of other catalogues
(track accuracy on a catalogue not trained on). Every figure it prints is one a user gets from
those two commands; it prints them.

Run by hand, on a database of its own (it adds a model version and lexicon terms):

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/tagger_quality.py           # full
    .venv/bin/python bench/tagger_quality.py --rows 400 --dev-rows 200 -- --epochs 1      # reduced

`--model NAME` scores a version trained before (with the lexicon as it is) instead of training.
`--rows N` trains on N rows of the training part and `--dev-rows M` scores M held-out rows (drawn
with a fixed seed, written to temporary files in the shared shape); arguments after `--` go to
`ml_train` as they are (`--epochs 1`, `--learning-rate 1e-4`, `--lexicon off`, ...).
"""

import argparse
import json
import os
import random
import shlex
from contextlib import ExitStack
from io import StringIO

from common import SHARED

# The data README's anchor: the lexicon tagger made of the training rows' skills.
LEXICON_ANCHOR = {"precision": 0.444, "recall": 0.904, "f1": 0.596}
# coursera_2023 has no domain: its rows have no track, hence no silver spans (the data README types
# them by the row's domain) and nothing to score; it is left out, not scored as empty.
OTHER_CATALOGUES = ("edx_2021.csv",)


def sample(records: list, size: int) -> list:
    """`size` of the records, drawn with a fixed seed, in file order (the file is sorted by domain:
    its first rows are all art); all of them for 0."""
    if not size or size >= len(records):
        return records
    chosen = set(random.Random(13).sample(range(len(records)), size))
    return [record for index, record in enumerate(records) if index in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=0, help="train on the first N training rows (0: all)")
    parser.add_argument("--dev-rows", type=int, default=0, help="score the first M held-out rows (0: all)")
    parser.add_argument("--other", action="append", default=None, help="other catalogues' files (bare titles)")
    parser.add_argument(
        "--model", default="", help="score this model version (and the lexicon as it is) instead of training one"
    )
    parser.add_argument("train_args", nargs=argparse.REMAINDER, help="after --: ml_train's own arguments")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from ml.datasets import read_records, records_csv, split_by_id

    # The reduced protocol's temporary files, removed at the end (also when a command fails).
    with ExitStack() as scratch:
        source = SHARED / "coursera_2021.csv"
        if args.rows or args.dev_rows:
            train, dev = split_by_id(read_records(source))
            train_file = scratch.enter_context(records_csv(sample(train, args.rows), "coursera_2021-train"))
            dev_file = scratch.enter_context(records_csv(sample(dev, args.dev_rows), "coursera_2021-dev"))
            train_split: list[str] = []
            dev_split: list[str] = []
        else:  # the user's commands word for word
            train_file, train_split, dev_file, dev_split = source, ["--split", "train"], source, ["--split", "dev"]
        extra = [a for a in args.train_args if a != "--"]

        def run(name: str, *command: str) -> str:
            print(f"$ manage.py {name} {shlex.join(command)}", flush=True)
            out = StringIO()
            call_command(name, *command, stdout=out)
            return out.getvalue()

        model = ["--model", args.model] if args.model else []
        if not args.model:
            print(run("ml_train", "--data", str(train_file), *train_split, "--activate", *extra))
        scored = [
            ("held-out rows, no lexicon", dev_file, [*dev_split, "--lexicon", "none"], False),
            ("held-out rows", dev_file, dev_split, False),
            ("held-out titles", dev_file, dev_split, True),
            *((f"{name} titles", SHARED / name, [], True) for name in args.other or OTHER_CATALOGUES),
        ]
        results = []
        for label, path, split, titles in scored:
            flags = [*split, *(["--titles"] if titles else [])]
            results.append((label, json.loads(run("ml_evaluate", "--data", str(path), *flags, *model, "--json"))))
        print(f"\n{'':28} {'rows':>5} {'P':>6} {'R':>6} {'F1':>6} {'track acc':>10} {'knowledge':>10} {'art':>6}")
        anchor = LEXICON_ANCHOR
        print(f"{'lexicon anchor (data README)':28} {'':>5} {anchor['precision']:6.3f} {anchor['recall']:6.3f} "
              f"{anchor['f1']:6.3f}")  # fmt: skip
        for label, found in results:
            print(f"{label:28} {found['rows']:5} {found['precision']:6.3f} {found['recall']:6.3f} {found['f1']:6.3f} "
                  f"{found['track_accuracy']:10.3f} {found['track_accuracy_per_type']['KNOWLEDGE']:10.3f} "
                  f"{found['track_accuracy_per_type']['ART']:6.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
