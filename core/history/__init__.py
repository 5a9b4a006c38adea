"""Field-level history of every record: who changed what, when, from what to
what, and through what (a page, the API, the admin, an import or a task).

django-auditlog keeps the entries (one `auditlog.LogEntry` table, each entry
holding the changed fields as `{field: [old, new]}`); the models it follows are
listed in settings (`AUDITLOG_INCLUDE_TRACKING_MODELS`, and the ones left out on
purpose in `HISTORY_UNTRACKED`). Its signals see a record saved or deleted one
at a time; this package adds what they cannot see, and reads the history back:

- `context`: through what and by whom each entry is written (the recording
  context: `recording`, `acting_for`, `HistoryMiddleware`, a task's `task`).
- `bulk`: `update()`, `bulk_create()` and `bulk_update()` recorded like single
  saves on every manager of a followed model (`install`, once the apps are
  ready).
- `m2m`: a many-to-many change recorded with the related records' ids beside
  the names auditlog keeps, so the history names each only to who may see it.
- `reading`: the entries of a record and its parts, each change as the reader
  would say it, for the pages, the API and the admin.

The rest of the code imports these names from `core.history` (settings name
`core.history.HistoryMiddleware`), not from the modules.
"""

from core.history.bulk import RecordedQuerySetMixin, install
from core.history.context import HistoryMiddleware, Via, acting_for, not_recorded, recording
from core.history.reading import (
    ACTIONS,
    PAGE_LIMIT,
    _name_scopes,
    changes_of,
    history_of,
    history_section,
    record_kind,
    register_scope,
    related_names,
    via_label,
)

__all__ = [
    "ACTIONS",
    "PAGE_LIMIT",
    "HistoryMiddleware",
    "RecordedQuerySetMixin",
    "Via",
    "_name_scopes",
    "acting_for",
    "changes_of",
    "history_of",
    "history_section",
    "install",
    "not_recorded",
    "record_kind",
    "recording",
    "register_scope",
    "related_names",
    "via_label",
]
