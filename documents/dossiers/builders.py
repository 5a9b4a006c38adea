"""The studio dossiers as Word files: the naming application (申报表) for an
honour level and the annual assessment pack. Both lay out one `StudioDossier`
(documents/dossiers/figures.py) in the repository's template; the labels follow
the reader's language."""

from collections.abc import Sequence
from decimal import Decimal

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import Attachment
from documents.dossiers import layout
from documents.dossiers.figures import StudioDossier
from naming.models import NamingApplication
from studios.models import RecognitionList, Studio


def _studio_facts(document, dossier: StudioDossier, frozen: dict) -> None:
    """The studio's facts; those an application froze at submission (`frozen`,
    naming/selectors/eligibility.py `studio_record`) as they were then."""
    studio, leader = dossier.studio, dossier.studio.leader
    kind = Studio.Kind(frozen["kind"]).label if "kind" in frozen else studio.get_kind_display()
    layout.heading(document, _("1. The studio"))
    layout.facts_table(
        document,
        [
            (_("Studio name"), frozen.get("name", studio.name)),
            (_("Code"), frozen.get("code", studio.code)),
            (_("Kind"), kind),
            (_("Status"), studio.get_status_display()),
            (_("Unit"), frozen.get("org_unit", studio.org_unit.name)),
            (_("Founded on"), frozen.get("founded_on", studio.founded_on)),
            (_("Speciality"), studio.speciality),
            (_("Leader"), frozen.get("leader", leader.full_name)),
            (_("Leader's post"), leader.post),
            (_("Leader's skill level"), leader.get_skill_level_display()),
            (_("Functions"), "、".join(str(label) for label in studio.get_functions_display())),
        ],
    )
    if frozen:
        _figures_as_submitted(document, frozen)
    layout.heading(document, _("Introduction"), level=2)
    layout.paragraph(document, studio.description)
    layout.heading(document, _("Site"), level=2)
    layout.paragraph(document, studio.site_notes)
    layout.heading(document, _("Equipment"), level=2)
    layout.paragraph(document, studio.equipment_notes)


def _figures_as_submitted(document, frozen: dict) -> None:
    """The figures the call's conditions were judged on, as submitted."""
    since = frozen["output_since"]
    layout.heading(
        document, _("Figures as submitted on %(date)s") % {"date": frozen["taken_on"]}, level=2
    )
    layout.facts_table(
        document,
        [
            (_("Years since founded"), frozen["years_founded"]),
            (_("Current members"), frozen["members"]),
            (_("Studio titles held"), "、".join(h["title"] for h in frozen["studio_honours"])),
            (_("Leader's honours"), "、".join(h["title"] for h in frozen["leader_honours"])),
            (_("Achievements since %(date)s") % {"date": since}, frozen["achievements"]),
            (_("Patents filed since %(date)s") % {"date": since}, frozen["patents"]),
            (
                _("Verified benefit since %(date)s (CNY)") % {"date": since},
                Decimal(frozen["verified_benefit"]),
            ),
        ],
    )


def _listing(document, title: str, columns: list[str], records, row, **table) -> None:
    """A numbered section: its heading, then one row per record (`row(record)`
    gives the cells after the number)."""
    layout.heading(document, title)
    layout.data_table(
        document,
        [_("No."), *columns],
        ([number, *row(record)] for number, record in enumerate(records, start=1)),
        **table,
    )


def _members(document, dossier: StudioDossier) -> None:
    def honours_of(person_id):
        return "、".join(
            f"{honour.recognition_list.year} {honour.get_personal_title_display()}"
            + ("" if honour.revoked_on is None else f"（{_standing(honour)}）")
            for honour in dossier.personal_honours.get(person_id, [])
        )

    _listing(
        document,
        _("2. Leader and members (%(count)s people)") % {"count": len(dossier.members)},
        [
            pgettext("person", "Name"),
            _("Role"),
            _("Unit"),
            _("Post"),
            _("Skill level"),
            _("Joined on"),
            pgettext("person", "Honours"),
        ],
        dossier.members,
        lambda m: [
            m.person.full_name,
            m.get_role_display(),
            m.person.org_unit.name if m.person.org_unit_id else "",
            m.person.post,
            m.person.get_skill_level_display(),
            m.joined_on,
            honours_of(m.person_id),
        ],
        empty=_("No members."),
        weights=[5, 11, 9, 16, 13, 12, 12, 22],
    )


