"""Every write to problems, achievements, patents, adoptions and conferences.

Writers are the studio's leader (and core members where the studio allows it)
and officials over the studio; only officials verify benefit, promote beyond the
studio, record adoptions and run conferences. People written into a record
(team, contributors, inventors) must be people the writer may see (else 400).
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import people_visible_to, user_scope
from achievements import patent_numbers
from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    Inventor,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from achievements.selectors import (
    achievements_visible_to,
    conferences_managed_by,
    patent_status_targets,
    patents_visible_to,
    problems_visible_to,
)
from core import attachments
from core.exceptions import Conflict, InvalidTransition
from core.scoping import within_paths
from core.services import ensure, save_or_conflict
from studios.models import Studio
from studios.selectors import studios_managed_by, studios_visible_to, studios_writable_by

Status = TechnicalProblem.Status
HUNDRED = Decimal(100)


# --- Guards -------------------------------------------------------------------------


def _ensure_writes_to(studio: Studio, by: User) -> None:
    """For a new record: 404 if the studio is invisible, 403 if visible but not
    writable."""
    if not studios_writable_by(by).filter(pk=studio.pk).exists():
        if not studios_visible_to(by).filter(pk=studio.pk).exists():
            raise Http404
        raise PermissionDenied


def _ensure_may_change(record, by: User) -> None:
    """For a record the person can already see: 403 unless they may write to
    its studio (a public record's reader is not its writer)."""
    ensure(studios_writable_by(by).filter(pk=record.studio_id).exists(), PermissionDenied())


def _ensure_official_over(studio: Studio, by: User) -> None:
    ensure(studios_managed_by(by).filter(pk=studio.pk).exists(), PermissionDenied())


def _people_checked(people: Iterable[User], by: User, field: str) -> list[User]:
    people = list(people)
    ensure(
        len({p.pk for p in people}) == len(people),
        ValidationError({field: _("A person is listed twice.")}),
    )
    visible = set(
        people_visible_to(by).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    outside = [p.full_name for p in people if p.pk not in visible]
    ensure(
        not outside,
        ValidationError(
            {field: _("Outside your scope: %(names)s.") % {"names": "、".join(outside)}}
        ),
    )
    return people


def _contributors_checked(
    rows: Sequence[tuple[User, Decimal]], by: User
) -> list[tuple[User, Decimal]]:
    """At least one contributor, each visible to the writer, shares adding to 100 %."""
    ensure(bool(rows), ValidationError({"contributors": _("Name at least one contributor.")}))
    _people_checked([person for person, _share in rows], by, "contributors")
    shares = [Decimal(share) for _person, share in rows]
    ensure(
        all(Decimal(0) < share <= HUNDRED for share in shares),
        ValidationError({"contributors": _("Each share is more than 0 and at most 100.")}),
    )
    total = sum(shares, Decimal(0))
    ensure(
        total == HUNDRED,
        ValidationError(
            {"contributors": _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}}
        ),
    )
    return [(person, Decimal(share)) for person, share in rows]


def _locked(queryset, pk: int):
    """Row-lock a record the writer may see; 404 otherwise."""
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return type(record).objects.select_for_update().get(pk=pk)


# --- Technical problems ---------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    by: User,
    studio: Studio,
    title: str,
    category: str,
    description: str = "",
    started_on: datetime.date | None = None,
    team: Iterable[User] = (),
    estimated_benefit: Decimal | None = None,
    status: str = Status.OPEN,
    solved_on: datetime.date | None = None,
    realised_benefit: Decimal | None = None,
) -> TechnicalProblem:
    """Announce a problem the studio tackles. Work already done may be logged
    straight as in progress or solved (with its date)."""
    _ensure_writes_to(studio, by)
    ensure(
        status in (Status.OPEN, Status.IN_PROGRESS, Status.SOLVED),
        ValidationError({"status": _("A new problem is open, in progress or solved.")}),
    )
    ensure(
        status == Status.SOLVED or solved_on is None,
        ValidationError({"solved_on": _("Only a solved problem has a solving date.")}),
    )
    ensure(
        status != Status.SOLVED or solved_on is not None,
        ValidationError({"solved_on": _("Give the date it was solved.")}),
    )
    team = _people_checked(team, by, "team")
    problem = TechnicalProblem(
        studio=studio,
        title=title,
        category=category,
        description=description,
        started_on=started_on or timezone.localdate(),
        estimated_benefit=estimated_benefit,
        realised_benefit=realised_benefit,
        status=status,
        solved_on=solved_on,
        created_by=by,
    )
    problem.full_clean()
    problem.save()
    problem.team.set(team)
    problem.events.create(actor=by, from_state="", to_state=status)
    return problem


PROBLEM_FIELDS = {
    "title",
    "category",
    "description",
    "started_on",
    "team",
    "estimated_benefit",
    "realised_benefit",
    "solved_on",
}


