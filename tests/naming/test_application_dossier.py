"""A naming application's own 申报表 (docs/documents.md): its call's level, its
statement and the studio's facts as submitted, for those who read the
application's material (its insiders and its expert); 403 for others who see
it, 404 for those who do not."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from naming import services as naming_services
from naming.models import NamingApplication
from studios import services as studio_services
from studios.models import Membership
from tests.api_answers import refused
from tests.factories import PersonFactory
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status


def dossier_url(application) -> str:
    return f"/api/v1/naming-applications/{application.pk}/dossier/"


def text_of(response) -> str:
    assert response.status_code == 200, response.content
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    parts.extend(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("status", "role", "answer"),
    [
        (Status.UNDER_REVIEW, "lead_a", 200),
        (Status.UNDER_REVIEW, "member_a", 200),
        (Status.UNDER_REVIEW, "official_a", 200),  # over the studio
        (Status.UNDER_REVIEW, "group_official", 200),  # runs the call
        (Status.UNDER_REVIEW, "expert", 200),  # scores it: reads its material
        (Status.PUBLIC_NOTICE, "worker_b", 403),  # sees the notice only
        (Status.UNDER_REVIEW, "worker_b", 404),
        (Status.UNDER_REVIEW, "official_b", 404),
    ],
)
def test_the_applications_readers_download_its_dossier(api, staged, status, role, answer):
    application = staged.at[status]
    api.force_authenticate(person(staged.naming_calls, role))

    response = api.get(dossier_url(application))

    if answer != 200:
        refused(response, answer)
        return
    text = text_of(response)
    assert "创新工作室命名申报表" in text and application.call.get_level_display() in text
    assert application.statement in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote(application.studio.name) in disposition and disposition.endswith(".docx")
    assert response["Cache-Control"] == "private, no-store"


def test_the_dossier_keeps_the_studios_facts_as_submitted(api, staged):
    application = staged.at[Status.SUBMITTED]
    org = staged.naming_calls.studios.org
    submitted_name = application.studio.name
    studio_services.studio_update(
        studio_id=application.studio_id, by=org.group_official, name="粉尘防治创新工作室"
    )
    studio_services.membership_add(
        studio_id=application.studio_id,
        by=org.group_official,
        person=PersonFactory(org_unit=org.team_a101),
        role=Membership.Role.MEMBER,
    )
    api.force_authenticate(staged.naming_calls.studios.lead_a)

    response = api.get(dossier_url(application))

    text = text_of(response)
    assert submitted_name in text and "粉尘防治创新工作室" not in text
    assert f"{application.facts['taken_on']} 申报时的数据" in text
    # Two members when submitted (the table lists today's three).
    assert "现有成员\n2\n" in text and "（3 人）" in text
    assert quote(submitted_name) in response["Content-Disposition"]


def test_the_dossier_ends_with_the_list_of_its_supporting_materials(
    api, staged, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = staged.at[Status.UNDER_REVIEW]
    office = staged.naming_calls.studios.org.group_official
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    naming_services.naming_material_add(
        record=application,
        by=office,
        upload=SimpleUploadedFile("省级劳模证书.pdf", pdf, content_type="application/pdf"),
    )
    # The expert scoring it reads the same list as the studio
    for reader in (staged.naming_calls.expert, staged.naming_calls.studios.lead_a):
        api.force_authenticate(reader)
        text = text_of(api.get(dossier_url(application)))
        assert "附件清单（申报附件）" in text
        assert "省级劳模证书.pdf" in text and timezone.localdate().isoformat() in text
    # Without any, the list says so
    bare = staged.at[Status.SUBMITTED]
    api.force_authenticate(office)
    assert "无申报附件。" in text_of(api.get(dossier_url(bare)))


def test_the_application_page_links_its_dossier_for_its_readers_only(as_person, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    page = reverse("naming:application-detail", args=[application.pk])
    link = dossier_url(application)

    assert link in as_person(staged.naming_calls.studios.lead_a).get(page).content.decode()
    assert link in as_person(staged.naming_calls.expert).get(page).content.decode()  # scored it
    worker_page = as_person(staged.naming_calls.studios.org.worker_b).get(page)
    assert worker_page.status_code == 200 and link not in worker_page.content.decode()
