"""The applicant's supporting materials (申报附件): the applicant side attaches
and removes files while the application is a draft, the office over the call
adds files until the public notice starts and removes one it added; its insiders and its current
experts read them, unlike the site visit's photos, which stay the insiders'
(docs/naming.md). For every role, on the API and the page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from core import attachments
from core.models import Attachment
from naming import services
from naming.models import NamingApplication, NamingMaterials
from tests.api_answers import refused, url
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def certificate(name="荣誉证书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def who(staged, role):
    return person(staged.naming_calls, role)


def with_material(staged, status, name="荣誉证书.pdf") -> tuple[NamingApplication, Attachment]:
    """The staged application at `status` with one supporting file: the
    applicant's on a draft, the office's later."""
    application = staged.at[status]
    org = staged.naming_calls.studios.org
    by = who(staged, "lead_a") if status == Status.DRAFT else org.group_official
    attachment = services.naming_material_add(record=application, by=by, upload=certificate(name))
    return application, attachment


# --- Adding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "role", "answer"),
    [
        (Status.DRAFT, "lead_a", 201),  # the studio's leader, who applies
        (Status.DRAFT, "official_a", 201),  # the official over the studio, who entered it
        (Status.SUBMITTED, "group_official", 201),  # the office over the call
        (Status.UNDER_REVIEW, "group_official", 201),
        (Status.SITE_VISIT, "group_official", 201),
        (Status.DRAFT, "member_a", 403),  # a member reads it, never adds
        (Status.UNDER_REVIEW, "expert", 403),  # reads, never adds
        (Status.PUBLIC_NOTICE, "worker_b", 403),  # sees it on notice, nothing more
        (Status.DRAFT, "worker_a", 404),
        (Status.UNDER_REVIEW, "official_b", 404),  # an office outside its scope
        (Status.SUBMITTED, "lead_a", 409),  # the draft is sent in
        (Status.SUBMITTED, "official_a", 409),
        (Status.PUBLIC_NOTICE, "group_official", 409),  # the notice has started
    ],
)
def test_who_adds_supporting_materials_and_when(api, staged, status, role, answer):
    application = staged.at[status]
    api.force_authenticate(who(staged, role))
    response = api.post(url(BASE, application, "materials"), {"file": certificate()})
    if answer != 201:
        refused(response, answer)
        assert not Attachment.objects.exists()
        return
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "荣誉证书.pdf"
    assert response.json()["uploaded_by"]["id"] == who(staged, role).pk
    # A supporting file, not a visit photo: the application's own files stay empty.
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    if status != Status.DRAFT:
        assert api.get(url(BASE, application, "attachments")).json() == []


def test_a_file_of_a_kind_not_accepted_is_refused(api, staged):
    api.force_authenticate(who(staged, "lead_a"))
    upload = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + b"\x00" * 60)
    response = api.post(url(BASE, staged.at[Status.DRAFT], "materials"), {"file": upload})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


# --- Reading ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "answer"),
    [
        ("lead_a", 200),
        ("member_a", 200),
        ("official_a", 200),
        ("group_official", 200),
        ("expert", 200),  # assigned, scoring it: the material is theirs to read
        ("worker_a", 404),
        ("official_b", 404),
    ],
)
def test_who_reads_supporting_materials_under_review(api, staged, role, answer):
    application, attachment = with_material(staged, Status.UNDER_REVIEW)
    api.force_authenticate(who(staged, role))
    listed = api.get(url(BASE, application, "materials"))
    download = api.get(f"/api/v1/attachments/{attachment.pk}/download/")
    if answer == 404:
        refused(listed, 404)
        assert download.status_code == 404
        return
    assert [f["name"] for f in listed.json()] == ["荣誉证书.pdf"]
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_an_expert_taken_off_no_longer_reads_the_materials(api, staged):
    application, attachment = with_material(staged, Status.UNDER_REVIEW)
    org = staged.naming_calls.studios.org
    expert = staged.naming_calls.expert
    services.naming_experts_assign(
        application_id=application.pk, by=org.group_official, experts=[org.colleague_a]
    )
    api.force_authenticate(expert)
    assert api.get(url(BASE, application, "materials")).status_code == 200
    services.naming_expert_withdraw(
        application_id=application.pk, by=org.group_official, expert=expert, reason="因病"
    )
    refused(api.get(url(BASE, application, "materials")), 404)
    assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    api.force_authenticate(org.colleague_a)  # the expert who remains
    assert [f["id"] for f in api.get(url(BASE, application, "materials")).json()] == [attachment.pk]


def test_the_expert_reads_the_materials_but_still_not_the_visit_photos(api, staged):
    """After the visit the expert who scored reads the supporting materials;
    the visit's files stay the insiders' (403 on the list, 404 on the file)."""
    application, material = with_material(staged, Status.SITE_VISIT)
    org = staged.naming_calls.studios.org
    photo = services.naming_visit_photo_add(
        record=application, by=org.group_official, upload=certificate("现场考察记录.pdf")
    )
    api.force_authenticate(staged.naming_calls.expert)
    assert [f["name"] for f in api.get(url(BASE, application, "materials")).json()] == [
        "荣誉证书.pdf"
    ]
    assert api.get(f"/api/v1/attachments/{material.pk}/download/").status_code == 200
    refused(api.get(url(BASE, application, "attachments")), 403)
    assert api.get(f"/api/v1/attachments/{photo.pk}/download/").status_code == 404
    api.force_authenticate(who(staged, "lead_a"))  # an insider reads both, each in its place
    assert [f["id"] for f in api.get(url(BASE, application, "attachments")).json()] == [photo.pk]
    assert [f["id"] for f in api.get(url(BASE, application, "materials")).json()] == [material.pk]


def test_on_public_notice_others_do_not_read_the_materials(api, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    api.force_authenticate(staged.naming_calls.studios.org.worker_b)
    refused(api.get(url(BASE, application, "materials")), 403)


# --- Removing -----------------------------------------------------------------------


def remove_url(application, attachment_id) -> str:
    return url(BASE, application, f"materials/{attachment_id}")


def test_the_applicant_removes_a_file_from_the_draft(api, staged):
    application, attachment = with_material(staged, Status.DRAFT)
    api.force_authenticate(who(staged, "official_a"))
    response = api.delete(remove_url(application, attachment.pk))
    assert response.status_code == 204, response.content
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    api.force_authenticate(who(staged, "lead_a"))
    assert api.get(url(BASE, application, "materials")).json() == []


@pytest.mark.parametrize(
    ("status", "role", "answer"),
    [
        (Status.DRAFT, "member_a", 403),
        (Status.DRAFT, "worker_a", 404),
        (Status.UNDER_REVIEW, "expert", 403),
        (Status.SUBMITTED, "lead_a", 409),  # sent in: it stands as sent
        (Status.SUBMITTED, "official_a", 409),  # the applicant side, not the office
        (Status.UNDER_REVIEW, "official_b", 404),
    ],
)
def test_who_may_not_remove_a_file(api, staged, status, role, answer):
    application, attachment = with_material(staged, status)
    api.force_authenticate(who(staged, role))
    refused(api.delete(remove_url(application, attachment.pk)), answer)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.SITE_VISIT])
def test_the_office_removes_a_file_it_added_by_mistake(api, staged, status):
    # Given a file the office over the call added after the submission
    application, attachment = with_material(staged, status, "别家工作室证书.pdf")

    # When the office takes it off again before the public notice
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    response = api.delete(remove_url(application, attachment.pk))

    # Then it is gone, for the experts too
    assert response.status_code == 204, response.content
    assert api.get(url(BASE, application, "materials")).json() == []


def test_the_office_leaves_what_the_applicant_sent_in_and_its_own_once_on_notice(api, staged):
    # Given a file the applicant attached to the draft before sending it in
    application, sent_in = with_material(staged, Status.UNDER_REVIEW)
    Attachment.objects.filter(pk=sent_in.pk).update(
        uploaded_at=application.submitted_at - datetime.timedelta(days=1)
    )
    # And one the office added to an application now on public notice
    on_notice = staged.at[Status.PUBLIC_NOTICE]
    materials, _created = NamingMaterials.objects.get_or_create(application=on_notice)
    office = staged.naming_calls.studios.org.group_official
    added = attachments.attachment_create(owner=materials, upload=certificate(), by=office)

    # When the office tries to remove either, neither goes
    api.force_authenticate(office)
    refused(api.delete(remove_url(application, sent_in.pk)), 409)
    refused(api.delete(remove_url(on_notice, added.pk)), 409)
    assert Attachment.objects.filter(pk__in=[sent_in.pk, added.pk]).count() == 2


def test_a_file_the_application_does_not_hold_is_not_found(api, staged):
    """Neither another record's file nor the visit's photo is removed through
    an application's materials."""
    draft = staged.at[Status.DRAFT]
    _other, elsewhere = with_material(staged, Status.SUBMITTED)
    api.force_authenticate(who(staged, "lead_a"))
    refused(api.delete(remove_url(draft, elsewhere.pk)), 404)
    assert Attachment.objects.filter(pk=elsewhere.pk).exists()


