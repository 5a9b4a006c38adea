"""The site visit's photos and report, attached to the application (the shared
attachments code): added by the office once the visit is recorded, read by the
insiders only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Attachment
from naming.models import NamingApplication
from tests.api_answers import refused, url
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report():
    return SimpleUploadedFile("现场考察记录.pdf", PDF, content_type="application/pdf")


def test_the_office_attaches_the_visit_report_and_the_insiders_read_it(api, as_person, staged):
    application = staged.at[Status.SITE_VISIT]
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    added = api.post(url(BASE, application, "attachments"), {"file": report()})
    assert added.status_code == 201, added.content
    api.force_authenticate(person(staged.naming_calls, "lead_a"))
    assert [f["name"] for f in api.get(url(BASE, application, "attachments")).json()] == [
        "现场考察记录.pdf"
    ]
    page = as_person(person(staged.naming_calls, "lead_a")).get(
        reverse("naming:application-detail", args=[application.pk])
    )
    html = page.content.decode()
    assert "现场考察记录.pdf" in html and page.context["attachment_form"] is None
    # Named for what they are, apart from the applicant's supporting materials.
    assert "现场考察照片与报告" in html


@pytest.mark.parametrize(
    ("status", "role", "answer"),
    [
        (Status.UNDER_REVIEW, "group_official", 409),  # no visit yet
        (Status.SITE_VISIT, "lead_a", 403),  # the studio reads them, never adds
        (Status.SITE_VISIT, "worker_b", 404),
    ],
)
def test_no_one_else_attaches_and_not_before_the_visit(api, staged, status, role, answer):
    application = staged.at[status]
    api.force_authenticate(person(staged.naming_calls, role))
    refused(api.post(url(BASE, application, "attachments"), {"file": report()}), answer)
    assert not Attachment.objects.exists()


def test_on_public_notice_everyone_sees_the_application_but_not_the_visit_files(api, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    assert api.post(url(BASE, application, "attachments"), {"file": report()}).status_code == 201
    api.force_authenticate(staged.naming_calls.studios.org.worker_b)
    refused(api.get(url(BASE, application, "attachments")), 403)
    attachment = Attachment.objects.get()
    assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
