"""What an assigned expert reads of the application they score (docs/naming.md,
"What the experts read"): its material (the statement, the frozen facts, the
eligibility checks with an override's reason, the dossier, the call's
conditions and rubric) while it is under review, and afterwards if they scored
it; never its process (the history, the site visit's findings and files,
objections, the other experts' scores). Replaced, they read nothing. For every
role: what the page shows, what the API answers, what the downloads answer."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from core.models import Attachment
from naming import services
from naming.models import ExpertAssignment, Level, NamingApplication
from tests.api_answers import refused, results, url
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.naming.conftest import RUBRIC, bring_to
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
APPLICATIONS = "/api/v1/naming-applications/"
CALLS = "/api/v1/naming-calls/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FINDINGS = "场所固定，制度齐全。"  # the staged site visit's (tests/naming/conftest.py)

# What a reader gets of an application: its process and material (the
# insiders), its material only (its expert), the record only (anyone who sees
# it), nothing (outside their scope), or a sign-in (anonymous).
INSIDER, MATERIAL, SEES, NOTHING, SIGNED_OUT = (
    "insider",
    "material",
    "sees",
    "nothing",
    "signed out",
)
ANONYMOUS = None

# Who reads what of the dust studio's staged application at each step: the
# expert assigned, an expert of another application, the studio's lead and
# member, the office running the call, an official over another unit, a plain
# worker, and someone not signed in.
READS = {
    Status.UNDER_REVIEW: {  # the expert has not scored it yet
        "expert": MATERIAL,
        "other_expert": NOTHING,
        "lead_a": INSIDER,
        "member_a": INSIDER,
        "group_official": INSIDER,
        "official_b": NOTHING,
        "worker_b": NOTHING,
        ANONYMOUS: SIGNED_OUT,
    },
    Status.SITE_VISIT: {  # scored by the expert, visited by the office
        "expert": MATERIAL,
        "other_expert": NOTHING,
        "lead_a": INSIDER,
        "member_a": INSIDER,
        "group_official": INSIDER,
        "official_b": NOTHING,
        "worker_b": NOTHING,
        ANONYMOUS: SIGNED_OUT,
    },
    Status.PUBLIC_NOTICE: {  # everyone signed in sees it now
        "expert": MATERIAL,
        "other_expert": SEES,
        "lead_a": INSIDER,
        "member_a": INSIDER,
        "group_official": INSIDER,
        "official_b": SEES,
        "worker_b": SEES,
        ANONYMOUS: SIGNED_OUT,
    },
}
CASES = [(status, role, reads) for status, roles in READS.items() for role, reads in roles.items()]
MATERIAL_FIELDS = {"facts", "eligibility", "eligibility_override"}
PROCESS_FIELDS = {"visit_findings", "visitors"}


@shared_data(needs=("staged",))
def experts(built):
    """The staged applications with more experts: `second_expert` beside
    `expert` on the one under review, having scored it already; and the washing
    studio's application to a call of its own, visited after `other_expert`
    scored it and `silent_expert`, asked too, never did."""
    staged = built.get("staged")
    world = staged.naming_calls
    org = world.studios.org
    office = org.group_official
    second = PersonFactory(employee_no="second_expert", org_unit=org.plant_b1)
    other = PersonFactory(employee_no="other_expert", org_unit=org.plant_b1)
    silent = PersonFactory(employee_no="silent_expert", org_unit=org.plant_b1)
    under_review = staged.at[Status.UNDER_REVIEW]
    services.naming_experts_assign(application_id=under_review.pk, by=office, experts=[second])
    services.naming_review_submit(
        application_id=under_review.pk, by=second, scores=[30, 45], comment="第二位专家的意见"
    )
    call = services.naming_call_create(
        by=office,
        title="洗选命名",
        level=Level.ENTERPRISE,
        year=world.enterprise.year,
        org_unit=org.group,
        deadline=world.enterprise.deadline,
        quota=2,
        rubric=RUBRIC,
        min_members=2,  # the washing studio has its leader only: let in by an official
    )
    washing = bring_to(world, Status.RECOMMENDED, studio=world.studios.washing, call=call)
    services.naming_experts_assign(application_id=washing.pk, by=office, experts=[other, silent])
    services.naming_review_submit(application_id=washing.pk, by=other, scores=[20, 30])
    services.naming_visit_record(
        application_id=washing.pk,
        by=office,
        visited_on=timezone.localdate(),
        visitors="集团工会",
        findings="洗选车间整洁。",
    )
    return SimpleNamespace(
        staged=staged,
        studios=world.studios,
        expert=world.expert,
        second_expert=second,
        other_expert=other,
        silent_expert=silent,
        washing=NamingApplication.objects.get(pk=washing.pk),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def who(experts, role):
    return None if role is ANONYMOUS else person(experts, role)


def page_url(application) -> str:
    return reverse("naming:application-detail", args=[application.pk])


def dossier_url(application) -> str:
    return url(APPLICATIONS, application, "dossier")


def visit_report(application, office) -> Attachment:
    """The office attaches the visit's report (a file of the application)."""
    upload = SimpleUploadedFile("现场考察记录.pdf", PDF, content_type="application/pdf")
    return services.naming_visit_photo_add(record=application, by=office, upload=upload)