def test_the_schema_lists_the_materials(api):
    schema = SchemaGenerator().get_schema(public=True)
    materials = schema["paths"][f"{BASE}{{id}}/materials/"]
    assert {"get", "post"} <= set(materials)
    assert "multipart/form-data" in materials["post"]["requestBody"]["content"]
    removal = schema["paths"][f"{BASE}{{id}}/materials/{{attachment_id}}/"]
    assert "204" in removal["delete"]["responses"]


# --- The page -----------------------------------------------------------------------


def page(as_person, person_, application):
    return as_person(person_).get(reverse("naming:application-detail", args=[application.pk]))


def test_the_applicant_adds_and_removes_a_file_on_the_draft_page(as_person, staged):
    application = staged.at[Status.DRAFT]
    lead = who(staged, "lead_a")
    client = as_person(lead)
    shown = page(as_person, lead, application)
    assert shown.context["material_form"] is not None
    added = client.post(
        reverse("naming:application-materials", args=[application.pk]),
        {"file": certificate("工作室照片说明.pdf")},
    )
    assert added.status_code == 302
    shown = page(as_person, lead, application)
    html = shown.content.decode()
    assert "工作室照片说明.pdf" in html
    attachment = Attachment.objects.get()
    remove = reverse("naming:application-material-remove", args=[application.pk, attachment.pk])
    assert remove in html
    assert client.post(remove).status_code == 302
    assert not Attachment.objects.exists()
    assert "工作室照片说明.pdf" not in page(as_person, lead, application).content.decode()


