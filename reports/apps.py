from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Changes to the records the dashboard counts mark its snapshots stale.
        from reports import snapshot_signals

        snapshot_signals.connect()
