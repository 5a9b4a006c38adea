"""Issuing certificates: who may download which (docs/access.md), and the one
certificate per award or honour, issued at its first download and the same
after (docs/documents.md)."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from competitions.models import Award, Proposal
from competitions.selectors import proposal_access, proposals_visible_to
from core.exceptions import Conflict
from core.services import ensure
from documents.certificates.codes import new_code
from documents.models import Certificate
from studios.models import Honour
from studios.selectors import honour_access, honours_with_access

# Attempts at a fresh code before giving up: a clash among 31**12 codes is
# already a once-in-ages event.
CODE_ATTEMPTS = 5


def proposal_certificate(*, proposal_id: int, by: User) -> Certificate:
    """The certificate of a finally awarded proposal (awarded, with its award
    recorded): its author, co-authors and the officials over it download it;
    others who may see it get 403, others 404; any other state is 409."""
    proposal = get_object_or_404(proposals_visible_to(by), pk=proposal_id)
    ensure(
        proposal_access(by, proposal, only=("follows",)).follows,
        PermissionDenied(
            _(
                "Only the proposal's authors and the union officials over it may download "
                "its certificate."
            )
        ),
    )
    award = Award.objects.select_related("grade").filter(proposal=proposal).first()
    ensure(
        proposal.status == Proposal.Status.AWARDED and award is not None,
        Conflict(
            _("Only an awarded proposal has a certificate; this one is “%(status)s”.")
            % {"status": proposal.get_status_display()},
            code="not_awarded",
        ),
    )
    return _issued(
        Certificate.Kind.AWARD, lambda: _award_statement(proposal, award), proposal=proposal
    )


def honour_certificate(*, honour_id: int, by: User) -> Certificate:
    """The certificate of an honour: a person's for that person and the
    officials over them, a studio's for its current members and the officials
    over it; others who may see the honour get 403, others 404. A revoked
    honour (摘牌) is 409: no paper states a title no longer held, not even one
    issued before (its code still verifies, as revoked)."""
    honour = get_object_or_404(honours_with_access(by), pk=honour_id)
    ensure(
        # One rule with the certificate links of the pages and the API.
        honour_access(by, honour, only=("certifies",)).certifies,
        PermissionDenied(
            _(
                "Only the honoured person, the studio's members and the union officials "
                "over them may download this certificate."
            )
        ),
    )
    if honour.revoked_on is not None:
        raise Conflict(
            _(
                "This title was revoked on %(date)s and is no longer held, so no certificate "
                "is issued for it. A certificate issued before still verifies, as revoked."
            )
            % {"date": formats.date_format(honour.revoked_on, "DATE_FORMAT")},
            code="honour_revoked",
        )
    kind = Certificate.Kind.PERSONAL_HONOUR if honour.person_id else Certificate.Kind.STUDIO_HONOUR
    return _issued(kind, lambda: _honour_statement(honour), honour=honour)


def _issued(kind: str, statement: Callable[[], dict], **record) -> Certificate:
    """The record's certificate, issued with a fresh code the first time."""
    existing = Certificate.objects.filter(**record).first()
    if existing is not None:
        return existing
    return _created(kind, statement(), **record)


def _created(kind: str, fields: dict, **record) -> Certificate:
    """A new certificate for the record, unless another download issued one
    first: two first downloads at once both insert, the unique key on the
    record lets one in, and the other reads what it wrote. A clash of codes
    (31**12 of them) is tried again with a fresh one."""
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(code=new_code(), kind=kind, **record, **fields)
        # Uniqueness is the database's to check: a clash is read or retried below.
        certificate.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            existing = Certificate.objects.filter(**record).first()
            if existing is not None:
                return existing
    raise RuntimeError("no free certificate code after several attempts")


def _names(names: list[str]) -> str:
    return pgettext("list of names", ", ").join(names)[:500]


def _award_statement(proposal: Proposal, award: Award) -> dict:
    """What an award's certificate states, in the product's language."""
    names = [
        proposal.author.full_name,
        *proposal.co_authors.order_by("position").values_list("person__full_name", flat=True),
    ]
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "recipient": _names(names),
            "subject": proposal.title,
            "distinction": str(award.grade.get_grade_display()),
            "occasion": proposal.campaign.name,
            "awarded_on": timezone.localdate(award.awarded_at),
            "year": timezone.localdate(award.awarded_at).year,
            "issuer": _("%(unit)s trade union") % {"unit": proposal.campaign.org_unit.name},
        }


def _honour_statement(honour: Honour) -> dict:
    """What an honour's certificate states, in the product's language: the
    issuer is the body that conferred the list."""
    recognition_list = honour.recognition_list
    with translation.override(settings.LANGUAGE_CODE):
        if honour.person_id:
            recipient = honour.person.full_name
            distinction = (
                recognition_list.title
                if honour.personal_title == Honour.PersonalTitle.OTHER
                else str(honour.get_personal_title_display())
            )
        else:
            recipient = honour.studio.name
            distinction = _("%(level)s-level named studio") % {
                "level": recognition_list.get_level_display()
            }
        return {
            "recipient": _names([recipient]),
            "subject": "",
            "distinction": distinction,
            "occasion": recognition_list.title,
            "awarded_on": honour.conferred_on,
            "year": honour.conferred_on.year if honour.conferred_on else recognition_list.year,
            "issuer": recognition_list.conferred_by,
        }