def test_the_office_page_offers_to_remove_only_the_files_it_may(as_person, staged):
    application, added = with_material(staged, Status.UNDER_REVIEW, "别家工作室证书.pdf")
    _same, sent_in = with_material(staged, Status.UNDER_REVIEW)
    Attachment.objects.filter(pk=sent_in.pk).update(
        uploaded_at=application.submitted_at - datetime.timedelta(days=1)
    )
    office = staged.naming_calls.studios.org.group_official
    html = page(as_person, office, application).content.decode()

    def remove(attachment):
        return reverse("naming:application-material-remove", args=[application.pk, attachment.pk])

    assert remove(added) in html and remove(sent_in) not in html
    # The expert reading both is offered neither
    expert_html = page(as_person, staged.naming_calls.expert, application).content.decode()
    assert remove(added) not in expert_html and "别家工作室证书.pdf" in expert_html


def test_the_expert_page_lists_the_materials_without_a_form_or_visit_files(as_person, staged):
    application, _material = with_material(staged, Status.SITE_VISIT)
    services.naming_visit_photo_add(
        record=application,
        by=staged.naming_calls.studios.org.group_official,
        upload=certificate("现场考察记录.pdf"),
    )
    shown = page(as_person, staged.naming_calls.expert, application)
    html = shown.content.decode()
    assert 'data-testid="materials"' in html and "荣誉证书.pdf" in html
    assert "现场考察记录.pdf" not in html
    assert shown.context["material_form"] is None
    assert "application-material-remove" not in html and "/remove/" not in html


def test_the_office_adds_a_file_from_the_page_under_review(as_person, staged):
    application = staged.at[Status.UNDER_REVIEW]
    office = staged.naming_calls.studios.org.group_official
    assert page(as_person, office, application).context["material_form"] is not None
    as_person(office).post(
        reverse("naming:application-materials", args=[application.pk]),
        {"file": certificate()},
    )
    assert [a.original_name for a in Attachment.objects.all()] == ["荣誉证书.pdf"]
    html = page(as_person, office, application).content.decode()
    # Listed, and the office may take its own file off again
    assert "荣誉证书.pdf" in html and "/remove/" in html


def test_pages_refuse_the_others(as_person, staged):
    draft, attachment = with_material(staged, Status.DRAFT)
    notice = staged.at[Status.PUBLIC_NOTICE]
    member = who(staged, "member_a")
    remove = reverse("naming:application-material-remove", args=[draft.pk, attachment.pk])
    assert as_person(member).post(remove).status_code == 403
    outsider = who(staged, "worker_a")
    add = reverse("naming:application-materials", args=[draft.pk])
    assert as_person(outsider).post(add, {"file": certificate()}).status_code == 404
    assert Attachment.objects.count() == 1
    shown = page(as_person, who(staged, "worker_b"), notice)
    assert shown.context["material_form"] is None
    assert 'data-testid="materials"' not in shown.content.decode()
