"""Signals an app sends so that another may keep something derived from its
records, without the sender importing the receiver (docs/architecture.md).

Django's model signals (`post_save`, `post_delete`) say when a row is saved one
at a time. A bulk write does not send them: `QuerySet.update()`,
`bulk_create()`, `bulk_update()`, raw SQL. A service that writes records that
way, records somebody derives figures from, sends `records_changed` itself.
"""

from django.dispatch import Signal

# Records in some org units changed through a write the model signals do not
# see. Keyword arguments:
#   unit_ids  the ids of the units the changed records belong to, before and
#             after the change (a person who moved is in both); None: anywhere
#   subtrees  True when anything below those units may have changed too
#   rest_of_transaction  with unit_ids None: whatever else this transaction
#             writes counts as changed anywhere too (a bulk load such as the
#             demo's), so receivers may skip their per-record work until it
#             commits
# Receivers are called inside the sender's transaction and must defer their
# own work to `transaction.on_commit` (the dashboard's snapshots do:
# reports/snapshot_signals.py).
records_changed = Signal()
