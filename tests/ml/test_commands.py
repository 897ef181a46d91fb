import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from ml.models import ModelVersion
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_train_tag_and_evaluate_from_the_command_line(settings, tmp_path):
    settings.ML_CACHE_DIR = tmp_path / "cache"
    settings.MEDIA_ROOT = tmp_path / "media"
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"text": "Learn watercolor painting", "spans": [{"start": 6, "end": 16, "type": "ART"}]}) + "\n",
        encoding="utf-8",
    )
    records = tmp_path / "records.csv"
    with records.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description", "skills", "domain", "source"])
        writer.writerow(["a", "Python for data analysis", "Learn Python.", "Python;data analysis", "knowledge", "t"])
        writer.writerow(["b", "Watercolor", "Paint with watercolor.", "watercolor", "art", "t"])
        writer.writerow(["c", "Greek history", "Ancient Greece.", "history", "other", "t"])
    course = CourseFactory(title_zh="钢琴入门", description_zh="零基础学习钢琴与声乐。")
    out = StringIO()

    call_command("ml_train", "--data", str(gold), "--sources", "corpus", "--epochs", "3", "--learning-rate", "1e-4",
                 "--max-length", "64", "--activate", stdout=out)  # fmt: skip
    call_command("ml_tag", "--course", course.slug, stdout=out)
    evaluation = StringIO()
    call_command("ml_evaluate", "--data", str(records), "--json", stdout=evaluation)

    version = ModelVersion.objects.get(is_active=True)
    assert "model version" in out.getvalue() and version.metrics["f1"] > 0
    assert "tagged 1 courses" in out.getvalue()  # what it found is the fine-tune tests' business
    result = json.loads(evaluation.getvalue())
    assert set(result) == {"precision", "recall", "f1", "track_accuracy", "per_type", "rows"}
    assert result["rows"] == 2  # the "other" row is skipped, as the data README says
