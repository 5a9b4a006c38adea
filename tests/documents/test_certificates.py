"""Certificates anyone can verify (docs/documents.md): who downloads which, the
PDF's words and embedded font, one certificate per award or honour, and the
public /verify/ page with its rate limit."""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from competitions import services as competition_services
from competitions.models import Proposal
from documents.certificates import services as certificate_services
from documents.certificates.codes import ALPHABET, LENGTH, grouped
from documents.models import Certificate
from studios import services as studio_services
from studios.models import Honour, RecognitionList, Studio
from tests.competitions.states import proposal_reviewed, reviewer_panel
from tests.concurrency import run_at_once
from tests.factories import PersonFactory, make_campaign
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status
FIELDS = {
    "category": Proposal.Category.INNOVATION,
    "goals": [Proposal.Goal.SAFETY],
    "post": "综采工作面喷雾泵站",
    "current_situation": "喷雾装置常开，用水量大。",
    "improvement": "加装感应阀。",
    "expected_effect": "节水四成。",
    "expected_benefit": Decimal("120000"),
}


@shared_data(needs=("studios",))
def certified(built):
    """An awarded proposal by 王喆 (a name character outside GB 2312) with 李卫东
    co-authoring, one whose benefit is verified but not yet awarded, and the
    honours: 王喆 a model worker, the dust studio named, the washing studio
    named and then put under rectification (members and officials only)."""
    studios = built.get("studios")
    org = studios.org
    now = timezone.now()
    campaign = make_campaign(
        org.group_official,
        org.group,
        name="2026年五小竞赛",
        opens=now - datetime.timedelta(days=10),
        closes=now + datetime.timedelta(days=10),
    )
    author = PersonFactory(employee_no="wangzhe", full_name="王喆", org_unit=org.team_a101)
    co_author = PersonFactory(employee_no="liweidong", full_name="李卫东", org_unit=org.team_a102)
    panel = reviewer_panel(org)

    def make_proposal(person, *, submit=True, **fields):
        proposal = competition_services.proposal_create(
            by=person, campaign=campaign, **{**FIELDS, **fields}
        )
        if not submit:
            return proposal
        return competition_services.proposal_submit(proposal_id=proposal.pk, by=person)

    def reviewed(status, title):
        return proposal_reviewed(
            status,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author=author,
            title=title,
            author_share=Decimal(60),
            co_authors=[(co_author, Decimal(40))],
        )

    awarded = reviewed(Status.AWARDED, "井下喷雾降尘装置节水改造")
    verified = reviewed(Status.BENEFIT_VERIFIED, "皮带机托辊更换工具改进")
    draft = make_proposal(author, submit=False, title="草稿提案")
    provincial = studio_services.recognition_list_create(
        by=org.group_official,
        title="2026年省级职工创新工作室",
        level=RecognitionList.Level.PROVINCIAL,
        conferred_by="省总工会",
        year=2026,
        total_named=30,
    )
    personal = studio_services.honour_create(
        by=org.group_official,
        recognition_list=provincial,
        person=author,
        personal_title=Honour.PersonalTitle.MODEL_WORKER,
        conferred_on=datetime.date(2026, 4, 28),
    )
    dust = studio_services.honour_create(
        by=org.group_official, recognition_list=provincial, studio=studios.dust
    )
    washing = studio_services.honour_create(
        by=org.group_official, recognition_list=provincial, studio=studios.washing
    )
    studio_services.studio_change_status(
        studio_id=studios.washing.pk,
        by=org.group_official,
        status=Studio.Status.RECTIFICATION,
        reason="年度考核不合格",
    )
    return SimpleNamespace(
        org=org,
        studios=studios,
        author=author,
        co_author=co_author,
        reviewer=panel.experts[0],
        awarded=awarded,
        verified=verified,
        draft=draft,
        provincial=provincial,
        personal=personal,
        dust=dust,
        washing=washing,
    )


