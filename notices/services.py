"""Every write on notices: telling people (`notify`, called by other apps'
services inside their transaction: no signals), reading, preferences, unit
webhooks, and the sending the tasks run (docs/notices.md)."""

import datetime
import json
import logging
import smtplib
from collections.abc import Callable, Iterable
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.services import ensure, locked
from notices import webhooks
from notices.kinds import KINDS, kind_of, render
from notices.models import Channel, Delivery, Notice, NoticePreference, UnitWebhook
from notices.selectors import PERSONAL_CHANNELS, nearest_webhooks, notices_visible_to

log = logging.getLogger(__name__)
Cadence = NoticePreference.Cadence
# Rows per INSERT and per IN (…) list: a reminder sweep may reach 300,000 people.
BATCH = 2000
# Deliveries per email task: one SMTP connection sends them all.
EMAIL_TASK_BATCH = 200
KEEP_FOR = datetime.timedelta(days=365)


def _recipient_ids(recipients: Iterable) -> list[int]:
    ids = {getattr(person, "pk", person) for person in recipients if person is not None}
    return sorted(pk for pk in ids if pk is not None)


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients: Iterable,
    record=None,
    text_params: dict | None = None,
    url: str = "",
    once_key: str = "",
    office_unit=None,
    may_open: Callable[..., QuerySet] | None = None,
    actor=None,
) -> list[Notice]:
    """Tell `recipients` (people or their ids) about `record`, in the caller's
    transaction; the mails and the messenger post go out after it commits.

    `text_params` fill the kind's text (notices.kinds); `url` defaults to the
    record's page. With `once_key` (a reminder, an alert episode) a person who
    already has a notice with that key gets no second one, however often the
    sweep runs. `office_unit`: for a kind bound for the office, the record's
    unit, whose nearest messenger robot also gets the text. `may_open(person)`,
    the record's scoping function: only those who may open the record are told.
    Inactive people are never told, nor the `actor` who caused it."""
    kind_of(kind)
    ids = [pk for pk in _recipient_ids(recipients) if pk != getattr(actor, "pk", actor)]
    if record is not None and may_open is not None:
        people = get_user_model().objects.filter(pk__in=ids)
        ids = [p.pk for p in people if may_open(p).filter(pk=record.pk).exists()]
    if once_key:
        for chunk in _chunks(ids):
            told = set(
                Notice.objects.filter(once_key=once_key, recipient_id__in=chunk).values_list(
                    "recipient_id", flat=True
                )
            )
            ids = [pk for pk in ids if pk not in told] if told else ids
    emails = {}
    for chunk in _chunks(ids):
        emails.update(
            get_user_model().objects.filter(pk__in=chunk, is_active=True).values_list("pk", "email")
        )
    ids = [pk for pk in ids if pk in emails]
    if not ids:
        return []
    if record is not None and not url:
        url = getattr(record, "get_absolute_url", lambda: "")()
    now = timezone.now()
    notices = [
        Notice(
            recipient_id=pk,
            kind=kind,
            params=text_params or {},
            record_type=record._meta.label_lower if record is not None else "",
            record_id=record.pk if record is not None else None,
            url=url,
            once_key=once_key,
            created_at=now,
        )
        for pk in ids
    ]
    try:
        with transaction.atomic():  # a sweep racing another: the other one told them
            for chunk in _chunks(notices):
                Notice.objects.bulk_create(chunk)
    except IntegrityError:
        if not once_key:
            raise
        log.info("notices of kind %s already sent by a concurrent sweep", kind)
        return []
    deliveries = _email_deliveries(kind, notices, emails)
    if KINDS[kind].office:
        deliveries += [
            Delivery(notice=notices[0], channel=Channel.WEBHOOK, webhook=hook)
            for hook in nearest_webhooks(office_unit)
        ]
    for chunk in _chunks(deliveries):
        Delivery.objects.bulk_create(chunk)
    _send_after_commit(deliveries)
    return notices


