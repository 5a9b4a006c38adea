"""An import previewed and applied by real Celery worker processes through the
broker, against the test database; a worker killed in the middle of the apply,
whose import a new worker finishes after the periodic recovery, each person
written once."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from hr import services
from hr.models import ImportRun
from tests import workers as worker_pool
from tests.hr.imports import PEOPLE_HEADER, csv_file, person_row
from tests.workers import sent_to, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

workers = worker_pool.workers
media_root = worker_pool.media_root
TASKS = ("hr.tasks.preview_import", "hr.tasks.apply_import")
Status = ImportRun.Status
# Enough rows that the apply takes several chunks (seconds, not milliseconds):
# the test sees chunks committed and kills the worker before the last one.
ROWS = 10_000


def test_a_killed_apply_is_finished_by_another_worker_each_person_once(org, workers, media_root):
    rows = [person_row(f"K{n:06d}", f"工人{n}", "A101" if n % 2 else "A102") for n in range(ROWS)]
    first = workers.start()
    with sent_to(workers.queue, *TASKS):
        run = services.import_request(
            by=org.official_a, kind="people", upload=csv_file(PEOPLE_HEADER, rows)
        )
    wait_for(
        lambda: ImportRun.objects.filter(pk=run.pk, status=Status.PREVIEW_READY).exists(), workers
    )
    run.refresh_from_db()
    assert (run.counts["create"], run.attempt) == (ROWS, 1)
    assert not User.objects.filter(employee_no__startswith="K").exists()  # the preview wrote nobody

    with sent_to(workers.queue, *TASKS):
        services.import_confirm(by=org.official_a, run=run)

    def some_written():
        return User.objects.filter(employee_no__startswith="K").count() >= 2000

    wait_for(some_written, workers, every=0.02)
    workers.kill(first)
    first.wait(timeout=10)
    written = User.objects.filter(employee_no__startswith="K").count()
    run.refresh_from_db()
    assert run.status == Status.APPLYING and written < ROWS, workers.log()

    # Once its heartbeat is old enough, the periodic check hands the import on.
    later = timezone.now() + datetime.timedelta(hours=1)
    with sent_to(workers.queue, *TASKS):
        assert services.imports_recover(now=later)["requeued"] == 1
    workers.start()
    wait_for(lambda: ImportRun.objects.filter(pk=run.pk, status=Status.APPLIED).exists(), workers)
    run.refresh_from_db()
    numbers = list(
        User.objects.filter(employee_no__startswith="K").values_list("employee_no", flat=True)
    )
    assert len(numbers) == len(set(numbers)) == ROWS
    # The second attempt found the first one's people unchanged and wrote the rest.
    assert run.attempt == 3  # preview, first apply, second apply
    assert run.counts["create"] + run.counts["unchanged"] == ROWS
    assert 0 < run.counts["unchanged"] < ROWS
