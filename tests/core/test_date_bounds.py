"""Dates people type stay in a sane range (core.dates): a year mistyped as 251
or 2099 is a 400 with a clear message, never a record."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation

from core.dates import EARLIEST, HAPPENED, PLANNED, BoundedDates, check_date, date_error

# Dates no one types: kept by the system (times of saving, sending, events), set
# by a service to today, derived from other records, or the documents app's own.
SYSTEM_SET = {
    "apprenticeships.pairing.last_session_on",
    "apprenticeships.pairing.next_step_due_on",
    "apprenticeships.pairing.at_risk_from",
    "apprenticeships.extension.previous_end_on",
    "documents.certificate.awarded_on",
    # A rectification opens today and is checked by the nightly task at its deadline.
    "naming.rectification.opened_on",
    "naming.rectification.checked_on",
}
DOMAIN_APPS = (
    "accounts",
    "studios",
    "achievements",
    "competitions",
    "apprenticeships",
    "naming",
    "showcase",
)


# Times are stamped by the system (saved, sent, decided …), except a campaign's window.
TYPED_TIMES = {"competitions.campaign.opens_at", "competitions.campaign.closes_at"}


def typed_date_fields():
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.DateField) or not field.editable:
                    continue
                name = f"{model._meta.label_lower}.{field.name}"
                if isinstance(field, models.DateTimeField):
                    if name in TYPED_TIMES:
                        yield model, field
                elif name not in SYSTEM_SET:
                    yield model, field


def test_every_typed_date_is_bounded():
    unbounded = [
        f"{model._meta.label_lower}.{field.name}"
        for model, field in typed_date_fields()
        if not (issubclass(model, BoundedDates) and field.name in model().date_kinds())
    ]
    assert not unbounded, unbounded


def test_bounded_names_are_date_fields():
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            if issubclass(model, BoundedDates):
                for name in model().date_kinds():
                    assert isinstance(model._meta.get_field(name), models.DateField), name


@pytest.mark.parametrize(
    ("day", "kind", "ok"),
    [
        (datetime.date(251, 3, 1), PLANNED, False),
        (datetime.date(1948, 12, 31), HAPPENED, False),
        (EARLIEST, HAPPENED, True),
        (datetime.date(2099, 1, 1), HAPPENED, False),
        (datetime.date(2099, 1, 1), PLANNED, False),
        (None, HAPPENED, True),
    ],
)
def test_the_range_of_each_kind(day, kind, ok):
    assert (date_error(day, kind) is None) is ok


def test_today_has_happened_and_next_year_is_a_plan():
    today = timezone.localdate()
    next_year = today.replace(year=today.year + 1, day=1)
    assert date_error(today, HAPPENED) is None
    assert date_error(next_year, HAPPENED) is not None
    assert date_error(next_year, PLANNED) is None


def test_an_aware_time_at_the_edge_of_the_calendar_is_refused_not_a_crash():
    edge = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC)
    assert date_error(edge, PLANNED) is not None
    assert date_error(datetime.datetime(251, 1, 1, tzinfo=datetime.UTC), PLANNED)


def test_the_message_names_the_range_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check_date(datetime.date(2099, 1, 1), "completed_on")
    assert caught.value.message_dict == {"completed_on": ["请输入 1949年1月1日 至今天之间的日期。"]}
