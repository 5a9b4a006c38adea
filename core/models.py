from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import InvalidTransition


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task.

    Written by the worker itself, so /healthz can tell whether background work
    (reports, notices) is really being processed, not just whether the broker
    accepts messages.
    """

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker


class BeatHeartbeat(models.Model):
    """The last time Celery beat sent a periodic task (the recovery sweeps, the
    worker heartbeat): written by the beat process itself (core.queue), so
    /healthz can tell a stopped beat from a stopped worker."""

    beat = models.CharField(_("beat"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("beat heartbeat")
        verbose_name_plural = _("beat heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.beat


class StateEvent(models.Model):
    """One state change of a record: who, when, from, to and why.

    Concrete event models add a foreign key to their record (see
    `StatefulModel.event_parent_field`) and are written only by
    `StatefulModel.transition_to()`, so history and state never disagree.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    note = models.TextField(_("note"), blank=True)

    # The record's status choices, so history shows labels rather than codes.
    state_choices: type[models.TextChoices] | None = None

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"

    def _label(self, code: str) -> str:
        labels = dict(self.state_choices.choices) if self.state_choices else {}
        return labels.get(code, code)

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)


class StatefulModel(models.Model):
    """A model with a `status` that moves along `TRANSITIONS`.

    Subclasses declare `TRANSITIONS = {from: {to, …}}`, the event model's related
    name (`events`) and the event's foreign key to the record
    (`event_parent_field`). Services lock the row, check the actor's rights, then
    call `transition_to()`, which refuses an illegal move with 409.
    """

    TRANSITIONS: dict[str, set[str]] = {}
    event_parent_field: str = ""

    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        abstract = True

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, set())

    def transition_to(self, new_status: str, *, by, note: str = "", also_save: tuple = ()):
        """Move to `new_status` and write the event row; 409 if not allowed.

        `also_save` names fields the caller set for this move (a solving date),
        saved in the same UPDATE so constraints tying them to the status hold.
        """
        if not self.can_move_to(new_status):
            labels = dict(self._meta.get_field("status").flatchoices)
            raise InvalidTransition(
                labels.get(self.status, self.status), labels.get(new_status, new_status)
            )
        old_status = self.status
        self.status = new_status
        self.status_changed_at = timezone.now()
        self.save(update_fields=["status", "status_changed_at", *also_save])
        return self.events.model.objects.create(
            **{self.event_parent_field: self},
            actor=by,
            from_state=old_status,
            to_state=new_status,
            note=note,
            at=self.status_changed_at,
        )


class Attachment(models.Model):
    """A file on any record; created only through `core.attachments`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="attachments/%Y/%m/", blank=True)
    original_name = models.CharField(_("name"), max_length=120)
    mime_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # A photo is decoded and re-encoded (turned upright, metadata dropped) by a
    # worker, not in the upload's request; until then it is stored as sent and
    # served to nobody (it may still carry a GPS position).
    pending = models.BooleanField(_("being processed"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [
            # "The files of this record", on every record page.
            models.Index(fields=["content_type", "object_id"], name="core_attachment_owner"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/") and bool(self.thumbnail) and not self.pending