@transaction.atomic
def problem_update(*, problem_id: int, by: User, **changes) -> TechnicalProblem:
    problem = _locked(problems_visible_to(by), problem_id)
    _ensure_may_change(problem, by)
    unknown = set(changes) - PROBLEM_FIELDS
    ensure(
        not unknown,
        ValidationError(
            _("Not editable here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "solved_on" in changes:
        ensure(
            problem.status == Status.SOLVED and changes["solved_on"] is not None,
            ValidationError({"solved_on": _("Only a solved problem has a solving date.")}),
        )
    team = changes.pop("team", None)
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.full_clean()
    problem.save()
    if team is not None:
        problem.team.set(_people_checked(team, by, "team"))
    return problem


@transaction.atomic
def problem_change_status(
    *,
    problem_id: int,
    by: User,
    status: str,
    note: str = "",
    solved_on: datetime.date | None = None,
    realised_benefit: Decimal | None = None,
) -> TechnicalProblem:
    """open → in progress → solved | shelved; a shelved problem may be resumed."""
    problem = _locked(problems_visible_to(by), problem_id)
    _ensure_may_change(problem, by)
    ensure(status in Status.values, ValidationError({"status": _("Unknown status.")}))
    also_save = ()
    if status == Status.SOLVED and problem.can_move_to(status):
        problem.solved_on = solved_on or timezone.localdate()
        if realised_benefit is not None:
            problem.realised_benefit = realised_benefit
        problem.full_clean()
        also_save = ("solved_on", "realised_benefit")
    problem.transition_to(status, by=by, note=note, also_save=also_save)
    return problem


# --- Achievements -------------------------------------------------------------------


def _ensure_origin(origin_problem: TechnicalProblem | None, studio: Studio) -> None:
    ensure(
        origin_problem is None or origin_problem.studio_id == studio.pk,
        ValidationError({"origin_problem": _("The problem belongs to another studio.")}),
    )


def _ensure_may_promote(promotion: str, studio: Studio, by: User) -> None:
    if promotion != Achievement.Promotion.STUDIO:
        ensure(
            studios_managed_by(by).filter(pk=studio.pk).exists(),
            PermissionDenied(_("Only union officials promote achievements beyond the studio.")),
        )


def _set_contributors(achievement: Achievement, rows: list[tuple[User, Decimal]]) -> None:
    achievement.contributors.all().delete()
    Contributor.objects.bulk_create(
        Contributor(achievement=achievement, person=person, position=position, share=share)
        for position, (person, share) in enumerate(rows, start=1)
    )


@transaction.atomic
def achievement_create(
    *,
    by: User,
    studio: Studio,
    title: str,
    kind: str,
    completed_on: datetime.date,
    contributors: Sequence[tuple[User, Decimal]],
    summary: str = "",
    origin_problem: TechnicalProblem | None = None,
    claimed_benefit: Decimal | None = None,
    promotion: str = Achievement.Promotion.STUDIO,
    awards: str = "",
) -> Achievement:
    """Log an achievement with its ordered contributors (shares add up to 100 %)."""
    _ensure_writes_to(studio, by)
    _ensure_origin(origin_problem, studio)
    _ensure_may_promote(promotion, studio, by)
    rows = _contributors_checked(contributors, by)
    achievement = Achievement(
        studio=studio,
        title=title,
        kind=kind,
        completed_on=completed_on,
        summary=summary,
        origin_problem=origin_problem,
        claimed_benefit=claimed_benefit,
        promotion=promotion,
        awards=awards,
        created_by=by,
    )
    achievement.full_clean()
    achievement.save()
    _set_contributors(achievement, rows)
    return achievement


ACHIEVEMENT_FIELDS = {
    "title",
    "kind",
    "completed_on",
    "summary",
    "origin_problem",
    "claimed_benefit",
    "promotion",
    "awards",
    "contributors",
}


@transaction.atomic
def achievement_update(*, achievement_id: int, by: User, **changes) -> Achievement:
    """Edit an achievement. Once its benefit is verified, the claimed figure is
    locked too (the verified one can never be edited)."""
    achievement = _locked(achievements_visible_to(by), achievement_id)
    _ensure_may_change(achievement, by)
    unknown = set(changes) - ACHIEVEMENT_FIELDS
    ensure(
        not unknown,
        PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "claimed_benefit" in changes and changes["claimed_benefit"] != achievement.claimed_benefit:
        ensure(
            not achievement.is_verified,
            Conflict(_("The benefit has been verified and is locked.")),
        )
    if "promotion" in changes and changes["promotion"] != achievement.promotion:
        _ensure_may_promote(changes["promotion"], achievement.studio, by)
    if "origin_problem" in changes:
        _ensure_origin(changes["origin_problem"], achievement.studio)
    rows = changes.pop("contributors", None)
    for field, value in changes.items():
        setattr(achievement, field, value)
    achievement.full_clean()
    achievement.save()
    if rows is not None:
        _set_contributors(achievement, _contributors_checked(rows, by))
    return achievement


@transaction.atomic
def achievement_verify_benefit(
    *,
    achievement_id: int,
    by: User,
    verified_benefit: Decimal,
    evidence: str,
    verified_on: datetime.date | None = None,
) -> Achievement:
    """An official confirms the annual benefit (finance's confirmation); final."""
    achievement = _locked(achievements_visible_to(by), achievement_id)
    _ensure_official_over(achievement.studio, by)
    ensure(not achievement.is_verified, Conflict(_("The benefit has already been verified.")))
    ensure(
        bool((evidence or "").strip()),
        ValidationError(
            {"evidence": _("Say what the figure rests on (e.g. finance's confirmation).")}
        ),
    )
    ensure(
        verified_benefit is not None and verified_benefit >= 0,
        ValidationError({"verified_benefit": _("Give the verified annual benefit.")}),
    )
    achievement.verified_benefit = verified_benefit
    achievement.verified_by = by
    achievement.verified_on = verified_on or timezone.localdate()
    achievement.verification_evidence = evidence.strip()
    achievement.full_clean()
    achievement.save()
    return achievement


@transaction.atomic
def adoption_record(
    *,
    by: User,
    achievement: Achievement,
    org_unit: OrgUnit,
    adopted_on: datetime.date,
    annual_benefit: Decimal | None = None,
    notes: str = "",
) -> Adoption:
    """An official records another unit of theirs adopting an achievement."""
    ensure(achievements_visible_to(by).filter(pk=achievement.pk).exists(), Http404())
    scope = user_scope(by)
    ensure(scope.is_official or scope.is_superuser, PermissionDenied())
    managed = OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))
    ensure(
        scope.is_superuser or managed.filter(pk=org_unit.pk).exists(),
        ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
    )
    ensure(
        org_unit.pk != achievement.studio.org_unit_id,
        ValidationError({"org_unit": _("The studio's own unit does not adopt its achievement.")}),
    )
    ensure(
        not achievement.adoptions.filter(org_unit=org_unit).exists(),
        Conflict(_("This unit has already adopted the achievement.")),
    )
    adoption = Adoption(
        achievement=achievement,
        org_unit=org_unit,
        adopted_on=adopted_on,
        annual_benefit=annual_benefit,
        notes=notes,
        recorded_by=by,
    )
    adoption.full_clean(validate_constraints=False)
    save_or_conflict(adoption, _("This unit has already adopted the achievement."))
    return adoption


# --- Patents ------------------------------------------------------------------------


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
    _ensure_writes_to(studio, by)
    try:
        number = patent_numbers.normalise(application_no, patent_type)
    except ValidationError as exc:
        raise ValidationError({"application_no": exc.messages}) from exc
    ensure(
        status in (Patent.Status.FILED, Patent.Status.PUBLISHED, Patent.Status.GRANTED),
        ValidationError({"status": _("A patent is logged as filed, published or granted.")}),
    )
    ensure(bool(inventors), ValidationError({"inventors": _("Name at least one inventor.")}))
    inventors = _people_checked(inventors, by, "inventors")
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
    patent = _locked(patents_visible_to(by), patent_id)
    _ensure_may_change(patent, by)
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
        inventors = _people_checked(inventors, by, "inventors")
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
    patent = _locked(patents_visible_to(by), patent_id)
    _ensure_may_change(patent, by)
    ensure(status in Patent.Status.values, ValidationError({"status": _("Unknown status.")}))
    if status not in patent_status_targets(patent):
        labels = dict(Patent.Status.choices)
        raise InvalidTransition(labels[patent.status], labels[status])
    date_field = PATENT_DATE_FIELD[status]
    setattr(patent, date_field, on or timezone.localdate())
    _check_patent_dates(patent, status=status)
    patent.transition_to(status, by=by, note=note, also_save=(date_field,))
    return patent


# --- Conferences --------------------------------------------------------------------


@transaction.atomic
def conference_create(
    *, by: User, name: str, held_on: datetime.date, organiser: OrgUnit, description: str = ""
) -> PromotionConference:
    scope = user_scope(by)
    ensure(scope.is_official or scope.is_superuser, PermissionDenied())
    managed = OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))
    ensure(
        scope.is_superuser or managed.filter(pk=organiser.pk).exists(),
        ValidationError({"organiser": _("This unit is outside the units you manage.")}),
    )
    conference = PromotionConference(
        name=name, held_on=held_on, organiser=organiser, description=description
    )
    conference.full_clean()
    conference.save()
    return conference


@transaction.atomic
def conference_show_achievements(
    *, conference_id: int, by: User, achievements: Iterable[Achievement]
) -> PromotionConference:
    """Add achievements to what the conference displayed (idempotent)."""
    conference = conferences_managed_by(by).select_for_update().filter(pk=conference_id).first()
    if conference is None:
        ensure(
            not PromotionConference.objects.filter(pk=conference_id).exists(), PermissionDenied()
        )
        raise Http404
    chosen = {a.pk for a in achievements}
    visible = set(achievements_visible_to(by).filter(pk__in=chosen).values_list("pk", flat=True))
    ensure(
        chosen <= visible,
        ValidationError({"achievements": _("Some achievements are outside your scope.")}),
    )
    conference.achievements.add(*chosen)
    return conference


# --- Attachments ----------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, record, by: User, upload):
    """A file on a problem, achievement or patent, by someone who may write it
    (the caller fetched `record` through the reader's scope)."""
    _ensure_may_change(record, by)
    return attachments.attachment_create(owner=record, upload=upload, by=by)
