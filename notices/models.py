"""Notices (docs/notices.md): what a person is told, in the app, by email and to
a unit's messenger group. A notice keeps its kind and parameters, not its text:
the text is rendered when it is read, in the reader's language (a person's
language is their browser's choice, known only when they read), and mails are
rendered in the product's default language when they are sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notice goes besides the app (the app itself is always on)."""

    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Messenger group")


class Notice(models.Model):
    """One thing one person is told, with the record it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # `<app>.<event>`, one of notices.kinds.KINDS.
    kind = models.CharField(_("kind"), max_length=64)
    # The values the kind's text is rendered with (a title, a reason …).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The record the notice is about: its model label, id and page.
    record_type = models.CharField(_("record type"), max_length=64, blank=True)
    record_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Set by reminders and alerts a beat task sends: one notice per person and
    # key however often the task runs (e.g. a pairing's at-risk episode).
    once_key = models.CharField(_("once key"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A reminder or alert reaches a person once, whoever runs the sweep twice.
            models.UniqueConstraint(
                fields=["recipient", "once_key"],
                condition=~Q(once_key=""),
                name="%(app_label)s_%(class)s_once_per_key",
            ),
        ]
        indexes = [
            # The bell on every page: a person's unread count, one index range.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notices_notice_unread",
            ),
            # The notices page and API: a person's notices, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notices_notice_recipient"),
            # The nightly prune of read notices past the keeping period.
            models.Index(
                fields=["created_at"],
                condition=Q(read_at__isnull=False),
                name="notices_notice_read_created",
            ),
        ]

    def __str__(self) -> str:
        return self.kind

    @property
    def text(self) -> str:
        """The notice in the active language (notices.kinds)."""
        from notices.kinds import render

        return render(self.kind, self.params)


class UnitWebhook(models.Model):
    """A unit's group robot in the enterprise messenger, for the notices bound
    for its office. The URL is a secret (whoever has it may post to the group):
    it is stored encrypted (notices.secrets), shown back only as a hint, and
    handed to tasks by this row's id."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom (WeChat Work)")
        DINGTALK = "dingtalk", _("DingTalk")

    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    kind = models.CharField(_("messenger"), max_length=16, choices=Kind.choices)
    url_encrypted = models.TextField(_("encrypted URL"), editable=False)
    # The host and the last four characters, all that is ever shown again.
    url_hint = models.CharField(_("URL"), max_length=120, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The office sees a robot that stopped answering (docs/notices.md).
    failures = models.PositiveIntegerField(_("failed posts"), default=0)
    last_failed_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit webhook")
        verbose_name_plural = _("unit webhooks")
        ordering = ["org_unit_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "kind"], name="%(app_label)s_%(class)s_one_per_messenger"
            ),
        ]

    def __str__(self) -> str:
        return self.url_hint


class Delivery(models.Model):
    """A notice sent through one channel: the row that makes sending idempotent.
    A delivery marked sent is never attempted again; a failed send is retried a
    bounded number of times and then stays failed, for the office to see."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DIGEST = "digest", _("Waiting for the daily digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The robot a webhook delivery posts to (by id: the URL never leaves the row).
    webhook = models.ForeignKey(
        UnitWebhook,
        verbose_name=_("unit webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            # One delivery per notice and channel (per robot for the messenger,
            # where a unit may have one of each): a notice is never sent twice.
            models.UniqueConstraint(
                fields=["notice", "channel"],
                condition=Q(webhook__isnull=True),
                name="%(app_label)s_%(class)s_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["notice", "webhook"],
                condition=Q(webhook__isnull=False),
                name="%(app_label)s_%(class)s_once_per_webhook",
            ),
            models.CheckConstraint(
                condition=Q(channel="webhook", webhook__isnull=False)
                | (~Q(channel="webhook") & Q(webhook__isnull=True)),
                name="%(app_label)s_%(class)s_webhook_for_webhooks",
            ),
        ]
        indexes = [
            # The daily digest: email deliveries waiting for it.
            models.Index(
                fields=["channel"],
                condition=Q(status="digest"),
                name="notices_delivery_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.status}"


class NoticePreference(models.Model):
    """How a person wants one kind of notice through one channel. Without a row
    the kind's default holds (email at once); the app always shows it."""

    class Cadence(models.TextChoices):
        INSTANT = "instant", _("At once")
        DIGEST = "digest", _("In the daily digest")
        OFF = "off", _("Not at all")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notice_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    cadence = models.CharField(_("when"), max_length=12, choices=Cadence.choices)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        ordering = ["person_id", "kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "channel"], name="%(app_label)s_%(class)s_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.channel}: {self.cadence}"