def who(certified, role):
    org, studios = certified.org, certified.studios
    return {
        "author": certified.author,
        "co_author": certified.co_author,
        "reviewer": certified.reviewer,
        "official_a": org.official_a,
        "group_official": org.group_official,
        "official_b": org.official_b,
        "worker_a": org.worker_a,
        "worker_b": org.worker_b,
        "admin": org.admin,
        "lead_a": studios.lead_a,
        "member_a": studios.member_a,
        "lead_b": studios.lead_b,
        "washing_lead": org.colleague_a,
    }[role]


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def proposal_url(proposal) -> str:
    return f"/api/v1/proposals/{proposal.pk}/certificate/"


def honour_url(honour) -> str:
    return f"/api/v1/honours/{honour.pk}/certificate/"


# --- Who downloads which ------------------------------------------------------------------


class TestProposalCertificateAccess:
    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("author", 200),
            ("co_author", 200),
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
            # An awarded proposal is public: seen, but not theirs.
            ("official_b", 403),
            ("worker_b", 403),
            ("worker_a", 403),
            ("reviewer", 403),
        ],
    )
    def test_awarded_proposal(self, api, certified, role, status):
        api.force_authenticate(who(certified, role))
        response = api.get(proposal_url(certified.awarded))
        assert response.status_code == status, response.content[:200]
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
        else:
            assert response.json()["code"] == "permission_denied"

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("author", 409),
            ("co_author", 409),
            ("official_a", 409),
            ("admin", 409),
            ("reviewer", 403),  # reads it as its reviewer; not theirs
            ("official_b", 404),
            ("worker_b", 404),
        ],
    )
    def test_proposal_not_awarded(self, api, certified, role, status):
        api.force_authenticate(who(certified, role))
        response = api.get(proposal_url(certified.verified))
        assert response.status_code == status
        if status == 409:
            assert response.json()["code"] == "not_awarded"
        assert not Certificate.objects.filter(proposal=certified.verified).exists()

    def test_someone_elses_draft_is_404(self, api, certified):
        api.force_authenticate(certified.org.official_a)
        assert api.get(proposal_url(certified.draft)).status_code == 404

    def test_own_draft_is_409(self, api, certified):
        api.force_authenticate(certified.author)
        assert api.get(proposal_url(certified.draft)).status_code == 409

    def test_unknown_proposal_is_404(self, api, certified):
        api.force_authenticate(certified.org.admin)
        assert api.get("/api/v1/proposals/999999/certificate/").status_code == 404

    def test_anonymous_is_401(self, api, certified):
        assert api.get(proposal_url(certified.awarded)).status_code == 401


class TestHonourCertificateAccess:
    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("author", 200),  # the honoured person
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
            # A personal honour is public: seen, but not theirs.
            ("official_b", 403),
            ("worker_a", 403),
            ("co_author", 403),
            ("worker_b", 403),
        ],
    )
    def test_personal_honour(self, api, certified, role, status):
        api.force_authenticate(who(certified, role))
        assert api.get(honour_url(certified.personal)).status_code == status

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("lead_a", 200),
            ("member_a", 200),
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
            # A named studio is public: seen, but not theirs.
            ("worker_a", 403),
            ("official_b", 403),
            ("lead_b", 403),
        ],
    )
    def test_named_studio_honour(self, api, certified, role, status):
        api.force_authenticate(who(certified, role))
        assert api.get(honour_url(certified.dust)).status_code == status

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("washing_lead", 200),
            ("official_a", 200),
            # A studio under rectification is seen by insiders only.
            ("worker_b", 404),
            ("official_b", 404),
            ("lead_a", 404),
        ],
    )
    def test_studio_honour_outside_scope(self, api, certified, role, status):
        api.force_authenticate(who(certified, role))
        assert api.get(honour_url(certified.washing)).status_code == status

    def test_anonymous_is_401(self, api, certified):
        assert api.get(honour_url(certified.personal)).status_code == 401


# --- The PDF ----------------------------------------------------------------------------