def _problems(document, dossier: StudioDossier) -> None:
    _listing(
        document,
        _("3. Problems tackled: %(total)s, solved: %(solved)s")
        % {"total": len(dossier.problems), "solved": dossier.problems_solved},
        [
            _("Problem"),
            _("Category"),
            _("Status"),
            _("Started on"),
            _("Solved on"),
            _("Realised benefit (CNY)"),
        ],
        dossier.problems,
        lambda p: [
            p.title,
            p.get_category_display(),
            p.get_status_display(),
            p.started_on,
            p.solved_on,
            p.realised_benefit,
        ],
        empty=_("None recorded."),
        weights=[5, 35, 12, 10, 12, 12, 14],
    )


def _achievements(document, dossier: StudioDossier) -> None:
    _listing(
        document,
        _("4. Achievements: %(total)s; verified benefit: %(benefit)s CNY")
        % {"total": len(dossier.achievements), "benefit": layout.text(dossier.verified_benefit)},
        [
            _("Achievement"),
            _("Kind"),
            _("Completed on"),
            _("Promotion"),
            _("Claimed benefit (CNY)"),
            _("Verified benefit (CNY)"),
        ],
        dossier.achievements,
        lambda a: [
            a.title,
            a.get_kind_display(),
            a.completed_on,
            a.get_promotion_display(),
            a.claimed_benefit,
            a.verified_benefit,
        ],
        totals=layout.totals_row(7, {5: dossier.claimed_benefit, 6: dossier.verified_benefit}),
        weights=[5, 33, 12, 11, 11, 14, 14],
    )


def _patents(document, dossier: StudioDossier) -> None:
    _listing(
        document,
        _("5. Patents: %(total)s, granted: %(granted)s")
        % {"total": len(dossier.patents), "granted": dossier.patents_granted},
        [_("Patent number"), _("Title"), _("Type"), _("Status"), _("Filed on"), _("Granted on")],
        dossier.patents,
        lambda p: [
            p.number_display,
            p.title,
            p.get_patent_type_display(),
            p.get_status_display(),
            p.filed_on,
            p.granted_on,
        ],
        empty=_("None recorded."),
        weights=[5, 20, 33, 10, 10, 11, 11],
    )


def _apprentices(document, dossier: StudioDossier) -> None:
    _listing(
        document,
        _("6. Apprentices: %(total)s pairings, %(trained)s trained to completion")
        % {"total": len(dossier.pairings), "trained": dossier.apprentices_trained},
        [
            _("Mentor"),
            _("Apprentice"),
            _("Starts on"),
            _("Planned end"),
            _("Target skill level"),
            _("Status"),
        ],
        dossier.pairings,
        lambda p: [
            p.mentor.full_name,
            p.apprentice.full_name,
            p.starts_on,
            p.planned_end_on,
            p.get_target_skill_level_display(),
            p.get_status_display(),
        ],
        empty=_("None recorded."),
        weights=[5, 14, 14, 14, 14, 16, 12],
    )


def _standing(honour) -> str:
    """Whether the honour is still held: a revoked one (摘牌) stays in the
    record, marked with its date, never listed as if it were held."""
    if honour.revoked_on is None:
        return pgettext("honour", "Held")
    return _("Revoked on %(date)s") % {"date": honour.revoked_on}


def _honours(document, dossier: StudioDossier) -> None:
    _listing(
        document,
        _("7. Honours of the studio"),
        [_("Recognition list"), _("Level"), _("Year"), _("Conferred by"), _("Standing")],
        dossier.honours,
        lambda honour: [
            honour.recognition_list.title,
            honour.recognition_list.get_level_display(),
            str(honour.recognition_list.year),
            honour.recognition_list.conferred_by,
            _standing(honour),
        ],
        empty=_("Not yet named on any list."),
        weights=[5, 37, 10, 7, 23, 18],
    )


