"""Thin Celery wrappers around the import services (docs/architecture.md)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from hr import services
from hr.planning import RunLost

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


def _run_phase(task, run_id: int, phase: str) -> None:
    attempt = services.import_claim(run_id=run_id, phase=phase)
    if attempt is None:
        return
    step = services.import_preview if phase == "preview" else services.import_apply
    try:
        with translation.override(settings.LANGUAGE_CODE):
            step(run_id=run_id, attempt=attempt)
    except RunLost:
        return  # the recovery gave the import to another attempt: its result counts
    except ValidationError as exc:  # the file turned out unreadable or too long
        services.import_fail(run_id=run_id, attempt=attempt, error=" ".join(exc.messages))
    except TRANSIENT as exc:
        log.warning("Import %s: %s, left for the recovery to retry", run_id, exc)
    except SoftTimeLimitExceeded:
        services.import_fail(run_id=run_id, attempt=attempt, error=_("The import took too long."))
    except Exception as exc:
        log.exception("Import %s failed", run_id)
        services.import_fail(
            run_id=run_id, attempt=attempt, error=_("The import failed: %(error)s") % {"error": exc}
        )


IMPORT_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 60 * 60,
    "time_limit": 65 * 60,
}


@shared_task(**IMPORT_TASK)
def preview_import(self, run_id: int) -> None:
    """Check the file and write the preview on the import. Safe to run twice."""
    _run_phase(self, run_id, "preview")


@shared_task(**IMPORT_TASK)
def apply_import(self, run_id: int) -> None:
    """Apply a confirmed preview. Safe to run twice: people are matched by
    employee number, so a second attempt writes nobody twice."""
    _run_phase(self, run_id, "apply")


@shared_task(ignore_result=True)
def recover_imports() -> dict:
    """Periodic (beat): hand imports whose worker stopped to another attempt."""
    return services.imports_recover()