class TestCertificatePdf:
    def test_states_the_award_in_chinese(self, api, certified):
        api.force_authenticate(certified.author)
        response = api.get(proposal_url(certified.awarded))
        text = pdf_text(response)
        certificate = Certificate.objects.get(proposal=certified.awarded)
        # 喆 lies outside GB 2312: the vendored subset carries it.
        for words in ("王喆、李卫东", "井下喷雾降尘装置节水改造", "鼓励奖", "2026年五小竞赛"):
            assert words in text
        assert "Unit G工会" in text
        assert grouped(certificate.code) in text
        assert f"http://testserver/verify/{certificate.code}/" in text
        assert certificate.recipient == "王喆、李卫东"

    def test_embeds_a_subset_of_the_shipped_font(self, api, certified):
        api.force_authenticate(certified.author)
        reader = PdfReader(io.BytesIO(api.get(honour_url(certified.personal)).content))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        embedded = []
        for font in fonts.values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor or "/FontFile3" in descriptor:
                    embedded.append(str(descriptor["/FontName"]))
        assert embedded
        assert all(re.fullmatch(r"/?[A-Z]{6}\+.+", name) for name in embedded), embedded
        assert "王喆" in pdf_text(SimpleNamespace(content=reader.stream.getvalue()))

    def test_file_name_is_chinese(self, api, certified):
        api.force_authenticate(certified.studios.lead_a)
        response = api.get(honour_url(certified.dust))
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename*=utf-8''")
        assert "%E8%AF%81%E4%B9%A6" in disposition  # 证书
        assert response["Cache-Control"] == "private, no-store"


# --- One certificate, one code ----------------------------------------------------------


class TestIssuedOnce:
    def test_later_downloads_reuse_the_certificate(self, api, certified):
        api.force_authenticate(certified.author)
        first = pdf_text(api.get(proposal_url(certified.awarded)))
        api.force_authenticate(certified.org.official_a)
        second = pdf_text(api.get(proposal_url(certified.awarded)))
        certificate = Certificate.objects.get(proposal=certified.awarded)
        assert Certificate.objects.count() == 1
        assert grouped(certificate.code) in first and grouped(certificate.code) in second

    def test_code_is_random_and_readable(self, api, certified):
        api.force_authenticate(certified.org.admin)
        for honour in (certified.personal, certified.dust, certified.washing):
            api.get(honour_url(honour))
        codes = list(Certificate.objects.values_list("code", flat=True))
        assert len(set(codes)) == 3
        for code in codes:
            assert len(code) == LENGTH >= 10
            assert set(code) <= set(ALPHABET)
            assert not set(code) & set("01OIL")

    def test_a_second_first_download_reads_the_one_that_won(self, certified):
        """Two first downloads at once: the one whose insert loses to the unique
        key returns the certificate the other issued."""
        winner = certificate_services.honour_certificate(
            honour_id=certified.personal.pk, by=certified.author
        )
        statement = certificate_services._honour_statement(certified.personal)
        loser = certificate_services._created(
            Certificate.Kind.PERSONAL_HONOUR, statement, honour=certified.personal
        )
        assert loser.pk == winner.pk
        assert Certificate.objects.count() == 1

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's real concurrency"
    )
    @pytest.mark.django_db(transaction=True)
    def test_first_downloads_at_once_issue_one_certificate(self, org, provincial_list):
        honour = studio_services.honour_create(
            by=org.group_official,
            recognition_list=provincial_list,
            person=org.worker_a,
            personal_title=Honour.PersonalTitle.CRAFTSMAN,
        )

        def download():
            return certificate_services.honour_certificate(honour_id=honour.pk, by=org.worker_a)

        results, errors = run_at_once([(download,)] * 4)
        assert not errors
        assert len({certificate.code for certificate in results}) == 1
        assert Certificate.objects.filter(honour=honour).count() == 1

    def test_honour_statements(self, certified):
        personal = certificate_services.honour_certificate(
            honour_id=certified.personal.pk, by=certified.org.admin
        )
        studio = certificate_services.honour_certificate(
            honour_id=certified.dust.pk, by=certified.org.admin
        )
        assert (personal.kind, personal.recipient, personal.distinction) == (
            Certificate.Kind.PERSONAL_HONOUR,
            "王喆",
            "劳动模范",
        )
        assert (personal.issuer, str(personal.awarded_on)) == ("省总工会", "2026-04-28")
        assert (studio.kind, studio.recipient) == (
            Certificate.Kind.STUDIO_HONOUR,
            "粉尘治理创新工作室",
        )
        assert studio.occasion == "2026年省级职工创新工作室"
        assert studio.distinction == "省级创新工作室"
        # Recorded without its day: the certificate states the list's year.
        assert (studio.awarded_on, studio.year, studio.dated) == (None, 2026, "2026年")


