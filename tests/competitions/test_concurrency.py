"""Proposal codes under load: many first submissions at the same moment,
each in its own thread with its own database connection, get distinct codes
with no gap and no number given twice. PostgreSQL only: SQLite serialises
writers, so it cannot show a race."""

from accounts.models import User
from competitions import services
from competitions.models import CodeSequence, Proposal
from core.exceptions import Conflict
from tests.competitions.conftest import COMPLETE
from tests.concurrency import RACES, run_at_once
from tests.factories import PersonFactory

pytestmark = RACES


def submit(proposal_id: int, author_id: int) -> str:
    """A first submission as a request makes it: its own user object, no shared cache."""
    author = User.objects.get(pk=author_id)
    return services.proposal_submit(proposal_id=proposal_id, by=author).code


def drafts(campaign, authors, count):
    return [
        services.proposal_create(by=authors[index % len(authors)], campaign=campaign, **COMPLETE)
        for index in range(count)
    ]


def test_fifty_simultaneous_first_submissions_get_fifty_distinct_codes_without_gaps(org, campaigns):
    # given 50 complete drafts of five workers in team A101
    authors = [org.worker_a, *(PersonFactory(org_unit=org.team_a101) for _ in range(4))]
    waiting = drafts(campaigns.open, authors, 50)
    # when all 50 are submitted at the same moment
    codes, errors = run_at_once([(submit, d.pk, d.author_id) for d in waiting])
    # then each got its own code, numbered 1 to 50
    assert errors == []
    year = campaigns.open.year
    assert sorted(codes) == [f"{year}-A101-{number:04d}" for number in range(1, 51)]
    stored = Proposal.objects.filter(pk__in=[d.pk for d in waiting])
    assert sorted(stored.values_list("code", flat=True)) == sorted(codes)
    assert set(stored.values_list("status", flat=True)) == {Proposal.Status.SUBMITTED}
    assert CodeSequence.objects.get(year=year, unit_code="A101").last == 50
    assert all(proposal.events.count() == 1 for proposal in stored)


def test_simultaneous_submissions_from_two_units_count_separately(org, campaigns):
    in_a101 = drafts(campaigns.open, [org.worker_a], 20)
    in_a102 = drafts(campaigns.open, [org.colleague_a], 20)
    codes, errors = run_at_once([(submit, d.pk, d.author_id) for d in in_a101 + in_a102])
    assert errors == []
    year = campaigns.open.year
    assert sorted(codes) == sorted(
        f"{year}-{unit}-{number:04d}" for unit in ("A101", "A102") for number in range(1, 21)
    )


def test_a_double_tap_submits_once_and_uses_one_number(org, campaigns):
    # given one draft, sent ten times at once (a phone on a bad connection)
    (draft,) = drafts(campaigns.open, [org.worker_a], 1)
    codes, errors = run_at_once([(submit, draft.pk, org.worker_a.pk)] * 10)
    # then one submission wins; the others find it already submitted
    assert codes == [f"{campaigns.open.year}-A101-0001"]
    assert len(errors) == 9 and all(isinstance(error, Conflict) for error in errors)
    draft.refresh_from_db()
    assert (draft.status, draft.events.count()) == (Proposal.Status.SUBMITTED, 1)
    assert CodeSequence.objects.get().last == 1
