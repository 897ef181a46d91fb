"""Per-type scores stored before the metric shape was one: "f1-score" (seqeval's) becomes "f1"."""

from django.db import migrations


def _renamed(metrics):
    if not isinstance(metrics, dict) or not isinstance(metrics.get("per_type"), dict):
        return metrics
    per_type = {
        kind: {("f1" if key == "f1-score" else key): value for key, value in scores.items()}
        if isinstance(scores, dict)
        else scores
        for kind, scores in metrics["per_type"].items()
    }
    return {**metrics, "per_type": per_type}


def forwards(apps, schema_editor):
    for version in apps.get_model("ml", "ModelVersion").objects.filter(metrics__has_key="per_type"):
        version.metrics = _renamed(version.metrics)
        version.save(update_fields=["metrics"])
    TrainingJob = apps.get_model("ml", "TrainingJob")
    for job in TrainingJob.objects.exclude(metrics=[]):
        job.metrics = [_renamed(row) for row in job.metrics] if isinstance(job.metrics, list) else job.metrics
        job.save(update_fields=["metrics"])


class Migration(migrations.Migration):
    dependencies = [("ml", "0005_job_queued_at")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
