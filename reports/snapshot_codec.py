"""The dashboard's figures as JSON and back, value for value and type for type.

A snapshot (reports/snapshots.py) stores what `live_dashboard_figures` returns,
and the page and the API must show exactly what they would have shown from the
live figures. JSON has no decimal, date, unit or share, and a label must not be
stored as text: it is translated when it is shown, in the reader's language. So
every value JSON cannot hold is written as a one-key object naming its type,
and read back as that type:

    Decimal("82000.00")          {"$decimal": "82000.00"}   (digits and exponent kept)
    date / datetime              {"$date": "2026-03-01"} / {"$datetime": "…+08:00"}
    Share(ours=2, total=28)      {"$share": [2, 28]}
    an OrgUnit of a unit row     {"$unit": {"id": …, "name": …, "code": …, "path": …}}
    a choice's label             {"$label": "Studio.Status:named"}

A label is stored as its choice and read back as that choice's own lazy label,
so a snapshot computed in Chinese reads in English for an English reader. A
value of any other type (a label of a choice not in LABELLED_CHOICES, a model
instance other than a unit) cannot be stored: the encoder refuses it, and the
tests comparing snapshots with the live figures fail, rather than a snapshot
silently showing something else than the live page.
"""

import datetime
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS
from django.utils.functional import Promise

from accounts.models import OrgUnit
from achievements.models import Achievement, Patent, TechnicalProblem
from competitions.models import AwardGrade, Proposal
from studios.models import Assessment, RecognitionList, Studio
from studios.selectors import Share

# The choices whose labels the figures carry (reports/selectors/dashboard.py).
LABELLED_CHOICES = (
    Studio.Status,
    Studio.Kind,
    RecognitionList.Level,
    Assessment.Grade,
    TechnicalProblem.Category,
    Achievement.Kind,
    Patent.Type,
    Patent.Status,
    Proposal.Category,
    Proposal.Status,
    AwardGrade.Grade,
)
# The fields a unit row of the figures holds (`_by_child_unit` reads only these).
UNIT_FIELDS = ("id", "name", "code", "path")


def _label_key(choices, member) -> str:
    return f"{choices.__qualname__}:{member.value}"


# A label is found by identity: `Studio.Status.choices` hands out the members'
# own label objects, and two choices may share a label's text ("Invention").
_KEY_OF_LABEL = {
    id(member.label): _label_key(choices, member)
    for choices in LABELLED_CHOICES
    for member in choices
}
_LABEL_OF_KEY = {
    _label_key(choices, member): member.label for choices in LABELLED_CHOICES for member in choices
}
# The unit fields in the model's column order, as `Model.from_db` takes them.
_UNIT_COLUMNS = [f.attname for f in OrgUnit._meta.concrete_fields if f.attname in UNIT_FIELDS]


class FiguresEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Promise):
            key = _KEY_OF_LABEL.get(id(o))
            if key is None:
                raise TypeError(f"A label outside LABELLED_CHOICES cannot be stored: {o!r}")
            return {"$label": key}
        if isinstance(o, Decimal):
            return {"$decimal": str(o)}
        if isinstance(o, datetime.datetime):
            return {"$datetime": o.isoformat()}
        if isinstance(o, datetime.date):
            return {"$date": o.isoformat()}
        if isinstance(o, Share):
            return {"$share": [o.ours, o.total]}
        if type(o) is OrgUnit:
            return {"$unit": {name: getattr(o, name) for name in UNIT_FIELDS}}
        raise TypeError(f"The dashboard's figures hold a {type(o).__name__}: {o!r}")


def _unit(fields: dict) -> OrgUnit:
    """The unit as `.only(*UNIT_FIELDS)` would have loaded it: its other fields
    deferred, so reading one is a query, as on the live figures."""
    return OrgUnit.from_db(
        DEFAULT_DB_ALIAS, _UNIT_COLUMNS, [fields[name] for name in _UNIT_COLUMNS]
    )


_DECODERS = {
    "$decimal": Decimal,
    "$datetime": datetime.datetime.fromisoformat,
    "$date": datetime.date.fromisoformat,
    "$share": lambda pair: Share(ours=pair[0], total=pair[1]),
    "$unit": _unit,
    "$label": _LABEL_OF_KEY.__getitem__,
}


def _typed(obj: dict):
    if len(obj) == 1:
        ((key, value),) = obj.items()
        decode = _DECODERS.get(key)
        if decode is not None:
            return decode(value)
    return obj


class FiguresDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, object_hook=_typed, **kwargs)
