"""The Celery app. Broker and options come from Django settings (CELERY_*)."""

import gc
import os
from importlib import import_module

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _prepare_worker(**_kwargs) -> None:
    from django.conf import settings

    from core.db import statement_timeout_use
    from core.queue import ensure_queue_folders

    ensure_queue_folders(app)
    # A report over the whole group may query longer than a request's 25 s. The
    # startup option of the worker's own connections is changed here, before the
    # pool's processes are forked, rather than a `SET` on each new connection:
    # behind a pooler in transaction mode that `SET` would stay on a server
    # connection the web then uses (docs/operations.md, PgBouncer).
    statement_timeout_use(settings.CELERY_STATEMENT_TIMEOUT_MS)
    # A list's export replays its address (core.api.views.replayed_list), which
    # imports the URLconf and with it every app's API: a second or more, paid
    # here once, before the fork, rather than by a process's first export.
    import_module(settings.ROOT_URLCONF)
    # What is loaded by now (Django, every app, the URLconf: some 430,000
    # objects) lives as long as the worker: kept out of the garbage collector's
    # full passes, which otherwise walked all of it, 0.1-0.25 s each, in the
    # middle of long reports and exports. Before the fork, so the pool's
    # processes also keep those pages shared.
    gc.freeze()


@worker_ready.connect
def _announce_worker(sender, **_kwargs) -> None:
    # Beat's first heartbeat comes only after a full interval; report at once,
    # on a queue this very worker consumes (it may have been started with -Q).
    queue = next(iter(sender.app.amqp.queues.consume_from), None)
    sender.app.send_task("core.tasks.worker_heartbeat", queue=queue)
