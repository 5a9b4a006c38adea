"""The five-small award list for finance: each award of a campaign on a proposal
from the units the official answers for (as the award table shows them), each
person's share of it, and the totals per grade and per unit."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import OrgUnit
from competitions.models import Award, AwardGrade, Campaign
from competitions.selectors import awards_managed_by
from documents.dossiers import layout


@dataclass
class Total:
    awards: int = 0
    amount: Decimal = Decimal(0)

    def add(self, award: Award) -> None:
        self.awards += 1
        self.amount += award.amount


@dataclass
class AwardList:
    campaign: Campaign
    awards: list[Award]
    by_grade: "OrderedDict[str, Total]" = field(default_factory=OrderedDict)
    by_unit: "OrderedDict[str, Total]" = field(default_factory=OrderedDict)
    total: Total = field(default_factory=Total)
    unit_of: dict[int, str] = field(default_factory=dict)  # award id → its paying unit's name


def award_list(user, campaign: Campaign) -> AwardList:
    """The campaign's awards within `user`'s units as the award table lists them
    (`awards_managed_by`: special prize first, then by code), their shares, and
    totals. A unit is the one just below the organiser
    that the proposal's unit lies in (the campaign page's "by unit"), so a
    company-wide list totals per mine, a group-wide one per company."""
    awards = list(awards_managed_by(user, campaign))
    result = AwardList(campaign=campaign, awards=awards)
    branch_length = len(campaign.org_unit.path) + OrgUnit.steplen
    branches = {award.proposal.org_unit.path[:branch_length] for award in awards}
    branch_names = dict(OrgUnit.objects.filter(path__in=branches).values_list("path", "name"))
    for grade, label in AwardGrade.Grade.choices:
        if any(award.grade.grade == grade for award in awards):
            result.by_grade[label] = Total()
    for award in awards:
        unit = award.proposal.org_unit
        name = branch_names.get(unit.path[:branch_length], unit.name)
        result.unit_of[award.pk] = name
        result.by_grade[award.grade.get_grade_display()].add(award)
        result.by_unit.setdefault(name, Total()).add(award)
        result.total.add(award)
    return result


def award_list_document(awards: AwardList) -> bytes:
    """The list as finance files it: landscape, one block of rows per award (a
    row per person paid), then the totals per grade and per unit, and room for
    the signatures."""
    campaign = awards.campaign
    document = layout.new_document(landscape=True)
    layout.title(
        document,
        _("Five-small award list: %(campaign)s") % {"campaign": campaign.name},
        _("Organised by %(unit)s    Year: %(year)s    Drawn up on: %(date)s")
        % {
            "unit": campaign.org_unit.name,
            "year": campaign.year,
            "date": timezone.localdate().isoformat(),
        },
    )
    layout.heading(document, _("Awards and each person's share"))
    header = [
        _("No."),
        pgettext("proposal", "Code"),
        _("Proposal"),
        _("Category"),
        _("Unit"),
        _("Grade"),
        _("Award (CNY)"),
        pgettext("award list", "Person"),
        _("Share (%)"),
        _("Amount (CNY)"),
    ]
    rows = []
    for number, award in enumerate(awards.awards, start=1):
        proposal = award.proposal
        shares = list(award.shares.all()) or [None]
        for share in shares:
            rows.append(
                [
                    number,
                    proposal.code,
                    proposal.title,
                    proposal.get_category_display(),
                    awards.unit_of[award.pk],
                    award.grade.get_grade_display(),
                    award.amount,
                    share.person.full_name if share else "",
                    share.share if share else None,
                    share.amount if share else None,
                ]
            )
    layout.data_table(
        document,
        header,
        rows,
        totals=layout.totals_row(len(header), {6: awards.total.amount, 9: awards.total.amount}),
        empty=_("No award in your units yet."),
        merged_columns=range(7),  # the award's own columns span its shares' rows
        weights=[4, 11, 22, 8, 12, 9, 10, 9, 6, 9],
    )

    for words, column, totals in (
        (_("Totals per grade"), _("Grade"), awards.by_grade),
        (_("Totals per unit"), _("Unit"), awards.by_unit),
    ):
        layout.heading(document, words)
        layout.data_table(
            document,
            [column, pgettext("award list", "Awards"), _("Amount (CNY)")],
            ([name, total.awards, total.amount] for name, total in totals.items()),
            totals=[pgettext("totals row", "Total"), awards.total.awards, awards.total.amount],
        )
    layout.paragraph(document, "")
    layout.paragraph(
        document,
        _("Drawn up by:                Checked by:                Approved by:"),
    )
    return layout.to_bytes(document)
