"""Achievement pages for every role: the library and its filters, the
detail page per reader, the forms (contributors formset, problems, patents,
verification, adoptions, files) and the conference page — the same rules as
the API, through forms."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from achievements import services
from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    Patent,
    TechnicalProblem,
)
from core.exceptions import Conflict
from core.models import Attachment
from tests.achievements.api import new_achievement, new_problem, official_over
from tests.factories import PersonFactory
from tests.outcomes import takes
from tests.page_html import page_form, picker_of, posted_as_shown

pytestmark = pytest.mark.django_db

LIBRARY = reverse("achievements:achievement-list")


# --- Helpers ------------------------------------------------------------------------


def verify(studios, achievement, benefit="80000"):
    return services.achievement_verify_benefit(
        achievement_id=achievement.pk,
        by=official_over(studios, achievement.studio),
        verified_benefit=Decimal(benefit),
        evidence="财务部确认函 2024-08",
    )


def detail(achievement):
    return reverse("achievements:achievement-detail", args=[achievement.pk])


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {achievement.title for achievement in response.context["achievements"]}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="检测报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def library(studios):
    """Dust achievements at each promotion level."""
    return SimpleNamespace(
        studio_level=new_achievement(studios, title="喷雾降尘装置", claimed_benefit=Decimal(1000)),
        unit_level=new_achievement(studios, title="除尘风机改造", promotion="unit"),
        group_level=new_achievement(studios, title="综采面粉尘治理工法", promotion="group"),
    )


# --- The library --------------------------------------------------------------------


class TestLibraryPage:
    @pytest.fixture
    def shelf(self, studios):
        dust_problem = new_problem(studios, status="solved", solved_on=datetime.date(2024, 6, 1))
        energy_problem = new_problem(
            studios,
            studio=studios.washing,
            title="浮选机电耗偏高",
            category=TechnicalProblem.Category.ENERGY_SAVING,
        )
        spray = new_achievement(
            studios,
            title="综采工作面喷雾降尘装置",
            origin_problem=dust_problem,
            claimed_benefit=Decimal("300000"),
        )
        verify(studios, spray, benefit="50000")
        new_achievement(
            studios,
            studio=studios.washing,
            title="浮选机变频节能改造",
            kind=Achievement.Kind.PROCESS_IMPROVEMENT,
            origin_problem=energy_problem,
            claimed_benefit=Decimal("200000"),
            completed_on=datetime.date(2023, 5, 1),
            promotion="group",
        )
        new_achievement(
            studios,
            studio=studios.turbine,
            title="Turbine blade repair method",
            kind=Achievement.Kind.CONSTRUCTION_METHOD,
            claimed_benefit=Decimal("90000"),
        )

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("official_a", {"喷雾降尘装置", "除尘风机改造", "综采面粉尘治理工法"}),
            ("worker_a", {"除尘风机改造", "综采面粉尘治理工法"}),
            ("worker_b", {"综采面粉尘治理工法"}),
        ],
    )
    def test_library_lists_what_promotion_and_scope_allow(
        self, as_person, studios, library, role, expected
    ):
        reader = {
            "official_a": studios.org.official_a,
            "worker_a": studios.org.worker_a,
            "worker_b": studios.org.worker_b,
        }[role]
        assert listed(as_person(reader).get(LIBRARY)) == expected

    def test_search_finds_a_chinese_title_by_a_two_character_fragment(
        self, as_person, studios, shelf
    ):
        client = as_person(studios.org.group_official)
        assert listed(client.get(LIBRARY, {"search": "喷雾"})) == {"综采工作面喷雾降尘装置"}
        assert listed(client.get(LIBRARY, {"search": "blade"})) == {"Turbine blade repair method"}

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"kind": "process_improvement"}, {"浮选机变频节能改造"}),
            ({"category": "dust_control"}, {"综采工作面喷雾降尘装置"}),
            ({"year": 2023}, {"浮选机变频节能改造"}),
            ({"promotion": "group"}, {"浮选机变频节能改造"}),
            # the verified 50 000 counts for the spray device, not its 300 000 claim
            ({"benefit_min": 100000}, {"浮选机变频节能改造"}),
            ({"benefit_max": 60000}, {"综采工作面喷雾降尘装置"}),
        ],
    )
    def test_filters(self, as_person, studios, shelf, params, expected):
        client = as_person(studios.org.group_official)
        assert listed(client.get(LIBRARY, params)) == expected

    def test_studio_and_org_unit_filters(self, as_person, studios, shelf):
        client = as_person(studios.org.group_official)
        assert listed(client.get(LIBRARY, {"studio": studios.turbine.pk})) == {
            "Turbine blade repair method"
        }
        assert listed(client.get(LIBRARY, {"org_unit": studios.org.mine_a1.pk})) == {
            "综采工作面喷雾降尘装置",
            "浮选机变频节能改造",
        }

    def test_htmx_request_gets_only_the_results(self, as_person, studios, shelf):
        client = as_person(studios.org.group_official)
        response = client.get(LIBRARY, {"search": "喷雾"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "综采工作面喷雾降尘装置" in html
        assert "浮选机变频节能改造" not in html

    def test_anonymous_is_sent_to_login(self, client, studios):
        response = client.get(LIBRARY)
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url


# --- Achievement detail, per reader ---------------------------------------------------


class TestAchievementDetail:
    def test_official_over_the_studio_gets_the_verify_form_and_edit_link(
        self, as_person, studios, library
    ):
        response = as_person(studios.org.official_a).get(detail(library.studio_level))
        assert "verify_form" in response.context
        assert response.context["access"].edits is True
        assert reverse("achievements:achievement-verify", args=[library.studio_level.pk]) in (
            response.content.decode()
        )

    def test_lead_edits_but_does_not_verify(self, as_person, studios, library):
        response = as_person(studios.lead_a).get(detail(library.studio_level))
        html = response.content.decode()
        assert "verify_form" not in response.context
        assert reverse("achievements:achievement-edit", args=[library.studio_level.pk]) in html
        assert reverse("achievements:achievement-verify", args=[library.studio_level.pk]) not in (
            html
        )

    def test_core_member_reads_without_edit_link(self, as_person, studios, library):
        response = as_person(studios.member_a).get(detail(library.studio_level))
        assert response.status_code == 200
        assert response.context["access"].edits is False
        assert "verify_form" not in response.context
        edit_url = reverse("achievements:achievement-edit", args=[library.studio_level.pk])
        assert edit_url not in response.content.decode()

    def test_public_reader_of_a_group_wide_entry_gets_no_forms(self, as_person, studios, library):
        response = as_person(studios.org.worker_b).get(detail(library.group_level))
        html = response.content.decode()
        assert response.status_code == 200
        assert "综采面粉尘治理工法" in html
        assert (response.context["access"].edits, response.context["attachment_form"]) == (
            False,
            None,
        )
        for form in ("verify_form", "adoption_form"):
            assert form not in response.context
        assert reverse("achievements:achievement-edit", args=[library.group_level.pk]) not in html

    def test_official_of_another_company_may_record_adoption_but_not_verify(
        self, as_person, studios, library
    ):
        response = as_person(studios.org.official_b).get(detail(library.group_level))
        assert "adoption_form" in response.context
        assert "verify_form" not in response.context
        assert response.context["access"].edits is False

    @pytest.mark.parametrize(
        ("role", "entry"),
        [("worker_b", "studio_level"), ("worker_b", "unit_level"), ("worker_a", "studio_level")],
    )
    def test_outsider_gets_404(self, as_person, studios, library, role, entry):
        reader = getattr(studios.org, role)
        assert as_person(reader).get(detail(getattr(library, entry))).status_code == 404

    def test_lineage_shows_problem_and_adoption(self, as_person, studios):
        problem = new_problem(studios, status="solved", solved_on=datetime.date(2024, 6, 1))
        entry = new_achievement(
            studios, title="综采面粉尘治理工法", promotion="group", origin_problem=problem
        )
        services.adoption_record(
            by=studios.org.official_b,
            achievement=entry,
            org_unit=studios.org.team_b101,
            adopted_on=datetime.date(2024, 9, 1),
        )
        html = as_person(studios.org.worker_b).get(detail(entry)).content.decode()
        assert "综采面粉尘浓度超标" in html
        assert studios.org.team_b101.name in html


# --- Creating an achievement with its contributors ---------------------------------------


def achievement_form(studios, rows, **overrides):
    data = {
        "studio": studios.dust.pk,
        "title": "转载点自动喷雾降尘",
        "kind": "equipment_modification",
        "completed_on": "2024-07-01",
        "summary": "光电感应自动喷雾",
        "claimed_benefit": "120000",
        "promotion": "studio",
        "contributors-TOTAL_FORMS": str(len(rows)),
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "1",
        "contributors-MAX_NUM_FORMS": "20",
        **overrides,
    }
    for index, (person, share) in enumerate(rows):
        data[f"contributors-{index}-person"] = person.pk
        data[f"contributors-{index}-share"] = share
    return data


class TestAchievementCreatePage:
    url = reverse("achievements:achievement-create")

    def test_page_from_the_studio_preselects_it_with_the_lead_at_100(self, as_person, studios):
        response = as_person(studios.lead_a).get(self.url, {"studio": studios.dust.pk})
        assert response.status_code == 200
        assert response.context["form"].fields["studio"].initial == studios.dust.pk
        assert response.context["contributors"].initial == [
            {"person": studios.lead_a.pk, "share": 100}
        ]

    def test_two_contributors_sixty_forty_are_saved_in_order(self, as_person, studios):
        # given the lead fills in member_a (60 %) then himself (40 %)
        rows = [(studios.member_a, "60"), (studios.lead_a, "40")]
        # when the form is posted
        response = as_person(studios.lead_a).post(self.url, achievement_form(studios, rows))
        # then the achievement is saved with both, in the order given
        achievement = Achievement.objects.get()
        assert response.status_code == 302
        assert response.url == detail(achievement)
        assert list(achievement.contributors.values_list("position", "person", "share")) == [
            (1, studios.member_a.pk, Decimal("60.00")),
            (2, studios.lead_a.pk, Decimal("40.00")),
        ]
        assert achievement.created_by == studios.lead_a

    def test_shares_adding_to_90_are_refused_with_the_error_shown(self, as_person, studios):
        rows = [(studios.member_a, "60"), (studios.lead_a, "30")]
        response = as_person(studios.lead_a).post(self.url, achievement_form(studios, rows))
        assert response.status_code == 400
        # the message (on the form or on the contributor rows) names the 90 % and is shown
        shown = [
            *response.context["form"].non_field_errors(),
            *response.context["contributors"].non_form_errors(),
        ]
        assert any("90" in message for message in shown)
        html = response.content.decode()
        assert all(escape(message) in html for message in shown)
        assert not Achievement.objects.exists()
        assert not Contributor.objects.exists()

    def test_contributor_outside_scope_is_refused_on_the_row(self, as_person, studios):
        rows = [(studios.lead_a, "50"), (studios.org.worker_b, "50")]
        response = as_person(studios.lead_a).post(self.url, achievement_form(studios, rows))
        assert response.status_code == 400
        assert "person" in response.context["contributors"].errors[1]
        assert not Achievement.objects.exists()

    def test_lead_is_not_offered_group_wide_promotion(self, as_person, studios):
        client = as_person(studios.lead_a)
        offered = client.get(self.url).context["form"].fields["promotion"].choices
        assert [value for value, _label in offered] == ["studio"]
        rows = [(studios.lead_a, "100")]
        response = client.post(self.url, achievement_form(studios, rows, promotion="group"))
        assert response.status_code == 400
        assert "promotion" in response.context["form"].errors
        assert not Achievement.objects.exists()

    @pytest.mark.parametrize("role", ["worker_a", "member_a"])
    def test_people_who_write_no_studio_cannot_open_it(self, as_person, studios, role):
        reader = studios.org.worker_a if role == "worker_a" else studios.member_a
        assert as_person(reader).get(self.url).status_code == 403


# --- Problems -----------------------------------------------------------------------


class TestProblemPages:
    def test_lead_logs_a_solved_problem_from_the_studio_page(self, as_person, studios):
        url = reverse("achievements:problem-create") + f"?studio={studios.dust.pk}"
        client = as_person(studios.lead_a)
        assert client.get(url).context["form"].fields["studio"].initial == studios.dust.pk
        response = client.post(
            url,
            {
                "studio": studios.dust.pk,
                "title": "综采面粉尘浓度超标",
                "category": "dust_control",
                "status": "solved",
                "started_on": "2024-01-10",
                "solved_on": "2024-06-30",
                "team": [studios.member_a.pk],
                "realised_benefit": "120000",
            },
        )
        problem = TechnicalProblem.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("achievements:problem-detail", args=[problem.pk])
        assert (problem.status, problem.solved_on) == ("solved", datetime.date(2024, 6, 30))
        assert list(problem.team.all()) == [studios.member_a]

    @pytest.mark.parametrize("page", ["problem-create", "achievement-create"])
    def test_a_lead_of_one_studio_finds_it_chosen(self, as_person, studios, page):
        form = as_person(studios.lead_a).get(reverse(f"achievements:{page}")).context["form"]
        assert form.fields["studio"].initial == studios.dust.pk
        # An official over several studios chooses one: none is chosen for them.
        form = (
            as_person(studios.org.official_a).get(reverse(f"achievements:{page}")).context["form"]
        )
        assert form.fields["studio"].initial is None

    def test_solved_without_a_date_shows_the_error(self, as_person, studios):
        response = as_person(studios.lead_a).post(
            reverse("achievements:problem-create"),
            {
                "studio": studios.dust.pk,
                "title": "x",
                "category": "dust_control",
                "status": "solved",
                "started_on": "2024-01-10",
            },
        )
        assert response.status_code == 400
        assert "solved_on" in response.context["form"].errors
        assert not TechnicalProblem.objects.exists()

    def test_outsider_sees_only_the_announcement(self, as_person, studios):
        problem = new_problem(studios, description="转载点喷雾压力不足", team=[studios.member_a])
        url = reverse("achievements:problem-detail", args=[problem.pk])
        response = as_person(studios.org.worker_b).get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "综采面粉尘浓度超标" in html
        assert studios.dust.name in html
        assert "转载点喷雾压力不足" not in html
        assert studios.member_a.full_name not in html
        assert response.context["access"].edits is False
        assert "status_form" not in response.context

    def test_insider_sees_the_description(self, as_person, studios):
        problem = new_problem(studios, description="转载点喷雾压力不足")
        url = reverse("achievements:problem-detail", args=[problem.pk])
        assert "转载点喷雾压力不足" in as_person(studios.member_a).get(url).content.decode()

    def test_outsider_may_not_edit_the_announced_problem_403(self, as_person, studios):
        problem = new_problem(studios)
        url = reverse("achievements:problem-edit", args=[problem.pk])
        assert as_person(studios.org.worker_b).get(url).status_code == 403

    def test_outsider_may_not_change_the_status_403(self, as_person, studios):
        problem = new_problem(studios)
        url = reverse("achievements:problem-change-status", args=[problem.pk])
        response = as_person(studios.org.worker_b).post(url, {"status": "in_progress"})
        assert response.status_code == 403
        problem.refresh_from_db()
        assert problem.status == "open"

    def test_illegal_status_change_is_refused_on_the_page(self, as_person, studios):
        problem = new_problem(studios)
        url = reverse("achievements:problem-change-status", args=[problem.pk])
        response = as_person(studios.lead_a).post(url, {"status": "solved"})
        assert response.status_code == 400
        assert "status" in response.context["status_form"].errors
        problem.refresh_from_db()
        assert problem.status == "open"


# --- Patents ------------------------------------------------------------------------


class TestPatentCreatePage:
    url = reverse("achievements:patent-create")

    def form(self, studios, **overrides):
        return {
            "studio": studios.dust.pk,
            "application_no": "ZL 2021 1 0123456.7",
            "title": "一种综采面喷雾降尘装置",
            "patent_type": "invention",
            "status": "filed",
            "filed_on": "2021-03-01",
            "holder": "A公司",
            "inventors": [studios.lead_a.pk, studios.member_a.pk],
            **overrides,
        }

    def test_lead_logs_a_patent(self, as_person, studios):
        response = as_person(studios.lead_a).post(self.url, self.form(studios))
        patent = Patent.objects.get()
        assert response.status_code == 302
        assert patent.application_no == "202110123456.7"

    @pytest.mark.parametrize("application_no", ["CN202110123456.8", "CN2021101234"])
    def test_bad_number_is_refused_on_application_no(self, as_person, studios, application_no):
        data = self.form(studios, application_no=application_no)
        response = as_person(studios.lead_a).post(self.url, data)
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "application_no" in errors
        assert escape(errors["application_no"][0]) in response.content.decode()
        assert not Patent.objects.exists()


# --- Whom a record credits: a problem's team, contributors, inventors -------------------

CREDITS = ["team", "contributors", "inventors"]
CREATE_PAGE = {
    "team": "achievements:problem-create",
    "contributors": "achievements:achievement-create",
    "inventors": "achievements:patent-create",
}
BOX = {"team": "team", "contributors": "contributors-0-person", "inventors": "inventors"}


def credit(by, studios, field, someone, record=None):
    """A dust-studio record crediting `someone` alone in `field`, logged by
    `by`, or `record` changed by `by` to credit them instead."""
    if field == "team":
        if record is not None:
            return services.problem_update(problem_id=record.pk, by=by, team=[someone])
        return services.problem_create(
            by=by,
            studio=studios.dust,
            title="综采面粉尘浓度超标",
            category=TechnicalProblem.Category.DUST_CONTROL,
            team=[someone],
        )
    if field == "contributors":
        rows = [(someone, Decimal(100))]
        if record is not None:
            return services.achievement_update(achievement_id=record.pk, by=by, contributors=rows)
        return services.achievement_create(
            by=by,
            studio=studios.dust,
            title="喷雾降尘装置",
            kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
            completed_on=datetime.date(2024, 7, 1),
            contributors=rows,
        )
    if record is not None:
        return services.patent_update(patent_id=record.pk, by=by, inventors=[someone])
    return services.patent_create(
        by=by,
        studio=studios.dust,
        application_no="ZL 2021 1 0123456.7",
        title="一种综采面喷雾降尘装置",
        patent_type=Patent.Type.INVENTION,
        filed_on=datetime.date(2021, 3, 1),
        holder="A公司",
        inventors=[someone],
    )


def credited(by, studios, field, someone, record=None) -> bool:
    """Whether the service takes `someone` in `field` from `by` (rolled back)."""
    return takes(lambda: credit(by, studios, field, someone, record), ValidationError, Conflict)


def found(client, address: str, text: str) -> list[str]:
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


@pytest.fixture
def gone(studios):
    """Someone of team A102 who worked with the studio and has left since
    (deactivated)."""
    someone = PersonFactory(employee_no="gone", org_unit=studios.org.team_a102)
    type(someone).objects.filter(pk=someone.pk).update(is_active=False)
    return someone


class TestCreditPickers:
    """Credit for past work stays with whoever did it, someone who has left
    since too: the pickers find them and the services take them."""

    @pytest.mark.parametrize("field", CREDITS)
    def test_the_box_searches_the_people_picker(self, as_person, studios, field):
        html = as_person(studios.lead_a).get(reverse(CREATE_PAGE[field])).content.decode()
        assert picker_of(html, BOX[field]) == reverse("picker-search", args=["people"])

    @pytest.mark.parametrize("move", ["create", "update"])
    @pytest.mark.parametrize("who", ["lead_a", "official_a"])
    @pytest.mark.parametrize("field", CREDITS)
    def test_everyone_offered_is_credited_and_everyone_else_refused(
        self, as_person, studios, gone, field, who, move
    ):
        """Each person of the group, looked up by employee number in the
        people picker, is offered if and only if the record then credits
        them: those the writer may see, whether still active or not."""
        by = getattr(studios, who, None) or getattr(studios.org, who)
        client = as_person(by)
        address = reverse("picker-search", args=["people"])
        record = credit(by, studios, field, studios.lead_a) if move == "update" else None
        verdicts = {
            someone.employee_no: (
                someone.employee_no in found(client, address, someone.employee_no),
                credited(by, studios, field, someone, record),
            )
            for someone in User.objects.order_by("employee_no")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["gone"] == verdicts["member_a"] == (True, True)
        assert verdicts["worker_b"] == (False, False)

    def test_an_inventor_who_left_typed_by_number_is_credited(self, as_person, studios, gone):
        """Without JavaScript the typed employee numbers reach the service,
        which takes the inventor who has left, in the order typed."""
        data = TestPatentCreatePage().form(studios, inventors_key="gone lead_a")
        del data["inventors"]
        response = as_person(studios.lead_a).post(reverse("achievements:patent-create"), data)
        assert response.status_code == 302
        patent = Patent.objects.get()
        assert list(patent.inventors.values_list("person__employee_no", flat=True)) == [
            "gone",
            "lead_a",
        ]


EDIT_PAGE = {
    "team": "achievements:problem-edit",
    "contributors": "achievements:achievement-edit",
    "inventors": "achievements:patent-edit",
}


@pytest.fixture
def far(studios):
    """Dust-studio records the group official credits to worker_b of company
    B, whom the studio's lead (company A) cannot see, beside the studio's own."""
    org = studios.org
    by = org.group_official
    return SimpleNamespace(
        team=services.problem_create(
            by=by,
            studio=studios.dust,
            title="综采面粉尘浓度超标",
            category=TechnicalProblem.Category.DUST_CONTROL,
            team=[studios.member_a, org.worker_b],
        ),
        contributors=services.achievement_create(
            by=by,
            studio=studios.dust,
            title="喷雾降尘装置",
            kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
            completed_on=datetime.date(2024, 7, 1),
            contributors=[
                (studios.lead_a, Decimal(50)),
                (org.worker_b, Decimal(30)),
                (studios.member_a, Decimal(20)),
            ],
        ),
        inventors=services.patent_create(
            by=by,
            studio=studios.dust,
            application_no="ZL 2021 1 0123456.7",
            title="一种综采面喷雾降尘装置",
            patent_type=Patent.Type.INVENTION,
            filed_on=datetime.date(2021, 3, 1),
            holder="A公司",
            inventors=[org.worker_b, studios.lead_a],
        ),
    )


def credits_of(record) -> list:
    """Whom `record` credits: a team as a set, contributors and inventors in
    order (contributors with their shares)."""
    if isinstance(record, TechnicalProblem):
        return sorted(record.team.values_list("pk", flat=True))
    if isinstance(record, Achievement):
        return list(record.contributors.values_list("position", "person", "share"))
    return list(record.inventors.values_list("position", "person"))


def people_in(record) -> set[int]:
    if isinstance(record, TechnicalProblem):
        return set(record.team.values_list("pk", flat=True))
    related = record.contributors if isinstance(record, Achievement) else record.inventors
    return set(related.values_list("person", flat=True))


class TestCreditKeptOnEdit:
    """Credit a group official gave someone of another company stays through
    the edits of the studio's lead, who cannot see them: the form shows them
    as the lead may read them on the record (their name, docs/access.md) and
    sends them back; only someone newly named must be someone the lead sees."""

    def page(self, client, field, record) -> tuple[str, str]:
        address = reverse(EDIT_PAGE[field], args=[record.pk])
        answer = client.get(address)
        assert answer.status_code == 200
        return address, page_form(answer.content.decode())

    @pytest.mark.parametrize("field", CREDITS)
    def test_the_form_names_them_without_their_number_and_the_picker_leaves_them_out(
        self, as_person, studios, far, field
    ):
        worker_b = studios.org.worker_b
        client = as_person(studios.lead_a)
        _address, html = self.page(client, field, getattr(far, field))
        chips = re.findall(
            r'<li class="picker-chip" data-key="([^"]*)" data-id="(\d+)">([^<]*)<', html
        )
        theirs = [(key, label) for key, pk, label in chips if pk == str(worker_b.pk)]
        assert theirs == [(f"#{worker_b.pk}", f"{worker_b.full_name}（原已列入）")]
        assert worker_b.employee_no not in html
        assert studios.org.team_b101.name not in html
        people = reverse("picker-search", args=["people"])
        assert found(client, people, worker_b.full_name) == []

    @pytest.mark.parametrize("field", CREDITS)
    def test_the_lead_saves_a_new_title_and_every_credit_stays(
        self, as_person, studios, far, field
    ):
        """The form posted as shown, its title changed, without JavaScript."""
        record = getattr(far, field)
        before = credits_of(record)
        client = as_person(studios.lead_a)
        address, html = self.page(client, field, record)
        data = posted_as_shown(html)
        data["title"] = ["改名"]
        answer = client.post(address, data)
        assert answer.status_code == 302, answer.content.decode()
        record.refresh_from_db()
        assert record.title == "改名"
        assert credits_of(record) == before
        assert studios.org.worker_b.pk in people_in(record)

    @pytest.mark.parametrize("field", ["team", "inventors"])
    def test_the_lead_may_take_them_off(self, as_person, studios, far, field):
        record = getattr(far, field)
        client = as_person(studios.lead_a)
        address, html = self.page(client, field, record)
        data = posted_as_shown(html)
        box = f"{field}_key"
        data[box] = [data[box][0].replace(f"#{studios.org.worker_b.pk}", "")]
        assert client.post(address, data).status_code == 302
        assert people_in(record) == {
            studios.lead_a.pk if field == "inventors" else studios.member_a.pk
        }

    @pytest.mark.parametrize("field", CREDITS)
    def test_someone_new_the_lead_cannot_see_is_still_refused(self, as_person, studios, far, field):
        """Typed by employee number beside those credited: not among the
        lead's choices, and nothing changes."""
        PersonFactory(employee_no="newcomer", org_unit=studios.org.team_b101)
        record = getattr(far, field)
        before = credits_of(record)
        client = as_person(studios.lead_a)
        address, html = self.page(client, field, record)
        data = posted_as_shown(html)
        data["title"] = ["改名"]
        if field == "contributors":
            rows = int(data["contributors-TOTAL_FORMS"][0])
            data["contributors-TOTAL_FORMS"] = [str(rows + 1)]
            data[f"contributors-{rows}-person_key"] = ["newcomer"]
            data[f"contributors-{rows}-share"] = ["10"]
        else:
            data[f"{field}_key"] = [f"{data[f'{field}_key'][0]} newcomer"]
        answer = client.post(address, data)
        assert answer.status_code == 400
        assert "“newcomer”不在可选范围内" in answer.content.decode()
        record.refresh_from_db()
        assert record.title != "改名"
        assert credits_of(record) == before


