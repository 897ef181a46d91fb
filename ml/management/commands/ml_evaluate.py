import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ml import selectors
from ml.datasets import read_records, split_by_id
from ml.evaluation import score
from ml.spans import Lexicon

BATCH = 256


class Command(BaseCommand):
    help = (
        "Tag every knowledge/art row of a CSV in the shared shape and print skill-tag P/R/F1 per type and "
        "overall, and track accuracy, as ../shared/data/courses/README.md defines them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path)
        parser.add_argument("--model", default="", help="model version name (default: the active one)")
        parser.add_argument(
            "--split",
            choices=["all", "dev"],
            default="all",
            help="all rows, or the 20%% dev part held out by id (what ml_train --split train leaves out)",
        )
        parser.add_argument(
            "--lexicon",
            choices=["managers", "none"],
            default="managers",
            help="terms the tagger judges: the managers' lexicon (what tagging jobs use), or none",
        )
        parser.add_argument(
            "--titles",
            action="store_true",
            help="tag each row's bare title instead of title + description (a new catalogue's short titles)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        from ml.inference import tagger_for

        if not options["data"].exists():
            raise CommandError(f"{options['data']}: no such file")
        version = selectors.model_version(name=options["model"])
        if version is None:
            raise CommandError("No such model version (and none is active).")
        records = read_records(options["data"])
        if options["split"] == "dev":
            _train_part, records = split_by_id(records)
        lexicon = selectors.lexicon() if options["lexicon"] == "managers" else Lexicon({})
        rows = [
            (record, example)
            for record in records
            if (example := record.silver(title_only=options["titles"], strict=True)) is not None
        ]
        tagger = tagger_for(version)
        predicted = []
        for begin in tqdm(range(0, len(rows), BATCH), desc="tagging", disable=options["json"]):
            predicted += tagger.tag([example.text for _, example in rows[begin : begin + BATCH]], lexicon)
        result = score([example.spans for _, example in rows], predicted, [record.track for record, _ in rows])
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"{version.name} on {options['data']} ({options['split']}{', titles' if options['titles'] else ''}): "
            f"{result['rows']} rows, {len(lexicon)} lexicon terms"
        )
        for kind, values in result["per_type"].items():
            self.stdout.write(
                f"  {kind:10} P {values['precision']:.3f}  R {values['recall']:.3f}  F1 {values['f1']:.3f}"
            )
        self.stdout.write(
            f"  {'overall':10} P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}"
        )
        per_track = ", ".join(f"{kind} {value:.3f}" for kind, value in result["track_accuracy_per_type"].items())
        self.stdout.write(f"  track accuracy {result['track_accuracy']:.3f} ({per_track})")
