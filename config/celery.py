"""The Celery app. Broker and options come from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _prepare_worker(**_kwargs) -> None:
    from core.queue import ensure_queue_folders

    ensure_queue_folders(app)


@worker_ready.connect
def _announce_worker(sender, **_kwargs) -> None:
    # Beat's first heartbeat comes only after a full interval; report at once,
    # on a queue this very worker consumes (it may have been started with -Q).
    queue = next(iter(sender.app.amqp.queues.consume_from), None)
    sender.app.send_task("core.tasks.worker_heartbeat", queue=queue)