# --- /verify/ ---------------------------------------------------------------------------


PRIVATE = ("wangzhe", "liweidong", "Unit A101", "Unit A102", "Unit A1", "1380000")


class TestVerify:
    def test_shows_what_the_certificate_states_without_sign_in(self, client, certified):
        certificate = certificate_services.proposal_certificate(
            proposal_id=certified.awarded.pk, by=certified.author
        )
        response = client.get(f"/verify/{certificate.code}/")
        assert response.status_code == 200
        page = response.content.decode()
        for words in ("王喆、李卫东", "井下喷雾降尘装置节水改造", "鼓励奖", "Unit G工会"):
            assert words in page
        for private in (*PRIVATE, certified.author.phone, certified.co_author.phone):
            assert private not in page
        assert 'data-testid="verify-found"' in page

    def test_reads_a_code_as_typed_from_paper(self, client, certified):
        certificate = certificate_services.honour_certificate(
            honour_id=certified.personal.pk, by=certified.author
        )
        typed = grouped(certificate.code).lower()
        assert client.get(f"/verify/{typed}/").status_code == 200
        lookup = client.get("/verify/", {"code": f" {typed} "})
        assert lookup.status_code == 302
        assert lookup["Location"] == f"/verify/{certificate.code}/"

    def test_made_up_code_is_not_found(self, client, certified):
        response = client.get("/verify/ABCD-EFGH-JKMN/")
        assert response.status_code == 404
        page = response.content.decode()
        assert 'data-testid="verify-not-found"' in page
        assert "ABCD-EFGH-JKMN" in page
        assert "王喆" not in page

    def test_is_rate_limited_per_address(self, client, certified, settings):
        settings.CERTIFICATE_VERIFY_LIMIT = 3
        address = "203.0.113.77"
        cache.delete(f"certificate-verify:{address}")
        for _ in range(3):
            assert client.get("/verify/ABCDEFGHJKMN/", REMOTE_ADDR=address).status_code == 404
        refused = client.get("/verify/ABCDEFGHJKMN/", REMOTE_ADDR=address)
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(settings.CERTIFICATE_VERIFY_WINDOW_SECONDS)
        assert 'data-testid="verify-limited"' in refused.content.decode()
        # Another address is not held back.
        other = "203.0.113.78"
        cache.delete(f"certificate-verify:{other}")
        assert client.get("/verify/ABCDEFGHJKMN/", REMOTE_ADDR=other).status_code == 404
        cache.delete(f"certificate-verify:{address}")
        cache.delete(f"certificate-verify:{other}")


# --- One click away -----------------------------------------------------------------------


