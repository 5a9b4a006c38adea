"""The author's side of a proposal: write a draft, submit it, withdraw it.

A worker enters their own proposals; a union official may enter one for a worker
without a phone (recorded as `entered_by`) and then acts on the author's side for
it. Drafts may be incomplete (the phone page saves as the worker types); the
submission checks that everything the review needs is there.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_official, officials_nearest, people_managed_by
from accounts.services import people_checked
from achievements.models import TechnicalProblem
from competitions.models import Campaign, CoAuthor, CodeSequence, Proposal, TitleGram
from competitions.selectors import (
    authors_offered,
    campaigns_visible_to,
    co_authors_offered,
    may_enter,
    origin_problems_offered,
    proposal_access,
    proposals_visible_to,
    studios_offered,
)
from competitions.similarity import title_grams
from core import attachments
from core.exceptions import Conflict
from core.services import ensure, locked, shares_checked
from core.signals import records_changed
from notices.services import notify
from studios.models import Studio

Status = Proposal.Status

# What the author writes; status, code, author, unit and scores are never among them.
PROPOSAL_FIELDS = {
    "title",
    "category",
    "goals",
    "post",
    "current_situation",
    "improvement",
    "expected_effect",
    "expected_benefit",
    "studio",
    "origin_problem",
    "co_authors",
    "author_share",
    "related_to",
}
# What the review needs: a submission without any of these is refused, naming them.
REQUIRED_TO_SUBMIT = (
    "title",
    "category",
    "post",
    "current_situation",
    "improvement",
    "expected_effect",
)


def locked_proposal(proposal_id: int, by: User) -> Proposal:
    """Row-lock a proposal `by` may see; 404 otherwise."""
    # The scope answers whether the row is there (its id is enough); `locked`
    # reads the row itself again under the lock.
    return locked(proposals_visible_to(by).select_related(None).only("pk"), proposal_id)


def ensure_author_side(proposal: Proposal, by: User) -> None:
    """The author, or the official who entered the proposal for them (and still
    answers for it); anyone else who can see it gets a 403."""
    # The author always is (ProposalAccess.author_side): a query only for others.
    ensure(
        proposal.author_id == by.pk
        or proposal_access(by, proposal, only=("author_side",)).author_side,
        PermissionDenied(_("Only the author may do this.")),
    )


def proposal_url(proposal: Proposal) -> str:
    return reverse("competitions:proposal-detail", args=[proposal.pk])


def tell_authors(proposal: Proposal, kind: str, by: User | None, **params) -> None:
    """The author and co-authors hear what became of their proposal (the one
    who did it is not told; nor anyone who may no longer open it)."""
    notify(
        kind=kind,
        recipients=[proposal.author_id, *proposal.co_authors.values_list("person_id", flat=True)],
        record=proposal,
        text_params={"title": proposal.title, **params},
        url=proposal_url(proposal),
        may_open=proposals_visible_to,
        actor=by,
    )


def _ensure_editable(proposal: Proposal) -> None:
    ensure(
        proposal.is_editable,
        Conflict(
            _("A proposal can be changed only as a draft or when returned; this one is “%(s)s”.")
            % {"s": proposal.get_status_display()}
        ),
    )


def _goals_checked(goals) -> list[str]:
    goals = list(dict.fromkeys(goals or []))
    ensure(
        all(goal in Proposal.Goal.values for goal in goals),
        ValidationError({"goals": _("Unknown aim.")}),
    )
    return goals


def _links_checked(proposal: Proposal, author: User, by: User, changes: dict) -> None:
    """Studio and origin problem must be ones the form's pickers offer `by`
    writing for `author` (competitions.selectors.links); related proposals
    ones `by` sees."""
    studio: Studio | None = changes.get("studio")
    if studio is not None:
        ensure(
            studios_offered(author).filter(pk=studio.pk).exists(),
            ValidationError({"studio": _("The author is not a member of this studio.")}),
        )
    problem: TechnicalProblem | None = changes.get("origin_problem")
    if problem is not None:
        ensure(
            origin_problems_offered(by, author).filter(pk=problem.pk).exists(),
            ValidationError({"origin_problem": _("This problem is outside your scope.")}),
        )
    related = changes.get("related_to")
    if related:
        ids = {other.pk for other in related}
        ensure(
            proposal.pk not in ids,
            ValidationError({"related_to": _("A proposal is not related to itself.")}),
        )
        ensure(
            proposals_visible_to(by).filter(pk__in=ids).count() == len(ids),
            ValidationError({"related_to": _("A related proposal is outside your scope.")}),
        )


def _credit_checked(
    author: User, by: User, author_share, co_authors, credited=()
) -> tuple[Decimal, list]:
    """Author's share and co-authors: each once, each one the co-author picker
    offers `by` writing for `author` (`co_authors_offered`: people both may
    see) or already `credited` by the proposal (on an update: they stay even
    if out of that view since, people_checked), shares together exactly 100 %."""
    rows = list(co_authors)
    ensure(
        author.pk not in {person.pk for person, _share in rows},
        ValidationError({"co_authors": _("The author is not also a co-author.")}),
    )
    people_checked(
        [person for person, _share in rows],
        by,
        "co_authors",
        among=co_authors_offered(by, author),
        credited=credited,
    )
    if author_share is None:
        author_share = Decimal(100) - sum((Decimal(share) for _p, share in rows), Decimal(0))
    shares = shares_checked([author_share, *(share for _p, share in rows)], "co_authors")
    return shares[0], [
        (person, share) for (person, _s), share in zip(rows, shares[1:], strict=True)
    ]


def _set_co_authors(proposal: Proposal, rows: list, *, new: bool = False) -> None:
    """Write the co-authors `rows` in their order, in place of any before (a
    `new` proposal has none to delete)."""
    if proposal.submitted_at is not None:
        # A returned proposal's co-authors are among the year's entrants, each
        # counted in their own unit: derived figures there change (old and new
        # co-authors), and a bulk write sends no model signal.
        units = {*proposal.co_authors.values_list("person__org_unit_id", flat=True)}
        units |= {person.org_unit_id for person, _share in rows}
        records_changed.send(sender=CoAuthor, unit_ids=units)
    if not new:
        proposal.co_authors.all().delete()
    CoAuthor.objects.bulk_create(
        CoAuthor(proposal=proposal, person=person, position=position, share=share)
        for position, (person, share) in enumerate(rows, start=1)
    )


def _index_title(proposal: Proposal, grams: set[str] | None = None) -> None:
    """Refresh the title's grams (the similar-proposal index). A new proposal
    passes its `grams`, already counted in the row it inserted: nothing to
    delete, nothing to update."""
    if grams is None:
        grams = title_grams(proposal.title)
        proposal.title_grams.all().delete()
        Proposal.objects.filter(pk=proposal.pk).update(title_gram_count=len(grams))
        proposal.title_gram_count = len(grams)
    TitleGram.objects.bulk_create(TitleGram(proposal=proposal, gram=gram) for gram in grams)


def _not_taking_part() -> ValidationError:
    message = _("The author's unit does not take part in this campaign.")
    return ValidationError({"campaign": message})


def _resolve_author(author: User | None, by: User, campaign: Campaign) -> User:
    """The author is the writer, unless an official enters it for one of their
    people who takes part in the campaign: one the author picker offers
    (`authors_offered`)."""
    if author is None or author.pk == by.pk:
        ensure(may_enter(by, campaign), _not_taking_part())
        return by
    ensure(is_official(by), PermissionDenied(_("Only union officials enter proposals for others.")))
    if not authors_offered(by, campaign).filter(pk=author.pk).exists():
        # The offer decides; say which of its rules the person fails.
        ensure(
            people_managed_by(by).filter(pk=author.pk).exists(),
            ValidationError({"author": _("This person is outside the units you manage.")}),
        )
        raise _not_taking_part()
    return author


@transaction.atomic
def proposal_create(
    *,
    by: User,
    campaign: Campaign,
    author: User | None = None,
    title: str = "",
    category: str = "",
    goals: Sequence[str] = (),
    post: str = "",
    current_situation: str = "",
    improvement: str = "",
    expected_effect: str = "",
    expected_benefit: Decimal | None = None,
    studio: Studio | None = None,
    origin_problem: TechnicalProblem | None = None,
    co_authors: Sequence[tuple[User, Decimal]] = (),
    author_share: Decimal | None = None,
    related_to: Sequence[Proposal] = (),
) -> Proposal:
    """Start a draft in a campaign the author may enter (their own, or one an
    official enters for a worker in their units)."""
    ensure(
        campaigns_visible_to(by).filter(pk=campaign.pk).exists(),
        ValidationError({"campaign": _("This campaign is outside your scope.")}),
    )
    author = _resolve_author(author, by, campaign)
    ensure(
        timezone.now() < campaign.closes_at,
        Conflict(_("The campaign has closed for submissions."), code="window_closed"),
    )
    share, rows = _credit_checked(author, by, author_share, co_authors)
    grams = title_grams(title)
    proposal = Proposal(
        campaign=campaign,
        author=author,
        author_share=share,
        org_unit_id=author.org_unit_id,
        entered_by=by if by.pk != author.pk else None,
        title=title,
        category=category,
        goals=_goals_checked(goals),
        post=post,
        current_situation=current_situation,
        improvement=improvement,
        expected_effect=expected_effect,
        expected_benefit=expected_benefit,
        studio=studio,
        origin_problem=origin_problem,
        title_gram_count=len(grams),
    )
    _links_checked(
        proposal,
        author,
        by,
        {"studio": studio, "origin_problem": origin_problem, "related_to": related_to},
    )
    # The records linked here were read in this transaction (the campaign and
    # the people above, the studio and the problem by `_links_checked`), so
    # their ids are not looked up again; and a new draft meets the model's
    # checks by construction (shares checked, no code, original or verified
    # figure yet), which would otherwise cost a query each.
    proposal.full_clean(
        exclude=["code", "campaign", "author", "entered_by", "studio", "origin_problem"],
        validate_constraints=False,
    )
    proposal.save()
    _set_co_authors(proposal, rows, new=True)
    if related_to:
        proposal.related_to.set(related_to)
    _index_title(proposal, grams)
    return proposal


@transaction.atomic
def proposal_update(*, proposal_id: int, by: User, **changes) -> Proposal:
    """Save the author's changes to a draft or a returned proposal (only the
    fields sent; the phone page sends them as the worker types). Co-authors
    named already stay even if no longer offered; a new one must be."""
    proposal = locked_proposal(proposal_id, by)
    ensure_author_side(proposal, by)
    unknown = set(changes) - PROPOSAL_FIELDS
    ensure(
        not unknown,
        PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    _ensure_editable(proposal)
    _links_checked(proposal, proposal.author, by, changes)
    if "goals" in changes:
        changes["goals"] = _goals_checked(changes["goals"])
    co_authors = changes.pop("co_authors", None)
    related = changes.pop("related_to", None)
    if co_authors is not None or "author_share" in changes:
        rows = (
            co_authors
            if co_authors is not None
            else [(c.person, c.share) for c in proposal.co_authors.select_related("person")]
        )
        # Co-authors named already stay, whether or not they are still
        # offered (one who has moved out of the author's view since).
        credited = proposal.co_authors.values_list("person_id", flat=True)
        share, rows = _credit_checked(
            proposal.author, by, changes.pop("author_share", None), rows, credited
        )
        proposal.author_share = share
        _set_co_authors(proposal, rows)
    title_changed = "title" in changes and changes["title"] != proposal.title
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.updated_at = timezone.now()
    proposal.full_clean(exclude=["code"])
    proposal.save()
    if related is not None:
        proposal.related_to.set(related)
    if title_changed:
        _index_title(proposal)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal_id: int, by: User) -> Proposal:
    """The author throws a draft away (submitted ones are withdrawn instead)."""
    proposal = locked_proposal(proposal_id, by)
    ensure_author_side(proposal, by)
    ensure(
        proposal.status == Status.DRAFT,
        Conflict(_("Only a draft can be deleted; withdraw a submitted proposal instead.")),
    )
    for attachment in attachments.attachments_of(proposal):
        attachments.attachment_delete(attachment=attachment)
    proposal.delete()
    return proposal


def missing_to_submit(proposal: Proposal) -> dict[str, list[str]]:
    """{field: [message]} for each field a submission still needs filled in."""
    missing = {}
    for field in REQUIRED_TO_SUBMIT:
        if not str(getattr(proposal, field) or "").strip():
            label = Proposal._meta.get_field(field).verbose_name
            missing[field] = [_("Fill in “%(field)s” before submitting.") % {"field": label}]
    return missing


def _next_code(year: int, unit_code: str) -> str:
    """The next number for this year and unit. The counter row is locked until the
    submission commits, so concurrent submissions queue here and each gets its
    own number; a number given is never given again."""
    CodeSequence.objects.bulk_create(
        [CodeSequence(year=year, unit_code=unit_code)], ignore_conflicts=True
    )
    sequence = CodeSequence.objects.select_for_update().get(year=year, unit_code=unit_code)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{unit_code}-{sequence.last:04d}"


def _ensure_window(proposal: Proposal, at: datetime.datetime) -> None:
    """A first submission must fall inside the window. A returned proposal may
    come back until the review deadline: the office asked for the revision."""
    campaign = proposal.campaign
    if proposal.status == Status.RETURNED:
        ensure(
            timezone.localtime(at).date() <= campaign.review_deadline,
            Conflict(_("The review deadline has passed."), code="window_closed"),
        )
        return
    ensure(
        at >= campaign.opens_at,
        Conflict(_("Submissions have not opened yet."), code="window_closed"),
    )
    ensure(
        at < campaign.closes_at,
        Conflict(_("The campaign has closed for submissions."), code="window_closed"),
    )


@transaction.atomic
def proposal_submit(*, proposal_id: int, by: User, note: str = "") -> Proposal:
    """Send a draft (or a revised, returned proposal) to the union office. The
    first submission gives the proposal its code."""
    proposal = locked_proposal(proposal_id, by)
    ensure_author_side(proposal, by)
    ensure(
        # Not `can_move_to`: a screening outcome goes back to `submitted` only
        # by the office's undo, never by the author submitting again.
        proposal.status in (Status.DRAFT, Status.RETURNED),
        Conflict(
            _("Only a draft or a returned proposal can be submitted; this one is “%(s)s”.")
            % {"s": proposal.get_status_display()},
            code="invalid_transition",
        ),
    )
    now = timezone.now()
    _ensure_window(proposal, now)
    missing = missing_to_submit(proposal)
    ensure(not missing, ValidationError(missing))
    also_save = []
    if proposal.code is None:
        proposal.code = _next_code(proposal.campaign.year, proposal.org_unit.code)
        proposal.submitted_at = now
        also_save = ["code", "submitted_at"]
    revised = proposal.status == Status.RETURNED
    proposal.transition_to(Status.SUBMITTED, by=by, note=note, also_save=tuple(also_save))
    if revised:
        notify(
            kind="competitions.proposal_resubmitted",
            recipients=officials_nearest(proposal.org_unit).values_list("pk", flat=True),
            record=proposal,
            text_params={"code": proposal.code},
            url=proposal_url(proposal),
            office_unit=proposal.org_unit,
            may_open=proposals_visible_to,
            actor=by,
        )
    else:
        # A receipt: the author who submitted gets one too (no actor left out).
        tell_authors(proposal, "competitions.proposal_submitted", None, code=proposal.code)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal_id: int, by: User, note: str = "") -> Proposal:
    """The author takes a submitted or returned proposal back; final."""
    proposal = locked_proposal(proposal_id, by)
    ensure_author_side(proposal, by)
    proposal.transition_to(Status.WITHDRAWN, by=by, note=note)
    return proposal


@transaction.atomic
def attachment_add(*, record: Proposal, by: User, upload):
    """A photo or file on a proposal the author is still writing or revising."""
    proposal = locked_proposal(record.pk, by)
    ensure_author_side(proposal, by)
    _ensure_editable(proposal)
    return attachments.attachment_create(owner=proposal, upload=upload, by=by)
