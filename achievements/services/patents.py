"""Patents: application numbers, dates and the status machine."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import people_checked
from achievements import patent_numbers
from achievements.models import (
    Achievement,
    Inventor,
    Patent,
)
from achievements.selectors import (
    patent_status_targets,
    patents_visible_to,
)
from achievements.services.guards import (
    ensure_may_change,
    ensure_writes_to,
)
from core.exceptions import InvalidTransition
from core.services import ensure, locked, save_or_conflict
from notices.kinds import in_product_language
from studios.models import Studio
from studios.services.telling import tell_leader


def _check_patent_dates(patent: Patent, status: str | None = None) -> None:
    """The dates must fit the type and the status the patent has (or is moving to)."""
    status = status or patent.status
    errors = {}
    if patent.published_on and patent.patent_type != Patent.Type.INVENTION:
        errors["published_on"] = _("Only inventions are published before grant.")
    if patent.granted_on and patent.granted_on < patent.filed_on:
        errors["granted_on"] = _("A patent cannot be granted before it was filed.")
    if patent.published_on and patent.published_on < patent.filed_on:
        errors["published_on"] = _("A patent cannot be published before it was filed.")
    if status in (Patent.Status.GRANTED, Patent.Status.LAPSED) and not patent.granted_on:
        errors["granted_on"] = _("Give the grant date.")
    if status == Patent.Status.PUBLISHED and not patent.published_on:
        errors["published_on"] = _("Give the publication date.")
    if patent.granted_on and status not in (Patent.Status.GRANTED, Patent.Status.LAPSED):
        errors["granted_on"] = _("Only a granted patent has a grant date.")
    published_states = (Patent.Status.PUBLISHED, Patent.Status.GRANTED, Patent.Status.LAPSED)
    if patent.published_on and status not in (*published_states, Patent.Status.REJECTED):
        errors["published_on"] = _("Only a published patent has a publication date.")
    is_invention = patent.patent_type == Patent.Type.INVENTION
    if is_invention and status == Patent.Status.GRANTED and not patent.published_on:
        errors["published_on"] = _("An invention is published before it is granted.")
    if patent.published_on and patent.granted_on and patent.granted_on < patent.published_on:
        errors["granted_on"] = _("A patent cannot be granted before it was published.")
    if patent.ended_on and patent.ended_on < (patent.granted_on or patent.filed_on):
        errors["status"] = _("It cannot end before it was filed or granted.")
    ensure(not errors, ValidationError(errors))


@transaction.atomic
def patent_create(
    *,
    by: User,
    studio: Studio,
    application_no: str,
    title: str,
    patent_type: str,
    filed_on: datetime.date,
    holder: str,
    inventors: Sequence[User],
    achievement: Achievement | None = None,
    status: str = Patent.Status.FILED,
    published_on: datetime.date | None = None,
    granted_on: datetime.date | None = None,
) -> Patent:
    """Log a patent application (or one already published or granted)."""
    ensure_writes_to(studio, by)
    try:
        number = patent_numbers.normalise(application_no, patent_type)
    except ValidationError as exc:
        raise ValidationError({"application_no": exc.messages}) from exc
    # The number's first four digits are the year the application was filed.
    ensure(
        int(number[:4]) == filed_on.year,
        ValidationError(
            {
                "application_no": _("The number's year (%(year)s) is not the filing year.")
                % {"year": number[:4]}
            }
        ),
    )
    ensure(
        status in (Patent.Status.FILED, Patent.Status.PUBLISHED, Patent.Status.GRANTED),
        ValidationError({"status": _("A patent is logged as filed, published or granted.")}),
    )
    ensure(bool(inventors), ValidationError({"inventors": _("Name at least one inventor.")}))
    inventors = people_checked(inventors, by, "inventors")
    ensure(
        achievement is None or achievement.studio_id == studio.pk,
        ValidationError({"achievement": _("The achievement belongs to another studio.")}),
    )
    patent = Patent(
        studio=studio,
        application_no=number,
        title=title,
        patent_type=patent_type,
        filed_on=filed_on,
        published_on=published_on,
        granted_on=granted_on,
        holder=holder,
        achievement=achievement,
        status=status,
        created_by=by,
    )
    _check_patent_dates(patent)
    patent.full_clean()
    save_or_conflict(patent, _("A patent with this application number exists."))
    Inventor.objects.bulk_create(
        Inventor(patent=patent, person=person, position=position)
        for position, person in enumerate(inventors, start=1)
    )
    patent.events.create(actor=by, from_state="", to_state=status)
    return patent


PATENT_FIELDS = {"title", "holder", "achievement", "inventors", "filed_on"}


@transaction.atomic
def patent_update(*, patent_id: int, by: User, **changes) -> Patent:
    """Edit a patent's title, holder, achievement, inventors or filing date.
    Inventors already named stay even if `by` cannot see them; a new one must
    be someone they may see."""
    patent = locked(patents_visible_to(by), patent_id)
    ensure_may_change(patent, by)
    unknown = set(changes) - PATENT_FIELDS
    ensure(
        not unknown,
        ValidationError(
            _("Not editable here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    inventors = changes.pop("inventors", None)
    achievement = changes.get("achievement")
    ensure(
        achievement is None or achievement.studio_id == patent.studio_id,
        ValidationError({"achievement": _("The achievement belongs to another studio.")}),
    )
    for field, value in changes.items():
        setattr(patent, field, value)
    _check_patent_dates(patent)
    patent.full_clean()
    patent.save()
    if inventors is not None:
        ensure(bool(inventors), ValidationError({"inventors": _("Name at least one inventor.")}))
        # Whoever is named already stays, seen by `by` or not (people_checked).
        credited = patent.inventors.values_list("person_id", flat=True)
        inventors = people_checked(inventors, by, "inventors", credited=credited)
        patent.inventors.all().delete()
        Inventor.objects.bulk_create(
            Inventor(patent=patent, person=person, position=position)
            for position, person in enumerate(inventors, start=1)
        )
    return patent


PATENT_DATE_FIELD = {
    Patent.Status.PUBLISHED: "published_on",
    Patent.Status.GRANTED: "granted_on",
    Patent.Status.REJECTED: "ended_on",
    Patent.Status.LAPSED: "ended_on",
}


@transaction.atomic
def patent_change_status(
    *, patent_id: int, by: User, status: str, on: datetime.date | None = None, note: str = ""
) -> Patent:
    """filed → published → granted (inventions); filed → granted (others);
    rejected from filed or published; lapsed only after grant."""
    patent = locked(patents_visible_to(by), patent_id)
    ensure_may_change(patent, by)
    ensure(status in Patent.Status.values, ValidationError({"status": _("Unknown status.")}))
    if status not in patent_status_targets(patent):
        labels = dict(Patent.Status.choices)
        raise InvalidTransition(labels[patent.status], labels[status])
    date_field = PATENT_DATE_FIELD[status]
    setattr(patent, date_field, on or timezone.localdate())
    patent.check_dates(date_field)
    _check_patent_dates(patent, status=status)
    patent.transition_to(status, by=by, note=note, also_save=(date_field,))
    tell_leader(
        patent.studio,
        "achievements.patent_status_changed",
        record=patent,
        url=reverse("achievements:patent-detail", args=[patent.pk]),
        may_open=patents_visible_to,
        by=by,
        title=patent.title,
        status=in_product_language(patent.get_status_display()),
    )
    return patent
