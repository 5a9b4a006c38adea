"""Report runs: an Excel (or CSV) report built in the background by Celery.

The row is the truth: the broker only signals that there is work. A worker
claims a queued run with a conditional UPDATE, writes its progress and
heartbeat fenced by its attempt number, and a periodic task re-queues a run
whose heartbeat stopped (a killed worker), up to a number of attempts.

Dashboard snapshots: the dashboard's figures for a unit and a year, kept ready
for the page and the API (reports/snapshots.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.snapshot_codec import FiguresDecoder, FiguresEncoder


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        GROUP_OVERVIEW = "group_overview", _("Group overview")
        STUDIO_ANNUAL = "studio_annual", _("Studio annual summary")
        CAMPAIGN_SUMMARY = "campaign_summary", _("Five-small campaign summary")
        MENTORING_SUMMARY = "mentoring_summary", _("Mentoring summary")
        # A list too long to export in the answer (core/exports.py), built here.
        LIST_EXPORT = "list_export", _("List export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit (and below)"),
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    campaign = models.ForeignKey(
        "competitions.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="report_runs",
        null=True,
        blank=True,
    )
    # A list export's list: its export URL with the filters, replayed as the
    # requester by the worker, and the list's name for the page and the file.
    list_url = models.CharField(_("list address"), max_length=2000, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=100, blank=True, editable=False)
    format = models.CharField(
        _("format"), max_length=4, choices=Format.choices, default=Format.XLSX
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty for a scheduled run."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_range"
            ),
            # A succeeded run has its file; the others have none yet.
            # A list export knows which list it repeats; a report has no list.
            models.CheckConstraint(
                condition=Q(kind="list_export", list_url__gt="")
                | (~Q(kind="list_export") & Q(list_url="")),
                name="%(app_label)s_%(class)s_list_url_for_exports",
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | ~Q(file=""),
                name="%(app_label)s_%(class)s_success_has_file",
            ),
        ]
        indexes = [
            # The periodic scan for runs whose worker stopped (status, heartbeat).
            models.Index(fields=["status", "heartbeat_at"], name="reports_run_stale_scan"),
            # An official's list of runs, newest first, within their units.
            models.Index(fields=["org_unit", "-created_at"], name="reports_run_by_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.get_kind_display()} {self.year}"

    def get_absolute_url(self) -> str:
        """Its row on the runs page (progress, then the download)."""
        return f"{reverse('reports:run-list')}#run-{self.pk}"

    def get_api_url(self) -> str:
        return reverse("api:report-run-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class DashboardSnapshot(models.Model):
    """Every figure of the dashboard for one unit's subtree and one year, as
    `live_dashboard_figures` computed them at `computed_at` (reports/snapshots.py).

    `stale` says a record the figures count has changed since; `version` is
    bumped at each such change, so a recomputation that started before it does
    not clear the flag.
    """

    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit (and below)"),
        on_delete=models.CASCADE,  # derived data: it goes with its unit
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # None until the first computation has finished.
    figures = models.JSONField(
        _("figures"), null=True, encoder=FiguresEncoder, decoder=FiguresDecoder, editable=False
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, editable=False)
    stale = models.BooleanField(_("stale"), default=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        ordering = ["org_unit_id", "year"]
        constraints = [
            # One per unit and year; its index serves the page's and the API's look-up.
            models.UniqueConstraint(
                fields=["org_unit", "year"], name="%(app_label)s_%(class)s_one_per_unit_year"
            ),
        ]
        indexes = [
            # Beat's scan for the snapshots to recompute.
            models.Index(
                fields=["id"], condition=Q(stale=True), name="reports_snapshot_stale_scan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.year}"
