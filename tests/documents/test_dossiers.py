"""The dossiers (naming application, assessment pack) and the five-small award
list: each opens in python-docx with the real figures, for exactly the people
allowed (docs/documents.md, "Dossiers and the award list")."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q, Sum
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from accounts.models import SkillLevel
from achievements import services as achievement_services
from achievements.models import Patent, TechnicalProblem
from achievements.selectors import (
    achievements_visible_to,
    patents_visible_to,
    problems_fully_visible_to,
)
from apprenticeships import services as pairing_services
from competitions.models import AwardGrade, Proposal
from competitions.services import proposal_create, proposal_submit
from studios import services as studio_services
from studios.models import Assessment
from studios.selectors import memberships_visible_to
from tests.competitions.states import proposal_reviewed, reviewer_panel
from tests.factories import make_campaign
from tests.uploads import photos_processed
from tests.world import shared_data

pytestmark = pytest.mark.django_db

YEAR = 2024
PROPOSAL = {
    "category": Proposal.Category.INNOVATION,
    "goals": [Proposal.Goal.SAFETY],
    "post": "综采工作面",
    "current_situation": "喷雾装置常开，用水量大。",
    "improvement": "加装感应阀。",
    "expected_effect": "节水四成。",
    "expected_benefit": Decimal("120000"),
}


def dossier_url(studio, **query):
    return f"/api/v1/studios/{studio.pk}/dossier/?" + "&".join(f"{k}={v}" for k, v in query.items())


def award_list_url(campaign):
    return f"/api/v1/campaigns/{campaign.pk}/award-list/"


def photo_upload():
    body = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(body, "JPEG")
    return SimpleUploadedFile("现场.jpg", body.getvalue(), content_type="image/jpeg")


@shared_data(needs=("studios", "provincial_list"))
def dossier_world(built):
    """The dust studio named on the 2022 provincial list, with problems (two
    solved, one of them in 2024 though opened in 2023), two achievements (one
    verified), a granted patent, a pairing, a photo and a 2024 assessment."""
    studios, named_on = built.get("studios"), built.get("provincial_list")
    org, lead, dust = studios.org, studios.lead_a, studios.dust
    studio_services.studio_update(
        studio_id=dust.pk,
        by=lead,
        description="围绕综采面粉尘治理开展攻关。",
        site_notes="矿井机修车间二楼，120 平方米。",
        equipment_notes="粉尘采样仪 4 台。",
        functions=["problem_tackling", "talent_training"],
    )
    problem = achievement_services.problem_create(
        by=lead,
        studio=dust,
        title="综采面粉尘浓度超标",
        category=TechnicalProblem.Category.DUST_CONTROL,
        started_on=datetime.date(YEAR, 1, 10),
        status=TechnicalProblem.Status.SOLVED,
        solved_on=datetime.date(YEAR, 6, 30),
        realised_benefit=Decimal("50000"),
    )
    achievement_services.problem_create(
        by=lead,
        studio=dust,
        title="转载点喷雾堵塞",
        category=TechnicalProblem.Category.EQUIPMENT,
        started_on=datetime.date(YEAR - 1, 3, 1),
        status=TechnicalProblem.Status.SOLVED,
        solved_on=datetime.date(YEAR, 2, 1),
    )
    achievement_services.problem_create(
        by=lead,
        studio=dust,
        title="巷道积尘",
        category=TechnicalProblem.Category.DUST_CONTROL,
        started_on=datetime.date(YEAR, 9, 1),
    )
    with photos_processed():
        achievement_services.attachment_add(record=problem, by=lead, upload=photo_upload())
    sprayer = achievement_services.achievement_create(
        by=lead,
        studio=dust,
        title="喷雾降尘装置",
        kind="equipment_modification",
        completed_on=datetime.date(YEAR, 7, 1),
        contributors=[(lead, Decimal(100))],
        claimed_benefit=Decimal("120000"),
    )
    achievement_services.achievement_verify_benefit(
        achievement_id=sprayer.pk,
        by=org.official_a,
        verified_benefit=Decimal("98000"),
        evidence="财务科核算单",
        verified_on=datetime.date(YEAR, 8, 1),
    )
    achievement_services.achievement_create(
        by=lead,
        studio=dust,
        title="除尘风机改造",
        kind="equipment_modification",
        completed_on=datetime.date(YEAR - 1, 5, 1),
        contributors=[(lead, Decimal(100))],
        claimed_benefit=Decimal("30000"),
    )
    achievement_services.patent_create(
        by=lead,
        studio=dust,
        application_no="CN202110123456.7",
        title="一种综采面喷雾降尘装置",
        patent_type=Patent.Type.INVENTION,
        filed_on=datetime.date(2021, 3, 1),
        holder="A公司",
        inventors=[lead, studios.member_a],
        status=Patent.Status.GRANTED,
        published_on=datetime.date(2022, 1, 5),
        granted_on=datetime.date(2023, 5, 1),
    )
    pairing_services.pairing_propose(
        by=lead,
        mentor=studios.member_a,
        apprentice=org.worker_a,
        starts_on=datetime.date(YEAR, 3, 1),
        planned_end_on=datetime.date(YEAR + 1, 3, 1),
        target_skill_level=SkillLevel.SENIOR,
        studio=dust,
    )
    studio_services.honour_create(by=org.group_official, recognition_list=named_on, studio=dust)
    studio_services.assessment_record(
        by=org.official_a,
        studio=dust,
        year=YEAR,
        score=Decimal("92.5"),
        grade=Assessment.Grade.EXCELLENT,
    )
    return SimpleNamespace(studios=studios, org=org, lead=lead, dust=dust)


@shared_data(needs=("org",))
def award_world(built):
    """A group-wide campaign with three awards: worker_a's (colleague_a 40 %)
    first prize and colleague_a's encouragement award in company A, worker_b's
    second prize in company B; and a company-A campaign."""
    org = built.get("org")
    now = timezone.now()
    campaign = make_campaign(
        org.group_official,
        org.group,
        name="2024 五小竞赛",
        opens=now - datetime.timedelta(days=10),
        closes=now + datetime.timedelta(days=10),
    )

    def make_proposal(author, **fields):
        proposal = proposal_create(by=author, campaign=campaign, **{**PROPOSAL, **fields})
        return proposal_submit(proposal_id=proposal.pk, by=author)

    panel = reviewer_panel(org)

    def awarded(author, grade, title, **fields):
        return proposal_reviewed(
            Proposal.Status.AWARDED,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author=author,
            grade=grade,
            title=title,
            **fields,
        )

    awarded(
        org.worker_a,
        AwardGrade.Grade.FIRST,
        "喷雾节水改造",
        author_share=Decimal(60),
        co_authors=[(org.colleague_a, Decimal(40))],
    )
    awarded(org.colleague_a, AwardGrade.Grade.ENCOURAGEMENT, "托辊更换工具")
    awarded(org.worker_b, AwardGrade.Grade.SECOND, "汽机盘车改进")
    company_only = make_campaign(
        org.official_a,
        org.company_a,
        name="A 公司五小",
        opens=now - datetime.timedelta(days=10),
        closes=now + datetime.timedelta(days=10),
    )
    return SimpleNamespace(org=org, campaign=campaign, company_only=company_only)


def opened(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return Document(io.BytesIO(response.content))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


# --- The naming application ----------------------------------------------------------------


def test_naming_application_holds_the_studios_figures(dossier_world, api):
    lead, dust = dossier_world.lead, dossier_world.dust
    api.force_authenticate(lead)

    document = opened(
        api.get(dossier_url(dust, kind="naming", level="national"), HTTP_ACCEPT_LANGUAGE="en")
    )

    problems = problems_fully_visible_to(lead).filter(studio=dust)
    solved = problems.filter(status=TechnicalProblem.Status.SOLVED).count()
    achievements = achievements_visible_to(lead).filter(studio=dust)
    verified = achievements.aggregate(total=Sum("verified_benefit"))["total"]
    patents = patents_visible_to(lead).filter(studio=dust)
    granted = patents.filter(status=Patent.Status.GRANTED).count()
    assert (problems.count(), solved, achievements.count(), verified) == (3, 2, 2, 98000)
    found = headings(document)
    assert f"3. Problems tackled: {problems.count()}, solved: {solved}" in found
    assert (
        f"4. Achievements: {achievements.count()}; verified benefit: {verified:,.2f} CNY" in found
    )
    assert f"5. Patents: {patents.count()}, granted: {granted}" in found
    assert "6. Apprentices: 1 pairings, 0 trained to completion" in found
    assert document.paragraphs[0].text == "Innovation studio naming application (National)"
    text = all_text(document)
    members = memberships_visible_to(lead).filter(studio=dust, left_on__isnull=True)
    for membership in members:
        assert membership.person.full_name in text
    for record in (*problems, *achievements, *patents):
        assert record.title in text
    assert "ZL 2021 1 0123456.7" in text  # the patent's number as certificates print it
    assert "2022 provincial list" in text  # the honour
    assert "矿井机修车间二楼" in text and "粉尘采样仪" in text  # site and equipment
    assert "Problem tackling" in text  # functions
    assert len(document.inline_shapes) == 1  # the problem's photo


def test_a_revoked_title_is_marked_as_revoked(dossier_world, api):
    dust = dossier_world.dust
    studio_services.studio_delist(
        studio_id=dust.pk, by=dossier_world.org.group_official, reason="连续两年无成果"
    )
    api.force_authenticate(dossier_world.lead)

    document = opened(
        api.get(dossier_url(dust, kind="naming", level="national"), HTTP_ACCEPT_LANGUAGE="en")
    )

    honours = next(t for t in document.tables if t.rows[0].cells[-1].text == "Standing")
    listed = [[cell.text for cell in row.cells] for row in honours.rows[1:]]
    assert [(row[1], row[-1]) for row in listed] == [
        ("2022 provincial list", f"Revoked on {timezone.localdate()}")
    ]


def test_dossier_is_laid_out_as_a_form(dossier_world, api):
    api.force_authenticate(dossier_world.lead)

    document = opened(api.get(dossier_url(dossier_world.dust, kind="naming", level="provincial")))

    assert all(table.style.name == "Table Grid" for table in document.tables)
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    # Chinese by default, with the East Asian font set on the body text.
    assert "申报表" in document.paragraphs[0].text
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"


def test_dossier_file_name_is_chinese_and_encoded(dossier_world, api):
    api.force_authenticate(dossier_world.lead)

    response = api.get(dossier_url(dossier_world.dust, kind="naming", level="provincial"))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote(dossier_world.dust.name) in disposition
    assert disposition.endswith(".docx")
    assert response["Cache-Control"] == "private, no-store"


# --- The assessment pack -------------------------------------------------------------------


def test_assessment_pack_holds_the_years_figures_and_grade(dossier_world, api):
    lead, dust = dossier_world.lead, dossier_world.dust
    api.force_authenticate(lead)

    document = opened(
        api.get(dossier_url(dust, kind="assessment", year=YEAR), HTTP_ACCEPT_LANGUAGE="en")
    )

    problems = problems_fully_visible_to(lead).filter(studio=dust)
    in_year = problems.filter(Q(started_on__year=YEAR) | Q(solved_on__year=YEAR))
    solved = problems.filter(solved_on__year=YEAR).count()
    achievements = achievements_visible_to(lead).filter(studio=dust, completed_on__year=YEAR)
    assert (in_year.count(), solved, achievements.count()) == (3, 2, 1)
    found = headings(document)
    assert f"3. Problems tackled: {in_year.count()}, solved: {solved}" in found
    assert "4. Achievements: 1; verified benefit: 98,000.00 CNY" in found
    text = all_text(document)
    assert "Excellent" in text and "92.5" in text
    assert "除尘风机改造" not in text  # completed the year before


def test_assessment_pack_of_a_year_without_assessment(dossier_world, api):
    api.force_authenticate(dossier_world.org.official_a)

    document = opened(
        api.get(
            dossier_url(dossier_world.dust, kind="assessment", year=YEAR - 1),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )

    found = headings(document)
    assert "3. Problems tackled: 1, solved: 0" in found
    assert "4. Achievements: 1; verified benefit: 0.00 CNY" in found
    assert "Not yet assessed" in all_text(document)


# --- Who may download a dossier --------------------------------------------------------------

ALLOWED = ["lead", "official_a", "group_official", "admin"]
# The dust studio is named, so everyone signed in sees it: the others get 403.
REFUSED = ["member_a", "worker_a", "official_b", "lead_b"]


def person(world, name):
    return getattr(world.studios, name, None) or getattr(world.org, name, None) or world.lead


@pytest.mark.parametrize("name", ALLOWED)
def test_lead_and_officials_over_the_studio_download_its_dossier(dossier_world, api, name):
    api.force_authenticate(person(dossier_world, name))

    response = api.get(dossier_url(dossier_world.dust, kind="assessment", year=YEAR))

    assert response.status_code == 200


@pytest.mark.parametrize("name", REFUSED)
def test_others_who_see_the_studio_are_refused(dossier_world, api, name):
    api.force_authenticate(person(dossier_world, name))

    response = api.get(dossier_url(dossier_world.dust, kind="naming", level="provincial"))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("name", ["official_b", "lead_b", "worker_b"])
def test_a_studio_outside_scope_is_not_found(dossier_world, api, name):
    api.force_authenticate(person(dossier_world, name))
    washing = dossier_world.studios.washing  # established only: company A's to see

    response = api.get(dossier_url(washing, kind="naming", level="provincial"))

    assert response.status_code == 404


def test_anonymous_is_asked_to_sign_in(dossier_world, api):
    response = api.get(dossier_url(dossier_world.dust, kind="naming", level="provincial"))

    assert response.status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ({}, "kind"),
        ({"kind": "brochure"}, "kind"),
        ({"kind": "naming"}, "level"),
        ({"kind": "naming", "level": "galactic"}, "level"),
        ({"kind": "assessment"}, "year"),
        ({"kind": "assessment", "year": "last"}, "year"),
        ({"kind": "assessment", "year": 2019}, "year"),  # before the studio was founded
        ({"kind": "assessment", "year": timezone.localdate().year + 1}, "year"),
    ],
)
def test_bad_parameters_are_400_with_the_field(dossier_world, api, query, field):
    api.force_authenticate(dossier_world.lead)

    response = api.get(dossier_url(dossier_world.dust, **query))

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_studio_page_offers_the_dossiers_to_the_lead_only(dossier_world, as_person):
    dust = dossier_world.dust
    page = f"/studios/{dust.pk}/"

    lead_page = as_person(dossier_world.lead).get(page).content.decode()
    assert f"/api/v1/studios/{dust.pk}/dossier/?kind=naming&amp;level=provincial" in lead_page
    assert f"/api/v1/studios/{dust.pk}/dossier/?kind=assessment&amp;year={YEAR}" in lead_page

    member_page = as_person(dossier_world.studios.member_a).get(page).content.decode()
    assert "/dossier/" not in member_page


# --- The award list ---------------------------------------------------------------------------


def award_rows(document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows[1:]]


def test_award_list_holds_each_share_and_the_totals(award_world, api):
    org = award_world.org
    api.force_authenticate(org.group_official)

    document = opened(api.get(award_list_url(award_world.campaign), HTTP_ACCEPT_LANGUAGE="en"))

    rows = award_rows(document)
    # First prize: two rows (worker_a 60 %, colleague_a 40 %), then second, then encouragement.
    people = [(row[5], row[6], row[7], row[8], row[9]) for row in rows[:-1]]
    assert people == [
        ("First prize", "5,000.00", org.worker_a.full_name, "60.00", "3,000.00"),
        ("First prize", "5,000.00", org.colleague_a.full_name, "40.00", "2,000.00"),
        ("Second prize", "2,000.00", org.worker_b.full_name, "100.00", "2,000.00"),
        ("Encouragement award", "200.00", org.colleague_a.full_name, "100.00", "200.00"),
    ]
    assert rows[-1][1] == "Total" and rows[-1][-1] == "7,200.00"
    assert "w:vMerge" in document.tables[0]._tbl.xml  # the first prize spans its two rows
    by_grade = [[cell.text for cell in row.cells] for row in document.tables[1].rows[1:]]
    assert by_grade == [
        ["First prize", "1", "5,000.00"],
        ["Second prize", "1", "2,000.00"],
        ["Encouragement award", "1", "200.00"],
        ["Total", "3", "7,200.00"],
    ]
    by_unit = [[cell.text for cell in row.cells] for row in document.tables[2].rows[1:]]
    assert by_unit == [
        [org.company_a.name, "2", "5,200.00"],
        [org.company_b.name, "1", "2,000.00"],
        ["Total", "3", "7,200.00"],
    ]


def test_a_company_official_lists_their_units_awards_only(award_world, api):
    api.force_authenticate(award_world.org.official_b)

    document = opened(api.get(award_list_url(award_world.campaign), HTTP_ACCEPT_LANGUAGE="en"))

    rows = award_rows(document)
    assert [row[7] for row in rows[:-1]] == [award_world.org.worker_b.full_name]
    assert rows[-1][-1] == "2,000.00"


@pytest.mark.parametrize("name, status", [("worker_a", 403), ("colleague_a", 403)])
def test_people_who_see_the_campaign_but_are_not_officials_are_refused(
    award_world, api, name, status
):
    api.force_authenticate(getattr(award_world.org, name))

    assert api.get(award_list_url(award_world.campaign)).status_code == status


def test_award_list_outside_scope_is_not_found(award_world, api):
    api.force_authenticate(award_world.org.official_b)

    assert api.get(award_list_url(award_world.company_only)).status_code == 404


def test_award_list_asks_the_anonymous_to_sign_in(award_world, api):
    assert api.get(award_list_url(award_world.campaign)).status_code == 401


def test_campaign_page_offers_the_award_list_to_officials(award_world, as_person):
    campaign = award_world.campaign
    link = f"/api/v1/campaigns/{campaign.pk}/award-list/"

    official = as_person(award_world.org.group_official).get(
        f"/competitions/campaigns/{campaign.pk}/"
    )
    assert link in official.content.decode()
    worker = as_person(award_world.org.worker_a).get(f"/competitions/campaigns/{campaign.pk}/")
    assert link not in worker.content.decode()
