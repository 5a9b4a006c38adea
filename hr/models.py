"""HR imports: a spreadsheet of org units or people, previewed, then applied.

Like a report run, the row is the truth and the broker only signals: a worker
claims the import with a conditional UPDATE and writes its progress fenced by
the attempt number, and the periodic recovery hands an import whose worker
stopped to another (core/runs.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        ORG_UNITS = "org_units", _("Org units")
        PEOPLE = "people", _("People")

    class Mode(models.TextChoices):
        UPSERT = "upsert", _("Add and update")
        FULL_ROSTER = "full_roster", _("Full roster (people missing from the file leave)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PREVIEWING = "previewing", _("Checking the file")
        PREVIEW_READY = "preview_ready", _("Preview ready")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.UPSERT)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit (and below)"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The import writes only within this unit's subtree."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.QUEUED
    )
    # True while a worker holds the import (previewing, or applying); the
    # recovery clears it when the worker's heartbeat stops.
    claimed = models.BooleanField(_("claimed by a worker"), default=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The preview: up to PREVIEW_SAMPLE changes field by field, and the rows in
    # error (numbers and reasons; the error file has them all with their values).
    changes = models.JSONField(_("changes"), default=list, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    # Open work of the people the import moved or deactivated, for the office.
    open_work = models.JSONField(_("open work to reassign"), default=list, blank=True)
    error_file = models.FileField(_("error file"), upload_to="imports/%Y/%m/", blank=True)
    # What the preview saw of the data it changes: a confirm against other data
    # is refused (409 preview_stale).
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    previewed_at = models.DateTimeField(_("previewed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("HR import")
        verbose_name_plural = _("HR imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="hr_import_stale_scan"),
            models.Index(fields=["org_unit", "-created_at"], name="hr_import_by_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.APPLIED, self.Status.FAILED)