def shown(body: dict, fields: set[str]) -> bool:
    """Whether an answer carries all of `fields` (True) or none (False)."""
    present = fields & set(body)
    assert present in (fields, set()), f"only some of {fields}: {present}"
    return bool(present)


def docx_text(response) -> str:
    assert response.status_code == 200, response.content
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    parts.extend(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join(parts)


# --- The page -----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "role", "reads"), CASES)
def test_what_each_role_reads_on_the_applications_page(client, experts, status, role, reads):
    application = experts.staged.at[status]
    if status != Status.UNDER_REVIEW:
        visit_report(application, experts.studios.org.group_official)
    if role is not ANONYMOUS:
        client.force_login(who(experts, role))

    response = client.get(page_url(application))

    if reads == SIGNED_OUT:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        return
    if reads == NOTHING:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert application.statement in html
    material = reads in (INSIDER, MATERIAL)
    insider = reads == INSIDER
    # the material: the checks as submitted (the override's reason with them) and the 申报表
    assert ('data-testid="eligibility"' in html) is material
    assert ('data-testid="check-members"' in html) is material
    assert ('data-testid="application-dossier"' in html) is material
    assert (dossier_url(application) in html) is material
    # the process: the history, the site visit's findings and files
    assert bool(response.context["events"]) is insider
    assert ('id="changes"' in html) is insider
    assert (FINDINGS in html) is (insider and status != Status.UNDER_REVIEW)
    assert ("现场考察记录.pdf" in html) is (insider and status != Status.UNDER_REVIEW)
    # the expert scores while it is under review, once
    assert ('data-testid="score-link"' in html) is (
        role == "expert" and status == Status.UNDER_REVIEW
    )


def test_the_expert_reads_the_calls_conditions_and_rubric_on_the_call_page(client, experts):
    application = experts.staged.at[Status.UNDER_REVIEW]
    client.force_login(experts.expert)
    html = client.get(page_url(application)).content.decode()
    call_page = reverse("naming:call-detail", args=[application.call_id])
    assert call_page in html
    call = client.get(call_page).content.decode()
    assert "运行管理 40" in call and "创新成果 60" in call
    assert "现有成员不少于 2 人" in call


def test_the_expert_sees_neither_the_other_scores_nor_the_objections(api, client, experts):
    """Under review, a second expert has scored; on notice, a worker objects:
    the expert reads neither, on the page or in the API; the office reads both."""
    org = experts.studios.org
    under_review = experts.staged.at[Status.UNDER_REVIEW]
    on_notice = experts.staged.at[Status.PUBLIC_NOTICE]
    services.objection_lodge(by=org.worker_b, application=on_notice, reason="成果数据存在夸大")

    client.force_login(experts.expert)
    assert "第二位专家的意见" not in client.get(page_url(under_review)).content.decode()
    assert "成果数据存在夸大" not in client.get(page_url(on_notice)).content.decode()
    api.force_authenticate(experts.expert)
    assert results(api.get("/api/v1/naming-reviews/", {"application": under_review.pk})) == []
    assert results(api.get("/api/v1/objections/", {"application": on_notice.pk})) == []

    client.force_login(org.group_official)
    assert "第二位专家的意见" in client.get(page_url(under_review)).content.decode()
    assert "成果数据存在夸大" in client.get(page_url(on_notice)).content.decode()


# --- The API ------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "role", "reads"), CASES)
def test_which_fields_each_role_reads_in_the_api(api, experts, status, role, reads):
    application = experts.staged.at[status]
    if role is not ANONYMOUS:
        api.force_authenticate(who(experts, role))

    answer = api.get(url(APPLICATIONS, application))

    if reads in (SIGNED_OUT, NOTHING):
        refused(answer, 401 if reads == SIGNED_OUT else 404)
        return
    assert answer.status_code == 200, answer.content
    body = answer.json()
    material = reads in (INSIDER, MATERIAL)
    assert shown(body, MATERIAL_FIELDS) is material
    assert shown(body, PROCESS_FIELDS) is (reads == INSIDER)
    if material:
        assert body["facts"]["members"] == 2
        assert {check["code"]: check["passed"] for check in body["eligibility"]}["members"]
    # a list row reads the same facts from its columns
    listed = results(api.get(APPLICATIONS, {"status": status}))
    assert set(next(row for row in listed if row["id"] == body["id"])) == set(body)


def test_the_expert_reads_an_overrides_reason_but_not_who_gave_it(api, client, experts):
    """The washing studio failed the members condition and was let in with an
    official's reason: the expert who scored it reads the reason beside the
    failed check; who gave it stays in the history, which they do not read."""
    application = experts.washing
    api.force_authenticate(experts.other_expert)
    body = api.get(url(APPLICATIONS, application)).json()
    assert body["eligibility_override"] == "试点推荐"
    assert {c["code"]: c["passed"] for c in body["eligibility"]}["members"] is False
    assert "overridden_by" not in body
    refused(api.get(url(APPLICATIONS, application, "history")), 403)
    client.force_login(experts.other_expert)
    html = client.get(page_url(application)).content.decode()
    override = html[html.index('data-testid="override"') :]
    assert "试点推荐" in override[: override.index("</p>")]
    assert experts.studios.org.group_official.full_name not in html


# --- The downloads ------------------------------------------------------------------

DOWNLOADS = {
    # reads: (the attachment list, a file, the 申报表)
    INSIDER: (200, 200, 200),
    MATERIAL: (403, 404, 200),  # the files are the site visit's, not material
    SEES: (403, 404, 403),
    NOTHING: (404, 404, 404),
    SIGNED_OUT: (401, 401, 401),
}


@pytest.mark.parametrize(("status", "role", "reads"), CASES)
def test_what_each_role_downloads(api, experts, status, role, reads):
    application = experts.staged.at[status]
    report = (
        visit_report(application, experts.studios.org.group_official)
        if status != Status.UNDER_REVIEW
        else None
    )
    if role is not ANONYMOUS:
        api.force_authenticate(who(experts, role))
    listed, downloaded, dossier = DOWNLOADS[reads]

    files = api.get(url(APPLICATIONS, application, "attachments"))
    file = api.get(f"/api/v1/attachments/{report.pk}/download/") if report else None
    form = api.get(dossier_url(application))

    if listed == 200:
        assert [f["name"] for f in files.json()] == (["现场考察记录.pdf"] if report else [])
    else:
        refused(files, listed)
    if file is not None:
        if downloaded == 200:
            assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
        else:
            refused(file, downloaded)
    if dossier == 200:
        assert application.statement in docx_text(form)
    else:
        refused(form, dossier)


def test_the_experts_dossier_lists_the_studios_records_as_its_lead_sends_them(api, experts):
    """The expert sees none of the dust studio's own records (it is not named),
    yet reads its 申报表 as the studio sent it in: the same as its lead's."""
    application = experts.staged.at[Status.UNDER_REVIEW]
    api.force_authenticate(experts.studios.lead_a)
    leads = docx_text(api.get(dossier_url(application)))
    api.force_authenticate(experts.expert)
    experts_own = docx_text(api.get(dossier_url(application)))
    assert experts_own == leads
    assert experts.studios.member_a.full_name in experts_own and "（2 人）" in experts_own


# --- Before, after and replaced ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "reads"),
    [("other_expert", True), ("silent_expert", False)],  # scored it / asked, never scored
)
def test_after_the_review_only_the_experts_who_scored_read_the_material(
    api, client, experts, role, reads
):
    application = experts.washing  # visited: the review is over
    expert = who(experts, role)
    api.force_authenticate(expert)
    body = api.get(url(APPLICATIONS, application)).json()
    assert shown(body, MATERIAL_FIELDS) is reads
    answer = api.get(dossier_url(application))
    assert answer.status_code == (200 if reads else 403)
    client.force_login(expert)
    html = client.get(page_url(application)).content.decode()
    assert ('data-testid="eligibility"' in html) is reads
    assert 'data-testid="score-link"' not in html  # read-only now
    review = url("/api/v1/naming-reviews/", application.reviews.get(expert=experts.other_expert))
    if reads:
        refused(api.patch(review, {"comment": "改"}, format="json"), 409)