# --- Verify benefit -------------------------------------------------------------------


class TestVerifyBenefitPage:
    VERIFICATION = {"verified_benefit": "80000", "evidence": "财务部确认函 2024-08"}

    def url(self, achievement):
        return reverse("achievements:achievement-verify", args=[achievement.pk])

    def test_official_verifies_and_the_figure_is_locked(self, as_person, studios, library):
        # given the official verifies the studio-level achievement's benefit
        entry = library.studio_level
        response = as_person(studios.org.official_a).post(self.url(entry), self.VERIFICATION)
        assert response.status_code == 302
        assert response.url == detail(entry)
        entry.refresh_from_db()
        assert (entry.verified_benefit, entry.verified_by) == (
            Decimal("80000"),
            studios.org.official_a,
        )
        # when the lead opens the edit page and posts a new claim
        client = as_person(studios.lead_a)
        edit_url = reverse("achievements:achievement-edit", args=[entry.pk])
        assert client.get(edit_url).context["form"].fields["claimed_benefit"].disabled
        client.post(
            edit_url,
            achievement_form(
                studios,
                [(studios.lead_a, "100")],
                title="喷雾降尘装置",
                claimed_benefit="900000",
                **{"contributors-INITIAL_FORMS": "1"},
            ),
        )
        # then the figures are unchanged and the verify form is gone
        entry.refresh_from_db()
        assert (entry.claimed_benefit, entry.verified_benefit) == (
            Decimal("1000"),
            Decimal("80000"),
        )
        page = as_person(studios.org.official_a).get(detail(entry))
        assert "verify_form" not in page.context

    def test_lead_is_403(self, as_person, studios, library):
        entry = library.studio_level
        response = as_person(studios.lead_a).post(self.url(entry), self.VERIFICATION)
        assert response.status_code == 403
        entry.refresh_from_db()
        assert not entry.is_verified

    def test_missing_evidence_shows_the_error(self, as_person, studios, library):
        entry = library.studio_level
        response = as_person(studios.org.official_a).post(
            self.url(entry), {"verified_benefit": "80000", "evidence": ""}
        )
        assert response.status_code == 400
        assert "evidence" in response.context["verify_form"].errors
        entry.refresh_from_db()
        assert not entry.is_verified

    def test_outsider_is_404(self, as_person, studios, library):
        response = as_person(studios.org.official_b).post(
            self.url(library.studio_level), self.VERIFICATION
        )
        assert response.status_code == 404