def _photos(document, dossier: StudioDossier) -> None:
    layout.heading(document, _("8. Photos"))
    if dossier.photos:
        layout.photo_grid(document, dossier.photos)
    else:
        layout.paragraph(document, _("No photos in the studio's records."))


def _body(document, dossier: StudioDossier, frozen: dict | None = None) -> None:
    _studio_facts(document, dossier, frozen or {})
    for section in (
        _members,
        _problems,
        _achievements,
        _patents,
        _apprentices,
        _honours,
        _photos,
    ):
        section(document, dossier)


def _materials(document, materials: Sequence[Attachment]) -> None:
    """The list of attachments (附件清单): the supporting files sent with the
    application, each by name, size and when it was added; the files
    themselves are downloaded from its page."""
    _listing(
        document,
        _("Attachments (supporting materials)"),
        [_("File"), _("Size"), _("Added on")],
        materials,
        lambda attachment: [
            attachment.original_name,
            filesizeformat(attachment.size),
            timezone.localdate(attachment.uploaded_at),
        ],
        empty=_("No supporting materials."),
        weights=[6, 62, 14, 18],
    )


def naming_application(
    dossier: StudioDossier,
    level: str,
    *,
    application: NamingApplication | None = None,
    materials: Sequence[Attachment] = (),
) -> bytes:
    """The naming application (申报表) of the studio for an honour `level`.
    For an `application` made in the system: its statement, and once submitted
    the studio's facts and figures as they stood then (its frozen copy), not
    today's; the records listed are the reader's view of today's; at the end,
    the list of its supporting `materials`."""
    level_label = RecognitionList.Level(level).label
    frozen = application.facts if application else {}
    document = layout.new_document()
    layout.title(
        document,
        _("Innovation studio naming application (%(level)s)") % {"level": level_label},
        _("Applicant: %(unit)s    Filled in on: %(date)s")
        % {
            "unit": frozen.get("org_unit", dossier.studio.org_unit.name),
            "date": frozen.get("taken_on", timezone.localdate().isoformat()),
        },
    )
    if application is not None:
        layout.heading(document, _("Statement"))
        layout.paragraph(document, application.statement)
    _body(document, dossier, frozen)
    layout.heading(document, _("9. Opinions"))
    layout.opinion_boxes(
        document,
        [
            _("Opinion of the applying unit"),
            _("Opinion of the union recommending"),
            _("Review opinion"),
        ],
        signed=_("(stamp)    date:            "),
    )
    if application is not None:
        _materials(document, materials)
    return layout.to_bytes(document)


def assessment_pack(dossier: StudioDossier) -> bytes:
    """The studio's annual assessment pack for `dossier.year`, with the
    assessment's grade and score once recorded."""
    document = layout.new_document()
    layout.title(
        document,
        _("Innovation studio annual assessment %(year)s") % {"year": dossier.year},
        dossier.studio.name,
    )
    layout.heading(document, _("Assessment"))
    assessment = dossier.assessment
    layout.facts_table(
        document,
        [
            (_("Year"), str(dossier.year)),
            (_("Grade"), assessment.get_grade_display() if assessment else _("Not yet assessed")),
            (_("Score"), assessment.score if assessment else None),
            (_("Assessor"), assessment.assessor.full_name if assessment else None),
            (_("Notes"), assessment.notes if assessment else None),
        ],
    )
    layout.heading(document, _("The year in figures"), level=2)
    layout.facts_table(
        document,
        [
            (_("Members"), len(dossier.members)),
            (_("Problems tackled"), len(dossier.problems)),
            (_("Problems solved"), dossier.problems_solved),
            (_("Achievements"), len(dossier.achievements)),
            (_("Patents"), len(dossier.patents)),
            (_("Patents granted"), dossier.patents_granted),
            (_("Verified benefit (CNY)"), dossier.verified_benefit),
            (_("Apprentices trained"), dossier.apprentices_trained),
        ],
    )
    _body(document, dossier)
    return layout.to_bytes(document)
