"""Reads that depend on who asks: a person's own notices, their preferences,
and the unit webhooks an office may see (scoped from above: notices imports no
app, so the units come in as a queryset of accounts' scoping function)."""

from dataclasses import dataclass

from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from notices.kinds import KINDS
from notices.models import Channel, Notice, NoticePreference, UnitWebhook

# Channels a person chooses for themself; a messenger group is the unit's.
PERSONAL_CHANNELS = (Channel.EMAIL,)
DEFAULT_CADENCE = NoticePreference.Cadence.INSTANT


def notices_visible_to(user) -> QuerySet[Notice]:
    """A person's own notices, unread first, then newest first; nobody sees
    anyone else's (404)."""
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return (
        Notice.objects.filter(recipient=user)
        .annotate(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-id")
    )


def unread_notice_count(user) -> int:
    """The bell's figure: one count on the partial index of unread notices."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    title: str
    channel: str
    cadence: str


def notice_preferences_of(person) -> list[PreferenceRow]:
    """Every kind and personal channel with the cadence in force for `person`
    (their choice, else the default)."""
    chosen = {
        (kind, channel): cadence
        for kind, channel, cadence in NoticePreference.objects.filter(person=person).values_list(
            "kind", "channel", "cadence"
        )
    }
    return [
        PreferenceRow(
            kind=code,
            title=str(kind.title),
            channel=channel,
            cadence=chosen.get((code, channel), DEFAULT_CADENCE),
        )
        for code, kind in KINDS.items()
        for channel in PERSONAL_CHANNELS
    ]


def unit_webhooks_within(units: QuerySet) -> QuerySet[UnitWebhook]:
    """The webhooks of `units` (an official's managed units, from accounts)."""
    return UnitWebhook.objects.filter(org_unit__in=units).select_related("org_unit")


def nearest_webhooks(unit) -> list[UnitWebhook]:
    """The active webhooks of the lowest unit on `unit`'s path that has any:
    the office nearest the record, like its officials."""
    if unit is None:
        return []
    prefixes = [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    hooks = list(
        UnitWebhook.objects.filter(org_unit__path__in=prefixes, active=True).select_related(
            "org_unit"
        )
    )
    if not hooks:
        return []
    lowest = max(len(hook.org_unit.path) for hook in hooks)
    return [hook for hook in hooks if len(hook.org_unit.path) == lowest]


def already_told(*, recipient, once_key) -> Exists:
    """Whether `recipient` (an expression, e.g. `OuterRef("reviewer_id")`) has
    a notice with `once_key` (an expression building the sweep's key): a beat
    sweep skips those rows before calling `notify`, one lookup on the unique
    index of (recipient, once key), so a second run reads and writes nothing."""
    return Exists(Notice.objects.filter(recipient=recipient, once_key=once_key))


def once_key(prefix: str, *parts) -> Concat:
    """The SQL twin of the f-string `f"{prefix}:{part}:{part}…"` a sweep gives
    `notify`, built from column expressions (`F("pk")`, `OuterRef(…)`)."""
    pieces = [Value(prefix)]
    for part in parts:
        pieces += [Value(":"), Cast(part, CharField())]
    return Concat(*pieces, output_field=CharField())