class TestLinks:
    def test_proposal_page_links_the_certificate_for_its_authors(self, as_person, certified):
        page = as_person(certified.author).get(f"/competitions/proposals/{certified.awarded.pk}/")
        assert 'data-testid="certificate-link"' in page.content.decode()

    def test_proposal_page_has_no_link_for_the_public(self, as_person, certified):
        page = as_person(certified.org.worker_b).get(
            f"/competitions/proposals/{certified.awarded.pk}/"
        )
        assert page.status_code == 200
        assert 'data-testid="certificate-link"' not in page.content.decode()

    def test_studio_page_links_its_honours_for_members(self, as_person, certified):
        studio_url = f"/studios/{certified.studios.dust.pk}/"
        member_page = as_person(certified.studios.member_a).get(studio_url).content.decode()
        assert 'data-testid="certificate-link"' in member_page
        outsider_page = as_person(certified.org.worker_b).get(studio_url).content.decode()
        assert 'data-testid="certificate-link"' not in outsider_page

    @pytest.mark.parametrize(
        "role",
        [
            "author",
            "co_author",
            "official_a",
            "group_official",
            "official_b",
            "admin",
            "worker_a",
            "worker_b",
            "lead_a",
            "member_a",
            "lead_b",
            "washing_lead",
        ],
    )
    def test_the_honours_api_links_exactly_the_certificates_the_reader_gets(
        self, api, certified, role
    ):
        """One rule: a row's `certificate_url` is there when, and only when,
        its download is the reader's."""
        reader = who(certified, role)
        api.force_authenticate(reader)
        rows = api.get("/api/v1/honours/", {"recognition_list": certified.provincial.pk})
        assert rows.json()["results"]
        for row in rows.json()["results"]:
            if row["certificate_url"] is not None:
                assert row["certificate_url"] == honour_url(SimpleNamespace(pk=row["id"]))
                certificate_services.honour_certificate(honour_id=row["id"], by=reader)
            else:
                with pytest.raises(PermissionDenied):
                    certificate_services.honour_certificate(honour_id=row["id"], by=reader)

    @pytest.mark.parametrize(
        ("role", "linked"),
        [
            ("author", {"personal"}),
            ("member_a", {"dust"}),
            ("washing_lead", {"washing"}),
            ("official_a", {"personal", "dust", "washing"}),
            ("worker_a", set()),
            ("official_b", set()),
        ],
    )
    def test_the_list_page_links_the_certificates_the_reader_gets(
        self, as_person, certified, role, linked
    ):
        page = (
            as_person(who(certified, role))
            .get(f"/studios/lists/{certified.provincial.pk}/")
            .content.decode()
        )
        assert {
            name
            for name in ("personal", "dust", "washing")
            if f'href="/documents/honours/{getattr(certified, name).pk}/certificate/"' in page
        } == linked
        assert page.count('data-testid="certificate-link"') == len(linked)

    @pytest.mark.parametrize(
        ("role", "linked"),
        [("author", True), ("official_a", True), ("group_official", True), ("worker_a", False)],
    )
    def test_the_profile_links_the_title_for_the_person_and_the_officials_over_them(
        self, as_person, certified, role, linked
    ):
        page = as_person(who(certified, role)).get(f"/showcase/people/{certified.author.pk}/")
        assert page.status_code == 200
        assert ('data-testid="certificate-link"' in page.content.decode()) is linked

    def test_page_downloads(self, as_person, certified):
        client = as_person(certified.studios.lead_a)
        studio_pdf = client.get(
            f"/documents/studios/{certified.studios.dust.pk}/honours/"
            f"{certified.provincial.pk}/certificate/"
        )
        assert studio_pdf["Content-Type"] == "application/pdf"
        client = as_person(certified.author)
        assert (
            client.get(f"/documents/honours/{certified.personal.pk}/certificate/").status_code
            == 200
        )
        not_awarded = client.get(f"/documents/proposals/{certified.verified.pk}/certificate/")
        assert not_awarded.status_code == 302
        assert not_awarded["Location"] == f"/competitions/proposals/{certified.verified.pk}/"
        refused = as_person(certified.org.worker_b).get(
            f"/documents/proposals/{certified.awarded.pk}/certificate/"
        )
        assert refused.status_code == 403


# --- A revoked honour ---------------------------------------------------------------------

DELISTED_ON = datetime.date(2026, 11, 3)
DELIST_REASON = "整改期满仍无成果"


def delist_dust(certified) -> None:
    """De-list the dust studio (摘牌): its honour on the provincial list is
    revoked; the studio goes back to established (insiders only)."""
    studio_services.studio_delist(
        studio_id=certified.studios.dust.pk,
        by=certified.org.official_a,
        reason=DELIST_REASON,
        on=DELISTED_ON,
    )