# --- Adoptions ----------------------------------------------------------------------


class TestAdoptionPage:
    def url(self, achievement):
        return reverse("achievements:adoption-add", args=[achievement.pk])

    def form(self, unit):
        return {"org_unit": unit.pk, "adopted_on": "2024-09-01", "annual_benefit": "30000"}

    def test_official_of_another_company_records_an_adoption(self, as_person, studios, library):
        response = as_person(studios.org.official_b).post(
            self.url(library.group_level), self.form(studios.org.team_b101)
        )
        assert response.status_code == 302
        adoption = Adoption.objects.get()
        assert (adoption.achievement, adoption.org_unit, adoption.recorded_by) == (
            library.group_level,
            studios.org.team_b101,
            studios.org.official_b,
        )

    def test_second_adoption_by_the_same_unit_shows_the_conflict(self, as_person, studios, library):
        client = as_person(studios.org.official_b)
        client.post(self.url(library.group_level), self.form(studios.org.team_b101))
        response = client.post(self.url(library.group_level), self.form(studios.org.team_b101))
        assert response.status_code == 400
        assert response.context["adoption_form"].non_field_errors()
        assert Adoption.objects.count() == 1

    @pytest.mark.parametrize("role", ["worker_b", "lead_b"])
    def test_non_officials_are_403(self, as_person, studios, library, role):
        reader = studios.org.worker_b if role == "worker_b" else studios.lead_b
        response = as_person(reader).post(
            self.url(library.group_level), self.form(studios.org.team_b101)
        )
        assert response.status_code == 403
        assert not Adoption.objects.exists()