# The bulk path on PostgreSQL: the notices and their email deliveries in one
# statement, the recipients read by the database (no row passes through Python).
_NOTIFY_ALL = """
WITH people (person_id) AS ({people}),
told AS (
    INSERT INTO {notice} (recipient_id, kind, params, record_type, record_id, url,
                          once_key, created_at)
    SELECT person.id, %s, %s::jsonb, %s, %s, %s, %s, %s
    FROM {user} person
    WHERE person.id IN (SELECT person_id FROM people) AND person.is_active AND person.id <> %s
    ORDER BY person.id
    ON CONFLICT DO NOTHING
    RETURNING id, recipient_id
),
mailed AS (
    INSERT INTO {delivery} (notice_id, channel, status, attempts, last_error)
    SELECT told.id, %s, CASE WHEN chosen.cadence = %s THEN %s ELSE %s END, 0, ''
    FROM told
    JOIN {user} person ON person.id = told.recipient_id
    LEFT JOIN {preference} chosen ON chosen.person_id = told.recipient_id
         AND chosen.kind = %s AND chosen.channel = %s
    WHERE person.email <> '' AND chosen.cadence IS DISTINCT FROM %s
    RETURNING id, status
)
SELECT (SELECT count(*) FROM told), (SELECT min(id) FROM told),
       (SELECT coalesce(array_agg(id ORDER BY id), '{{}}') FROM mailed WHERE status = %s)
"""