@pytest.mark.parametrize(
    ("status", "page", "dossier", "call"),
    [
        (Status.UNDER_REVIEW, 404, 404, 404),  # out of sight again
        (Status.PUBLIC_NOTICE, 200, 403, 404),  # seen by everyone, but no more material
    ],
)
def test_an_expert_no_longer_assigned_reads_nothing_of_it(
    api, client, experts, status, page, dossier, call
):
    """An expert taken off (the assignment ended, kept for the history) loses
    the material, even of an application they scored, and the call it was
    made to (the call here is the calling unit's own: moved to company A,
    which the expert is outside). The office takes off only an expert who has
    not scored (tests/naming/test_expert_replacement.py); the rule reads the
    assignments as they stand."""
    application = experts.staged.at[status]
    org = experts.studios.org
    type(application.call).objects.filter(pk=application.call_id).update(org_unit=org.company_a)
    api.force_authenticate(experts.expert)
    assert api.get(url(CALLS, application.call_id)).status_code == 200  # still assigned

    ExpertAssignment.objects.filter(application=application, expert=experts.expert).update(
        ended_at=timezone.now(), ended_by=org.group_official, end_reason="回避"
    )

    client.force_login(experts.expert)
    assert client.get(page_url(application)).status_code == page
    refused(api.get(dossier_url(application)), dossier)
    refused(api.get(url(CALLS, application.call_id)), call)
    if page == 200:
        assert not shown(api.get(url(APPLICATIONS, application)).json(), MATERIAL_FIELDS)


