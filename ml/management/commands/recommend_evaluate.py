import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml.datasets import read_records, split_by_id
from ml.ranking import neighbour_quality, top_k
from ml.training_config import OFFLINE_DEFAULT

K = 10


class Command(BaseCommand):
    help = (
        "Embed every row of a CSV in the shared shape and print precision@10 and nDCG@10 of each row's "
        "nearest neighbours (relevant: same non-empty domain), and precision@10 by shared skill."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path)
        parser.add_argument("--method", choices=["embedding", "tfidf", "random"], default="embedding")
        parser.add_argument(
            "--model",
            default=OFFLINE_DEFAULT,
            help="sentence encoder of --method embedding: the shipped package's name, or a local model directory "
            "(embed_finetune --out)",
        )
        parser.add_argument(
            "--split",
            choices=["all", "dev"],
            default="all",
            help="all rows, or the 20%% dev part held out by id (what embed_finetune and ml_train --split train "
            "leave out); neighbours are searched among the same rows",
        )
        parser.add_argument("--titles", action="store_true", help="titles only instead of title + description")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        if not options["data"].exists():
            raise CommandError(f"{options['data']}: no such file")
        model = options["model"]
        # A name the package does not have would be looked up on a model hub this machine may not reach:
        # refuse it here, with the reason, rather than in a transformers traceback.
        if options["method"] == "embedding" and model != OFFLINE_DEFAULT and not (Path(model) / "config.json").exists():
            raise CommandError(f"{model}: not {OFFLINE_DEFAULT} nor a model directory (no config.json)")
        records = read_records(options["data"])
        if options["split"] == "dev":
            _train_part, records = split_by_id(records)
        if len(records) < 2:
            raise CommandError(f"{options['data']}: needs at least two rows")
        texts = [record.title if options["titles"] else record.text for record in records]
        started = time.monotonic()
        method = options["method"]
        if method == "embedding":
            from ml.inference import embedder_for

            vectors = embedder_for(model).embed(texts)
        elif method == "tfidf":
            from ml.text_vectors import tfidf_vectors

            vectors = tfidf_vectors(texts)
        else:
            from ml.text_vectors import random_vectors

            vectors = random_vectors(len(texts))
        neighbours = top_k(vectors, vectors, K, exclude_self=True)
        seconds = time.monotonic() - started
        result = {
            **neighbour_quality(
                neighbours,
                [record.domain for record in records],
                [frozenset(skill.casefold() for skill in record.skills) for record in records],
                K,
            ),
            "rows": len(records),
            "method": method,
            "split": options["split"],
            **({"model": model} if method == "embedding" else {}),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return

        def shown(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        self.stdout.write(
            f"{method} on {options['data']} ({options['split']}{', titles' if options['titles'] else ''}): "
            f"{result['rows']} rows, {seconds:.1f} s"
        )
        self.stdout.write(f"  precision@10 (same domain)  {shown(result['precision_at_10'])}")
        self.stdout.write(f"  nDCG@10 (same domain)       {shown(result['ndcg_at_10'])}")
        self.stdout.write(f"  precision@10 (shared skill) {shown(result['skill_precision_at_10'])}")