@transaction.atomic
def notify_all(
    *,
    kind: str,
    people: QuerySet,
    record=None,
    text_params: dict | None = None,
    url: str = "",
    once_key: str = "",
    office_unit=None,
    actor=None,
) -> int:
    """`notify` for a campaign-wide announcement or sweep: everyone in `people`
    (a queryset of people, already scoped by the caller) is told with one
    INSERT … SELECT of the notices and their email deliveries, however many
    they are (300,000 in a few seconds). The same rules as `notify`: the actor
    and inactive people are not told, a person with the `once_key` is not told
    again (the unique key, even racing another sweep), preferences hold, mails
    go out after commit. Returns the number told."""
    kind_of(kind)
    User = get_user_model()
    if connection.vendor != "postgresql":
        pks = people.order_by().values_list("pk", flat=True)
        return len(
            notify(
                kind=kind,
                recipients=pks,
                record=record,
                text_params=text_params,
                url=url,
                once_key=once_key,
                office_unit=office_unit,
                actor=actor,
            )
        )
    if record is not None and not url:
        url = getattr(record, "get_absolute_url", lambda: "")()
    people_sql, people_params = people.order_by().values("pk").query.sql_with_params()
    sql = _NOTIFY_ALL.format(
        people=people_sql,
        notice=Notice._meta.db_table,
        user=User._meta.db_table,
        delivery=Delivery._meta.db_table,
        preference=NoticePreference._meta.db_table,
    )
    Status = Delivery.Status
    params = [
        *people_params,
        kind,
        json.dumps(text_params or {}),
        record._meta.label_lower if record is not None else "",
        record.pk if record is not None else None,
        url,
        once_key,
        timezone.now(),
        getattr(actor, "pk", actor) or 0,
        Channel.EMAIL,
        Cadence.DIGEST,
        Status.DIGEST,
        Status.QUEUED,
        kind,
        Channel.EMAIL,
        Cadence.OFF,
        Status.QUEUED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        told, first, queued = cursor.fetchone()
    if not told:
        return 0
    posts = []
    if KINDS[kind].office:  # the robot gets the text once, not once per person
        hooks = [
            Delivery(notice_id=first, channel=Channel.WEBHOOK, webhook=hook)
            for hook in nearest_webhooks(office_unit)
        ]
        posts = [delivery.pk for delivery in Delivery.objects.bulk_create(hooks)]
    _tasks_after_commit(queued, posts)
    return told


def _email_deliveries(kind: str, notices: list[Notice], emails: dict) -> list[Delivery]:
    """An email delivery for each recipient with an address who has not turned
    the kind off; waiting for the digest for those who chose it."""
    with_address = [notice for notice in notices if emails[notice.recipient_id]]
    cadences = {}
    for chunk in _chunks([n.recipient_id for n in with_address]):
        cadences.update(
            NoticePreference.objects.filter(
                kind=kind, channel=Channel.EMAIL, person_id__in=chunk
            ).values_list("person_id", "cadence")
        )
    status = {Cadence.INSTANT: Delivery.Status.QUEUED, Cadence.DIGEST: Delivery.Status.DIGEST}
    return [
        Delivery(
            notice=notice,
            channel=Channel.EMAIL,
            status=status[cadences.get(notice.recipient_id, Cadence.INSTANT)],
        )
        for notice in with_address
        if cadences.get(notice.recipient_id) != Cadence.OFF
    ]


def _send_after_commit(deliveries: list[Delivery]) -> None:
    """One task per channel (per batch of mails, per robot post), after the
    change that caused the notices has committed."""
    emails = [
        d.pk
        for d in deliveries
        if d.status == Delivery.Status.QUEUED and d.channel == Channel.EMAIL
    ]
    _tasks_after_commit(emails, [d.pk for d in deliveries if d.channel == Channel.WEBHOOK])


def _tasks_after_commit(emails: list[int], posts: list[int]) -> None:
    from notices import tasks

    for chunk in _chunks(emails, EMAIL_TASK_BATCH):
        transaction.on_commit(lambda chunk=chunk: tasks.deliver_emails.delay(chunk))
    for pk in posts:
        transaction.on_commit(lambda pk=pk: tasks.deliver_webhook.delay(pk))


# ── reading ────────────────────────────────────────────────────────────────


@transaction.atomic
def notice_mark_read(*, notice_id: int, by) -> Notice:
    """Mark one of one's own notices read (someone else's is a 404)."""
    notice = locked(notices_visible_to(by).order_by(), notice_id)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notices_mark_all_read(*, by) -> int:
    """Mark all of one's unread notices read; how many were."""
    return Notice.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


# ── preferences ────────────────────────────────────────────────────────────


@transaction.atomic
def notice_preferences_set(*, person, choices: Iterable[dict]) -> None:
    """Set how `person` gets each kind through each personal channel:
    `choices` are {kind, channel, cadence}. Any bad entry refuses them all."""
    choices = list(choices)
    errors = []
    for index, choice in enumerate(choices):
        if choice.get("kind") not in KINDS:
            errors.append(_("Entry %(n)s: unknown kind.") % {"n": index + 1})
        elif choice.get("channel") not in PERSONAL_CHANNELS:
            errors.append(_("Entry %(n)s: choose the channel email.") % {"n": index + 1})
        elif choice.get("cadence") not in Cadence.values:
            errors.append(_("Entry %(n)s: choose instant, digest or off.") % {"n": index + 1})
    ensure(not errors, ValidationError({"preferences": errors}))
    for choice in choices:
        NoticePreference.objects.update_or_create(
            person=person,
            kind=choice["kind"],
            channel=choice["channel"],
            defaults={"cadence": choice["cadence"]},
        )


# ── unit webhooks (the rights are checked by accounts.services) ─────────────


@transaction.atomic
def unit_webhook_store(*, org_unit, kind: str, url: str, by) -> UnitWebhook:
    """Set (or replace) the unit's robot for one messenger; the URL is checked
    against the allowed hosts and stored encrypted."""
    ensure(
        kind in UnitWebhook.Kind.values,
        ValidationError({"kind": _("Choose WeCom or DingTalk.")}),
    )
    url = webhooks.url_checked(url)
    hook = UnitWebhook.objects.select_for_update().filter(org_unit=org_unit, kind=kind).first()
    hook = hook or UnitWebhook(org_unit=org_unit, kind=kind)
    hook.url_encrypted = webhooks.encrypt(url)
    hook.url_hint = webhooks.hint(url)
    hook.created_by = by
    hook.created_at = timezone.now()
    hook.active = True
    hook.failures, hook.last_failed_at, hook.last_error = 0, None, ""
    hook.save()
    return hook


# ── sending (the tasks call these) ─────────────────────────────────────────


def _absolute(url: str) -> str:
    return f"{settings.NOTICE_SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _mail(notices: list[Notice], to: str, connection) -> EmailMessage:
    """A mail in the product's language: one notice, or a day's digest."""
    with translation.override(settings.LANGUAGE_CODE):
        product = _("Innovation Studios")
        if len(notices) == 1:
            notice = notices[0]
            subject = f"[{product}] {KINDS[notice.kind].title}" if notice.kind in KINDS else product
            body = "\n".join(
                filter(None, [render(notice.kind, notice.params), _absolute(notice.url)])
            )
        else:
            subject = f"[{product}] " + _("Your notices of the day (%(count)s)") % {
                "count": len(notices)
            }
            body = "\n\n".join(
                "\n".join(filter(None, [f"· {render(n.kind, n.params)}", _absolute(n.url)]))
                for n in notices
            )
    return EmailMessage(subject, body, to=[to], connection=connection)


def _is_transient(exc: Exception) -> bool:
    """A 4xx answer or a dropped connection may pass on a later try; a 5xx
    answer (an unknown mailbox) will not."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _failed(delivery: Delivery, error: str, *, retry: bool) -> bool:
    """Count a failed attempt; the delivery stays queued while attempts remain
    (True: try again) and fails for good after that."""
    delivery.attempts += 1
    delivery.last_error = error[:200]
    again = retry and delivery.attempts < settings.NOTICE_MAX_ATTEMPTS
    if not again:
        delivery.status = Delivery.Status.FAILED
    delivery.save(update_fields=["attempts", "last_error", "status"])
    return again


def _sent(deliveries: list[Delivery]) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )


def emails_send(*, delivery_ids: list[int]) -> list[int]:
    """Send these queued email deliveries over one connection. A delivery
    already sent (a task run twice) is skipped; each is locked while it is sent.
    Returns those to try again later (a transient failure)."""
    retry = []
    with get_connection(fail_silently=False) as connection:
        for pk in sorted(delivery_ids):
            with transaction.atomic():
                delivery = (
                    Delivery.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, channel=Channel.EMAIL, status=Delivery.Status.QUEUED)
                    .select_related("notice__recipient")
                    .first()
                )
                if delivery is None:
                    continue
                notice = delivery.notice
                if not notice.recipient.email:
                    _failed(delivery, "no email address", retry=False)
                    continue
                try:
                    _mail([notice], notice.recipient.email, connection).send()
                except (smtplib.SMTPException, OSError) as exc:
                    # The server's answer, never the message: it names no secret.
                    log.warning("notice mail %s not sent: %s", pk, type(exc).__name__)
                    if _failed(delivery, f"{type(exc).__name__}", retry=_is_transient(exc)):
                        retry.append(pk)
                    connection.close()  # a refused transaction may leave it unusable
                    continue
                _sent([delivery])
    return retry


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """The daily digest: one mail per person with every email delivery waiting
    for it, oldest first. Safe to run twice (the second finds nothing waiting);
    a person whose mail fails keeps theirs waiting until the attempts run out.
    Returns the number of mails sent."""
    waiting = (
        Delivery.objects.filter(channel=Channel.EMAIL, status=Delivery.Status.DIGEST)
        .order_by("notice__recipient_id")
        .values_list("notice__recipient_id", "pk")
    )
    mails = 0
    with get_connection(fail_silently=False) as connection:
        for recipient_id, rows in groupby(list(waiting), key=lambda row: row[0]):
            ids = [pk for _recipient, pk in rows]
            with transaction.atomic():
                deliveries = list(
                    Delivery.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=ids, status=Delivery.Status.DIGEST)
                    .select_related("notice__recipient")
                    .order_by("notice__created_at", "pk")
                )
                if not deliveries:
                    continue
                person = deliveries[0].notice.recipient
                try:
                    _mail([d.notice for d in deliveries], person.email, connection).send()
                except (smtplib.SMTPException, OSError) as exc:
                    log.warning(
                        "digest for person %s not sent: %s", recipient_id, type(exc).__name__
                    )
                    connection.close()
                    for delivery in deliveries:  # still waiting while attempts remain
                        _failed(delivery, type(exc).__name__, retry=_is_transient(exc))
                    continue
                _sent(deliveries)
                mails += 1
    return mails


def webhook_send(*, delivery_id: int) -> bool:
    """Post one notice to its unit's robot. A post already made is skipped; a
    failure is counted on the delivery and on the webhook (the office sees it).
    True when it should be tried again later."""
    with transaction.atomic():
        delivery = (
            # The delivery row only: its robot is an outer join PostgreSQL will not lock.
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, channel=Channel.WEBHOOK, status=Delivery.Status.QUEUED)
            .select_related("notice", "webhook")
            .first()
        )
        if delivery is None:
            return False
        hook, notice = delivery.webhook, delivery.notice
        with translation.override(settings.LANGUAGE_CODE):
            text = "\n".join(
                filter(
                    None,
                    [
                        f"【{KINDS[notice.kind].title}】{render(notice.kind, notice.params)}",
                        _absolute(notice.url),
                    ],
                )
            )
        try:
            if not hook.active:
                raise webhooks.WebhookFailed("the webhook is switched off")
            webhooks.post_text(webhooks.decrypt(hook.url_encrypted), text)
        except (webhooks.WebhookFailed, ValidationError) as exc:
            message = str(exc) if isinstance(exc, webhooks.WebhookFailed) else "host not allowed"
            log.warning("notice post %s to webhook %s failed: %s", delivery_id, hook.pk, message)
            UnitWebhook.objects.filter(pk=hook.pk).update(
                failures=F("failures") + 1, last_failed_at=timezone.now(), last_error=message[:200]
            )
            return _failed(delivery, message, retry=hook.active)
        _sent([delivery])
        UnitWebhook.objects.filter(pk=hook.pk).update(last_sent_at=timezone.now())
        return False


def notices_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete read notices older than the keeping period (12 months), a batch
    at a time; unread ones stay until they are read. Returns how many went."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    removed = 0
    while True:
        batch = list(
            Notice.objects.filter(read_at__isnull=False, created_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:BATCH]
        )
        if not batch:
            return removed
        Notice.objects.filter(pk__in=batch).delete()
        removed += len(batch)