# --- Files --------------------------------------------------------------------------


class TestAttachmentPages:
    def test_lead_uploads_a_file_and_it_is_listed(self, as_person, studios, library, media):
        entry = library.studio_level
        client = as_person(studios.lead_a)
        response = client.post(
            reverse("achievements:achievement-attach", args=[entry.pk]), {"file": pdf_upload()}
        )
        assert response.status_code == 302
        assert response.url == detail(entry)
        page = client.get(detail(entry))
        assert [a.original_name for a in page.context["attachments"]] == ["检测报告.pdf"]
        attachment = Attachment.objects.get()
        assert reverse("attachment-download", args=[attachment.pk]) in page.content.decode()

    def test_insider_downloads_and_outsider_gets_404(self, as_person, studios, library, media):
        attachment = services.attachment_add(
            record=library.studio_level, by=studios.lead_a, upload=pdf_upload()
        )
        url = reverse("attachment-download", args=[attachment.pk])
        download = as_person(studios.member_a).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert as_person(studios.org.worker_b).get(url).status_code == 404

    def test_disguised_upload_is_refused_and_nothing_saved(
        self, as_person, studios, library, media
    ):
        disguised = SimpleUploadedFile("检测报告.pdf", b"MZ\x90\x00" + b"\x00" * 300)
        client = as_person(studios.lead_a)
        url = reverse("achievements:achievement-attach", args=[library.studio_level.pk])
        response = client.post(url, {"file": disguised}, follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert not Attachment.objects.exists()

    def test_core_member_without_the_right_cannot_upload_403(
        self, as_person, studios, library, media
    ):
        url = reverse("achievements:achievement-attach", args=[library.studio_level.pk])
        response = as_person(studios.member_a).post(url, {"file": pdf_upload()})
        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_files_of_an_announced_problem_stay_with_insiders(self, as_person, studios, media):
        problem = new_problem(studios)
        attachment = services.attachment_add(record=problem, by=studios.lead_a, upload=pdf_upload())
        client = as_person(studios.org.worker_b)
        page = client.get(reverse("achievements:problem-detail", args=[problem.pk]))
        assert "检测报告.pdf" not in page.content.decode()
        assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404

    def test_files_of_a_public_patent_stay_with_insiders(self, as_person, studios, media):
        patent = services.patent_create(
            by=studios.lead_a,
            studio=studios.dust,
            application_no="202110123456.7",
            title="一种综采面喷雾降尘装置",
            patent_type="invention",
            filed_on=datetime.date(2021, 3, 1),
            holder="A公司",
            inventors=[studios.lead_a],
        )
        Patent.objects.filter(pk=patent.pk).update(status=Patent.Status.PUBLISHED)
        services.attachment_add(record=patent, by=studios.lead_a, upload=pdf_upload())
        url = reverse("achievements:patent-detail", args=[patent.pk])
        page = as_person(studios.org.worker_b).get(url)
        assert page.status_code == 200
        assert "检测报告.pdf" not in page.content.decode()
        insider_page = as_person(studios.member_a).get(url)
        assert "检测报告.pdf" in insider_page.content.decode()


# --- Conferences --------------------------------------------------------------------


class TestConferencePage:
    @pytest.fixture
    def conference(self, studios, library):
        conference = services.conference_create(
            by=studios.org.official_a,
            name="2024 A公司成果推广会",
            held_on=datetime.date(2024, 11, 20),
            organiser=studios.org.company_a,
        )
        return services.conference_show_achievements(
            conference_id=conference.pk,
            by=studios.org.official_a,
            achievements=[library.group_level, library.unit_level],
        )

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("official_a", {"综采面粉尘治理工法", "除尘风机改造"}),
            ("worker_a", {"综采面粉尘治理工法", "除尘风机改造"}),
            ("worker_b", {"综采面粉尘治理工法"}),
        ],
    )
    def test_lists_the_displayed_achievements_the_reader_may_see(
        self, as_person, studios, conference, role, expected
    ):
        reader = getattr(studios.org, role)
        url = reverse("achievements:conference-detail", args=[conference.pk])
        response = as_person(reader).get(url)
        assert response.context["conference"] == conference
        assert listed(response) == expected
        assert "2024 A公司成果推广会" in response.content.decode()

    def test_conference_list_is_public(self, as_person, studios, conference):
        response = as_person(studios.org.worker_b).get(reverse("achievements:conference-list"))
        assert [c.name for c in response.context["conferences"]] == ["2024 A公司成果推广会"]
        assert response.context["can_create"] is False

    def test_unknown_conference_is_404(self, as_person, studios):
        url = reverse("achievements:conference-detail", args=[999999])
        assert as_person(studios.org.group_official).get(url).status_code == 404
