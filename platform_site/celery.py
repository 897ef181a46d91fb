"""The Celery app. Configuration comes from Django settings under the CELERY_ prefix."""

import os
from pathlib import Path
from typing import Any

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.local")

app = Celery("platform_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Three queues: `default` for short bookkeeping jobs on any worker, `gpu` for model work on
# workers started with `-Q gpu` on machines that have an accelerator, `media` for transcoding.
app.conf.task_queues = tuple(Queue(name, Exchange(name), routing_key=name) for name in ("default", "gpu", "media"))
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender: Celery, **kwargs: Any) -> None:
    # The embedded filesystem transport fails on folders that do not exist yet.
    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
