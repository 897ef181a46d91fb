import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml.training_config import OFFLINE_DEFAULT


class Command(BaseCommand):
    help = (
        "Fine-tune the sentence encoder of course embeddings on pairs of rows of a CSV in the shared shape "
        "that share a skill (titles with titles and with full texts; in-batch negatives), and save it as a "
        "model directory that ML_EMBEDDING_MODEL and recommend_evaluate --model load."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path)
        parser.add_argument(
            "--out",
            required=True,
            help="a plain name (saved under ML_CACHE_DIR/embedders/) or a path; it must not exist",
        )
        parser.add_argument(
            "--split",
            choices=["train", "all"],
            default="train",
            help="the 80%% training part by id (default: recommend_evaluate --split dev judges the rest), or all",
        )
        parser.add_argument("--epochs", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--learning-rate", type=float, default=2e-5)
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--base-model", default=OFFLINE_DEFAULT, help="the shipped package, or a model directory")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        from ml.training.contrastive import ContrastiveConfig, embedder_dir, embedder_finetune

        if not options["data"].exists():
            raise CommandError(f"{options['data']}: no such file")
        out = options["out"]
        try:
            out_dir = Path(out) if "/" in out else embedder_dir(out)
            config = ContrastiveConfig(
                base_model=options["base_model"],
                epochs=options["epochs"],
                batch_size=options["batch_size"],
                learning_rate=options["learning_rate"],
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if out_dir.exists():
            raise CommandError(f"{out_dir}: already exists (choose another --out)")
        base = options["base_model"]
        if base != OFFLINE_DEFAULT and not (Path(base) / "config.json").exists():
            raise CommandError(f"{base}: not {OFFLINE_DEFAULT} nor a model directory (no config.json)")
        try:
            result = embedder_finetune(data=options["data"], out_dir=out_dir, split=options["split"], config=config)
        except ValueError as error:  # e.g. no two rows share a skill
            raise CommandError(str(error)) from None
        summary = {
            "out": str(result.out_dir),
            "pairs": result.pairs,
            "steps": result.steps,
            "losses": result.losses,
            "seconds": round(result.seconds, 1),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        losses = ", ".join(f"{loss:.4f}" for loss in result.losses)
        self.stdout.write(
            f"{result.pairs} pairs a epoch, {result.steps} steps, {result.seconds:.0f} s; mean loss per epoch {losses}"
        )
        self.stdout.write(f"saved {result.out_dir} (ML_EMBEDDING_MODEL={result.out_dir})")
