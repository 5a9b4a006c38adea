"""A real Celery worker process runs a task end to end through the broker (Redis
when REDIS_URL is set, the embedded filesystem transport otherwise) and writes its
result to the test database."""

import pytest

from core.models import WorkerHeartbeat
from core.tasks import worker_heartbeat
from tests import workers as worker_pool
from tests.workers import sent_to, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

workers = worker_pool.workers
media_root = worker_pool.media_root


def test_real_worker_runs_task_through_the_broker(workers):
    workers.start()
    with sent_to(workers.queue):
        worker_heartbeat.apply_async(queue=workers.queue)
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(worker__startswith=f"{workers.queue}-").first(),
        workers,
        seconds=60,
    )
    heartbeat = WorkerHeartbeat.objects.get(worker__startswith=f"{workers.queue}-")
    assert heartbeat.seen_at is not None