def shown(page: str, testid: str) -> str:
    """The words of the element marked `testid`, tags left out."""
    start = page.index(f'data-testid="{testid}"')
    block = page[page.index(">", start) + 1 : page.index("</div>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block)).strip()


class TestRevokedHonour:
    def test_its_certificate_still_verifies_and_says_the_title_was_revoked(self, client, certified):
        certificate = certificate_services.honour_certificate(
            honour_id=certified.dust.pk, by=certified.studios.lead_a
        )
        delist_dust(certified)
        response = client.get(f"/verify/{certificate.code}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="verify-found"' not in page
        warning = shown(page, "verify-revoked")
        assert grouped(certificate.code) in warning
        assert "2026年11月3日" in warning and "不再" in warning
        # What the paper states is still shown, to compare with it.
        assert "粉尘治理创新工作室" in shown(page, "verify-recipient")
        # The reason and who revoked it are the office's, not the public's.
        assert DELIST_REASON not in page
        assert certified.org.official_a.full_name not in page

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("lead_a", 409),
            ("member_a", 409),
            ("official_a", 409),
            ("admin", 409),
            # De-listed, the studio is established: insiders only.
            ("worker_a", 404),
            ("official_b", 404),
        ],
    )
    def test_no_certificate_is_issued_for_it(self, api, certified, role, status):
        delist_dust(certified)
        api.force_authenticate(who(certified, role))
        response = api.get(honour_url(certified.dust))
        assert response.status_code == status
        if status == 409:
            assert response.json()["code"] == "honour_revoked"
            assert "2026年11月3日" in response.json()["detail"]
        assert not Certificate.objects.filter(honour=certified.dust).exists()

    def test_one_issued_before_is_not_printed_again(self, api, certified):
        api.force_authenticate(certified.studios.lead_a)
        assert api.get(honour_url(certified.dust)).status_code == 200
        delist_dust(certified)
        response = api.get(honour_url(certified.dust))
        assert (response.status_code, response.json()["code"]) == (409, "honour_revoked")
        assert Certificate.objects.filter(honour=certified.dust).count() == 1

    def test_the_page_downloads_go_back_with_the_reason(self, as_person, certified):
        delist_dust(certified)
        client = as_person(certified.studios.lead_a)
        studio_url = f"/studios/{certified.studios.dust.pk}/"
        for download in (
            f"/documents/studios/{certified.studios.dust.pk}/honours/"
            f"{certified.provincial.pk}/certificate/",
            f"/documents/honours/{certified.dust.pk}/certificate/",
        ):
            response = client.get(download)
            assert (response.status_code, response["Location"]) == (302, studio_url)
        page = client.get(studio_url).content.decode()
        assert "2026年11月3日" in page and "不再" in page
        assert not Certificate.objects.filter(honour=certified.dust).exists()

    def test_a_revoked_personal_honour_goes_back_to_the_profile(self, as_person, certified):
        # No service revokes a person's title yet; the rule is the honour's.
        Honour.objects.filter(pk=certified.personal.pk).update(
            revoked_on=DELISTED_ON, revoked_reason="撤销称号"
        )
        response = as_person(certified.author).get(
            f"/documents/honours/{certified.personal.pk}/certificate/"
        )
        assert response.status_code == 302
        assert response["Location"] == f"/showcase/people/{certified.author.pk}/"

    def test_the_studio_page_offers_no_certificate_of_a_revoked_honour(self, as_person, certified):
        delist_dust(certified)
        page = as_person(certified.studios.member_a).get(f"/studios/{certified.studios.dust.pk}/")
        html = page.content.decode()
        assert 'data-testid="honour-revoked"' in html
        assert 'data-testid="certificate-link"' not in html

    @pytest.mark.parametrize("role", ["member_a", "official_a"])
    def test_the_list_page_and_the_api_offer_none_either(self, api, as_person, certified, role):
        delist_dust(certified)
        reader = who(certified, role)
        page = as_person(reader).get(f"/studios/lists/{certified.provincial.pk}/")
        html = page.content.decode()
        assert 'data-testid="honour-revoked"' in html
        assert f'href="/documents/honours/{certified.dust.pk}/certificate/"' not in html
        api.force_authenticate(reader)
        row = api.get(f"/api/v1/honours/{certified.dust.pk}/").json()
        assert (row["revoked_on"], row["certificate_url"]) == ("2026-11-03", None)

    def test_award_and_personal_certificates_are_unaffected(self, api, client, certified):
        """The dust studio's de-listing revokes its honour only: the award and
        王喆's title on the same list are still certified and verify as valid."""
        delist_dust(certified)
        for person, url in (
            (certified.author, proposal_url(certified.awarded)),
            (certified.author, honour_url(certified.personal)),
        ):
            api.force_authenticate(person)
            assert api.get(url).status_code == 200
        for certificate in Certificate.objects.all():
            page = client.get(f"/verify/{certificate.code}/").content.decode()
            assert 'data-testid="verify-found"' in page
            assert 'data-testid="verify-revoked"' not in page