# --- The call ---------------------------------------------------------------------


def test_an_expert_from_outside_the_calling_unit_reads_the_call(api, client, experts):
    """Company A's own call, its office asking the expert of plant B1: the
    expert reads the call's conditions and rubric (page and API); a worker of
    company B still does not see the call."""
    org = experts.studios.org
    call = services.naming_call_create(
        by=org.official_a,
        title="A 公司命名",
        level=Level.ENTERPRISE,
        year=experts.staged.at[Status.DRAFT].call.year,
        org_unit=org.company_a,
        deadline=experts.staged.at[Status.DRAFT].call.deadline,
        quota=1,
        rubric=RUBRIC,
        min_members=2,
    )
    api.force_authenticate(experts.expert)
    refused(api.get(url(CALLS, call)), 404)

    world = SimpleNamespace(studios=experts.studios, expert=experts.expert)
    bring_to(world, Status.UNDER_REVIEW, studio=experts.studios.washing, call=call)

    body = api.get(url(CALLS, call)).json()
    assert body["rubric"] == RUBRIC and body["min_members"] == 2
    client.force_login(experts.expert)
    assert (
        "运行管理 40" in client.get(reverse("naming:call-detail", args=[call.pk])).content.decode()
    )
    api.force_authenticate(org.worker_b)
    refused(api.get(url(CALLS, call)), 404)


# --- Query counts -----------------------------------------------------------------


@shared_data(needs=("naming_calls",))
def many_reviewed(built):
    """25 calls of company A (outside the expert's unit), each with the dust
    studio's application under the expert's review (even) or past its site
    visit with the expert's scores (odd)."""
    world = built.get("naming_calls")
    org = world.studios.org
    for index in range(25):
        call = services.naming_call_create(
            by=org.official_a,
            title=f"A 公司命名{index}",
            level=Level.ENTERPRISE,
            year=world.enterprise.year,
            org_unit=org.company_a,
            deadline=world.enterprise.deadline,
            quota=1,
            rubric=RUBRIC,
        )
        bring_to(world, Status.SITE_VISIT if index % 2 else Status.UNDER_REVIEW, call=call)
    return SimpleNamespace(studios=world.studios, expert=world.expert)


LISTS = [
    ListCase(APPLICATIONS, 5, viewer="expert"),
    ListCase("naming:application-list", 8, viewer="expert"),
    ListCase(CALLS, 5, viewer="expert"),
    ListCase("naming:call-list", 8, viewer="expert"),
]


@each_list(LISTS)
def test_the_experts_lists_take_the_same_queries_at_any_page_size(
    lists, many_reviewed, case, page_size
):
    rows = lists.read(case, many_reviewed, page_size)
    if case.url == APPLICATIONS:
        assert all(shown(row, MATERIAL_FIELDS) for row in rows)
        assert not any(shown(row, PROCESS_FIELDS) for row in rows)
