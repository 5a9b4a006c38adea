"""The achievements API for patents, conferences and attachments."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from achievements import services
from achievements.models import Inventor, Patent, PromotionConference
from achievements.patent_numbers import check_digit
from core.models import Attachment
from tests.achievements.api import (
    CONFERENCES,
    INVENTION_NO,
    PATENTS,
    field_errors,
    new_achievement,
    new_patent,
    new_problem,
)
from tests.api_answers import results
from tests.factories import PersonFactory
from tests.roles import person

pytestmark = pytest.mark.django_db

ROLES = [
    "group_official",
    "official_a",
    "official_b",
    "lead_a",
    "member_a",
    "worker_a",
    "worker_b",
    "admin",
]

DUST_INSIDERS = {"group_official", "official_a", "lead_a", "member_a", "admin"}


def number(twelve_digits: str) -> str:
    return f"CN{twelve_digits}.{check_digit(twelve_digits)}"


UTILITY_NO = number("202120654321")


def granted_utility_model(studios):
    return new_patent(
        studios,
        application_no=UTILITY_NO,
        patent_type="utility_model",
        title="一种除尘风机导流罩",
        status=Patent.Status.GRANTED,
        granted_on=datetime.date(2023, 9, 1),
    )


def new_conference(by, organiser, name="2024 成果推广会"):
    return services.conference_create(
        by=by, name=name, held_on=datetime.date(2024, 11, 20), organiser=organiser
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="检测报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def disguised_upload():
    """A Windows program renamed to look like a PDF."""
    return SimpleUploadedFile(
        "检测报告.pdf", b"MZ\x90\x00" + b"\x00" * 300, content_type="application/pdf"
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Patents ------------------------------------------------------------------------


def patent_payload(studios, **overrides):
    return {
        "studio_id": studios.dust.pk,
        "application_no": "ZL 2021 1 0123456.7",
        "title": "一种综采面喷雾降尘装置",
        "patent_type": "invention",
        "filed_on": "2021-03-01",
        "holder": "A公司",
        "inventor_ids": [studios.lead_a.pk, studios.member_a.pk],
        **overrides,
    }


class TestPatentVisibility:
    @pytest.fixture
    def patents(self, studios):
        return SimpleNamespace(filed=new_patent(studios), granted=granted_utility_model(studios))

    @pytest.mark.parametrize("role", ROLES)
    def test_filed_patents_are_internal_granted_ones_public(self, api, studios, patents, role):
        api.force_authenticate(person(studios, role))
        numbers = {row["application_no"] for row in results(api.get(PATENTS))}
        granted = patents.granted.application_no
        expected = {patents.filed.application_no, granted} if role in DUST_INSIDERS else {granted}
        assert numbers == expected

    def test_outsider_detail_of_a_filed_patent_is_404(self, api, studios, patents):
        api.force_authenticate(studios.org.worker_a)
        assert api.get(f"{PATENTS}{patents.filed.pk}/").status_code == 404

    def test_insider_sees_inventors_in_order_and_the_display_number(self, api, studios, patents):
        api.force_authenticate(studios.member_a)
        body = api.get(f"{PATENTS}{patents.filed.pk}/").json()
        assert body["number_display"] == "ZL 2021 1 0123456.7"
        assert [p["id"] for p in body["inventors"]] == [studios.lead_a.pk, studios.member_a.pk]

    def test_search_by_number_in_any_spelling(self, api, studios, patents):
        api.force_authenticate(studios.lead_a)
        rows = results(api.get(PATENTS, {"search": "ZL 2021 1 0123456"}))
        assert [row["id"] for row in rows] == [patents.filed.pk]


class TestPatentWrites:
    def test_lead_logs_a_patent_stored_normalised(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(PATENTS, patent_payload(studios), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["application_no"], body["status"]) == ("202110123456.7", "filed")
        assert [p["id"] for p in body["inventors"]] == [studios.lead_a.pk, studios.member_a.pk]

    @pytest.mark.parametrize(
        ("application_no", "patent_type"),
        [
            ("CN202110123456.8", "invention"),
            ("CN202110123456.7", "utility_model"),
            ("CN2021101234", "invention"),
        ],
        ids=["check digit", "type digit", "shape"],
    )
    def test_bad_number_is_400_on_application_no(self, api, studios, application_no, patent_type):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, application_no=application_no, patent_type=patent_type)
        assert "application_no" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()
        assert not Inventor.objects.exists()

    def test_same_number_in_another_spelling_is_400(self, api, studios):
        new_patent(studios, application_no="CN202110123456.7")
        api.force_authenticate(studios.lead_a)
        response = api.post(PATENTS, patent_payload(studios), format="json")
        assert "application_no" in field_errors(response)
        assert Patent.objects.count() == 1

    def test_granted_before_filed_is_400_on_granted_on(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(
            studios,
            application_no=UTILITY_NO,
            patent_type="utility_model",
            status="granted",
            granted_on="2021-02-01",
        )
        assert "granted_on" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_inventor_outside_scope_is_400_on_inventor_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, inventor_ids=[studios.lead_b.pk])
        assert "inventor_ids" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_no_inventor_is_400_on_inventor_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, inventor_ids=[])
        assert "inventor_ids" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    @pytest.mark.parametrize("role", ["lead_b", "worker_a", "official_b"])
    def test_studio_outside_scope_is_400_on_studio_id(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        payload = patent_payload(studios, inventor_ids=[person(studios, role).pk])
        assert "studio_id" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_core_member_without_the_right_is_403(self, api, studios):
        api.force_authenticate(studios.member_a)
        assert api.post(PATENTS, patent_payload(studios), format="json").status_code == 403
        assert not Patent.objects.exists()

    def test_lead_may_not_send_the_number_400(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{PATENTS}{patent.pk}/",
            {"title": "一种喷雾降尘装置及方法", "application_no": "CN202110123457.9"},
            format="json",
        )
        assert set(field_errors(response)) == {"application_no"}
        patent.refresh_from_db()
        assert (patent.title, patent.application_no) == ("一种综采面喷雾降尘装置", "202110123456.7")

    def test_reader_of_a_public_patent_may_not_edit_it_403(self, api, studios):
        patent = granted_utility_model(studios)
        api.force_authenticate(studios.org.worker_b)
        response = api.patch(f"{PATENTS}{patent.pk}/", {"title": "改名"}, format="json")
        assert response.status_code == 403

    def test_lead_edits_the_title_sending_back_the_inventors_they_read(self, api, studios):
        """The group official named worker_b of company B first inventor,
        whom the lead cannot see: the inventors stay, in order."""
        org = studios.org
        patent = new_patent(studios)
        services.patent_update(
            patent_id=patent.pk, by=org.group_official, inventors=[org.worker_b, studios.lead_a]
        )
        api.force_authenticate(studios.lead_a)
        address = f"{PATENTS}{patent.pk}/"
        read = api.get(address).json()["inventors"]
        sent = {"title": "改名", "inventor_ids": [person["id"] for person in read]}
        response = api.patch(address, sent, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "改名"
        assert response.json()["inventors"] == read
        assert list(patent.inventors.values_list("position", "person")) == [
            (1, org.worker_b.pk),
            (2, studios.lead_a.pk),
        ]
        # someone new outside the lead's view is still refused
        newcomer = PersonFactory(org_unit=org.team_b101)
        sent = {"title": "再改名", "inventor_ids": [org.worker_b.pk, newcomer.pk]}
        assert "inventor_ids" in field_errors(api.patch(address, sent, format="json"))
        patent.refresh_from_db()
        assert patent.title == "改名"
        assert patent.inventors.count() == 2


class TestPatentStatusChange:
    def move(self, api, patent, status, on=None):
        payload = {"status": status} if on is None else {"status": status, "on": on}
        return api.post(f"{PATENTS}{patent.pk}/change-status/", payload, format="json")

    def test_invention_is_published_then_granted(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_a)
        published = self.move(api, patent, "published", "2023-09-01")
        assert published.status_code == 200, published.content
        granted = self.move(api, patent, "granted", "2024-05-01")
        assert (granted.json()["status"], granted.json()["granted_on"]) == (
            "granted",
            "2024-05-01",
        )

    @pytest.mark.parametrize(
        ("patent_type", "target"),
        [
            ("invention", "granted"),  # an invention is published first
            ("invention", "lapsed"),  # lapsed only after grant
            ("utility_model", "published"),  # utility models are not published
        ],
    )
    def test_illegal_transition_is_409_with_a_detail(self, api, studios, patent_type, target):
        application_no = INVENTION_NO if patent_type == "invention" else UTILITY_NO
        patent = new_patent(studios, application_no=application_no, patent_type=patent_type)
        api.force_authenticate(studios.lead_a)
        response = self.move(api, patent, target, "2024-05-01")
        assert response.status_code == 409
        assert response.json()["detail"]
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on, patent.published_on) == ("filed", None, None)

    def test_grant_dated_before_filing_is_400_on_granted_on(self, api, studios):
        patent = new_patent(studios, application_no=UTILITY_NO, patent_type="utility_model")
        api.force_authenticate(studios.lead_a)
        assert "granted_on" in field_errors(self.move(api, patent, "granted", "2021-01-01"))
        patent.refresh_from_db()
        assert patent.status == "filed"

    def test_core_member_cannot_move_it_403(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.member_a)
        assert self.move(api, patent, "published").status_code == 403

    def test_outsider_gets_404(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_b)
        assert self.move(api, patent, "published").status_code == 404


# --- Conferences --------------------------------------------------------------------


class TestConferences:
    @pytest.mark.parametrize("role", ROLES)
    def test_conferences_are_listed_to_every_signed_in_user(self, api, studios, role):
        new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(person(studios, role))
        rows = results(api.get(CONFERENCES))
        assert [(row["name"], row["organiser"]["code"]) for row in rows] == [
            ("2024 成果推广会", "B")
        ]

    def test_official_creates_a_conference_in_scope(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.company_b.pk,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["displayed"] == 0

    @pytest.mark.parametrize("role", ["lead_a", "worker_a"])
    def test_non_officials_cannot_create_403(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.team_a101.pk,
            },
            format="json",
        )
        assert response.status_code == 403
        assert not PromotionConference.objects.exists()

    def test_organiser_outside_scope_is_400_on_organiser_id(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.company_a.pk,
            },
            format="json",
        )
        assert "organiser_id" in field_errors(response)
        assert not PromotionConference.objects.exists()

    def show_url(self, conference):
        return f"{CONFERENCES}{conference.pk}/show-achievements/"

    def test_official_shows_a_group_wide_achievement(self, api, studios, library):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(studios.org.official_b)
        payload = {"achievement_ids": [library.group_level.pk, library.turbine.pk]}
        response = api.post(self.show_url(conference), payload, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["displayed"] == 2
        # showing them again changes nothing
        again = api.post(self.show_url(conference), payload, format="json")
        assert again.json()["displayed"] == 2

    def test_achievement_outside_scope_is_400_and_nothing_shown(self, api, studios, library):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(studios.org.official_b)
        payload = {"achievement_ids": [library.group_level.pk, library.studio_level.pk]}
        assert "achievement_ids" in field_errors(
            api.post(self.show_url(conference), payload, format="json")
        )
        assert not conference.achievements.exists()

    @pytest.mark.parametrize("role", ["official_a", "worker_b", "lead_b"])
    def test_only_officials_over_the_organiser_fill_it_403(self, api, studios, library, role):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(person(studios, role))
        payload = {"achievement_ids": [library.group_level.pk]}
        assert api.post(self.show_url(conference), payload, format="json").status_code == 403
        assert not conference.achievements.exists()

    def test_unknown_conference_is_404(self, api, studios):
        api.force_authenticate(studios.org.group_official)
        response = api.post(f"{CONFERENCES}999999/show-achievements/", {"achievement_ids": []})
        assert response.status_code == 404


# --- Attachments --------------------------------------------------------------------


class TestAttachments:
    @pytest.fixture
    def records(self, studios, media):
        return SimpleNamespace(
            problem=new_problem(studios),
            achievement=new_achievement(studios),
            group_level=new_achievement(studios, title="综采面粉尘治理工法", promotion="group"),
            patent=new_patent(studios),
        )

    def url(self, kind, record):
        return f"/api/v1/{kind}/{record.pk}/attachments/"

    @pytest.mark.parametrize(
        ("kind", "record"),
        [("problems", "problem"), ("achievements", "achievement"), ("patents", "patent")],
    )
    def test_lead_uploads_a_pdf_and_insiders_list_and_download_it(
        self, api, studios, records, kind, record
    ):
        # given the lead uploads a PDF with a Chinese name
        api.force_authenticate(studios.lead_a)
        target = getattr(records, record)
        uploaded = api.post(self.url(kind, target), {"file": pdf_upload()}, format="multipart")
        assert uploaded.status_code == 201, uploaded.content
        body = uploaded.json()
        assert (body["name"], body["mime_type"], body["size"]) == (
            "检测报告.pdf",
            "application/pdf",
            len(PDF),
        )
        # when a member lists and downloads it
        api.force_authenticate(studios.member_a)
        listed = api.get(self.url(kind, target))
        download = api.get(f"/api/v1/attachments/{body['id']}/download/")
        # then it is there, byte for byte
        assert [row["id"] for row in listed.json()] == [body["id"]]
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF

    def test_disguised_upload_is_400_on_file_and_nothing_saved(self, api, studios, records):
        api.force_authenticate(studios.lead_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": disguised_upload()},
            format="multipart",
        )
        assert "file" in field_errors(response)
        assert not Attachment.objects.exists()

    def test_oversized_upload_is_400_on_file_and_nothing_saved(
        self, api, studios, records, settings
    ):
        settings.UPLOAD_MAX_BYTES = len(PDF) - 1
        api.force_authenticate(studios.lead_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert "file" in field_errors(response)
        assert not Attachment.objects.exists()

    def test_missing_file_is_400_on_file(self, api, studios, records):
        api.force_authenticate(studios.lead_a)
        response = api.post(self.url("achievements", records.achievement), {}, format="multipart")
        assert "file" in field_errors(response)

    def test_core_member_without_the_right_cannot_upload_403(self, api, studios, records):
        api.force_authenticate(studios.member_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_reader_of_a_group_wide_achievement_cannot_upload_403(self, api, studios, records):
        api.force_authenticate(studios.org.worker_b)
        response = api.post(
            self.url("achievements", records.group_level),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_outsider_download_is_404(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.achievement, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
        assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
        assert api.get(self.url("achievements", records.achievement)).status_code == 404

    def test_files_of_an_announced_problem_stay_with_insiders(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.problem, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(self.url("problems", records.problem)).status_code == 403
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404

    def test_files_of_a_public_patent_stay_with_insiders(self, api, studios, records):
        Patent.objects.filter(pk=records.patent.pk).update(status=Patent.Status.PUBLISHED)
        attachment = services.attachment_add(
            record=records.patent, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(f"/api/v1/patents/{records.patent.pk}/").status_code == 200
        assert api.get(self.url("patents", records.patent)).status_code == 403
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404

    def test_files_of_a_group_wide_achievement_are_public(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.group_level, by=studios.org.official_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        download = api.get(f"/api/v1/attachments/{attachment.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF

    def test_anonymous_download_is_401(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.group_level, by=studios.org.official_a, upload=pdf_upload()
        )
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 401
