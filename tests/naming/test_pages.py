"""The naming pages under /studios/naming/: who opens what, each move from its
form, refusals shown on the page, the expert picker (offering exactly whom the
assignment accepts) and a fixed number of queries per list."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from core.exceptions import Conflict
from naming import services
from naming.models import Level, NamingApplication, NamingCall, Objection
from studios import services as studio_services
from studios.models import Studio
from studios.selectors import studios_visible_to
from studios.services import membership_add
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.naming.conftest import RUBRIC
from tests.outcomes import takes
from tests.page_html import error_beside, page_form, picker_of
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status


def page(application, move=None):
    if move:
        return reverse("naming:application-move", args=[application.pk, move])
    return reverse("naming:application-detail", args=[application.pk])


def test_an_official_opens_a_call_from_its_form(as_person, naming_calls):
    client = as_person(naming_calls.studios.org.official_a)
    form = {
        "title": "A 公司命名",
        "level": Level.ENTERPRISE,
        "year": 2026,
        "org_unit_key": naming_calls.studios.org.company_a.code,
        "deadline": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
        "quota": 3,
        "notice_days": 5,
        "output_years": 2,
        "rubric": "运行管理 40\n创新成果 60",
    }
    answer = client.post(reverse("naming:call-create"), form)
    call = NamingCall.objects.get(title="A 公司命名")
    assert answer.status_code == 302 and answer.url == reverse("naming:call-detail", args=[call.pk])
    assert call.rubric == RUBRIC
    bad = client.post(reverse("naming:call-create"), {**form, "rubric": "运行管理"})
    assert bad.status_code == 400 and "运行管理" in bad.content.decode()


def found(client, address: str, text: str) -> list[str]:
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def call_opened(official, unit) -> bool:
    """Whether `naming_call_create` takes `unit` from `official` (rolled back)."""

    def call():
        services.naming_call_create(
            by=official,
            title="命名",
            level=Level.ENTERPRISE,
            year=2026,
            org_unit=unit,
            deadline=timezone.localdate() + datetime.timedelta(days=9),
            quota=1,
            rubric=RUBRIC,
        )

    return takes(call)


@pytest.mark.parametrize("official", ["official_a", "group_official"])
def test_every_calling_unit_offered_is_taken_and_every_other_refused(as_person, org, official):
    """Each unit the official may see, looked up by code in the call form's
    unit picker, is offered if and only if the call then takes it: the open
    units they manage (team A102 has closed)."""
    official = getattr(org, official)
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    client = as_person(official)
    address = picker_of(client.get(reverse("naming:call-create")).content.decode(), "org_unit")
    assert address == reverse("picker-search", args=["managed-org-units"])
    verdicts = {
        unit.code: (
            unit.code in found(client, address, unit.code),
            call_opened(official, unit),
        )
        for unit in org_units_visible_to(official)
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A101"] == (True, True)
    assert verdicts["A102"] == (False, False)


def test_a_typed_closed_unit_is_refused_beside_the_box_with_the_reason(as_person, org):
    """Without JavaScript a typed unit the official manages reaches the
    service, which says it is closed; nothing is opened."""
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    form = {
        "title": "A102 命名",
        "level": Level.ENTERPRISE,
        "year": 2026,
        "org_unit_key": "A102",
        "deadline": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
        "quota": 1,
        "notice_days": 5,
        "output_years": 2,
        "rubric": "运行管理 40\n创新成果 60",
    }
    answer = as_person(org.official_a).post(reverse("naming:call-create"), form)
    assert answer.status_code == 400
    error_beside(page_form(answer.content.decode()), "org_unit", "该单位已撤销。")
    assert not NamingCall.objects.filter(title="A102 命名").exists()


def applied(official, call, studio) -> bool:
    """Whether `naming_application_create` takes `studio` from `official`
    (rolled back)."""
    return takes(
        lambda: services.naming_application_create(by=official, call=call, studio=studio),
        ValidationError,
        Conflict,
    )


@pytest.mark.parametrize("official", ["official_a", "group_official"])
def test_the_call_pages_studio_picker_offers_exactly_the_studios_that_may_apply(
    as_person, naming_calls, official, monkeypatch
):
    """An official over more studios than a list shows picks the applying one
    by typing: each studio they may see, looked up by code in the call's studio
    picker, is offered if and only if the application then takes it
    (established or named studios of their units in the calling unit, not
    applying yet: the dust studio has applied, A1-PREP is still preparing)."""
    from naming import forms

    monkeypatch.setattr(forms, "TICKABLE_CHOICES", 0)
    studios, call = naming_calls.studios, naming_calls.enterprise
    services.naming_application_create(by=studios.lead_a, call=call, studio=studios.dust)
    studio_services.studio_create(
        by=studios.org.group_official,
        name="筹建中工作室",
        code="A1-PREP",
        kind=Studio.Kind.MODEL_WORKER,
        leader=studios.org.worker_a,
        org_unit=studios.org.mine_a1,
        speciality="通风",
        founded_on=datetime.date(2020, 1, 1),
    )
    official = getattr(studios.org, official)
    client = as_person(official)
    html = client.get(reverse("naming:call-detail", args=[call.pk])).content.decode()
    address = picker_of(html, "studio")
    assert address == reverse("picker-search", args=["call-studios", call.pk])
    verdicts = {
        studio.code: (
            studio.code in found(client, address, studio.code),
            applied(official, call, studio),
        )
        for studio in studios_visible_to(official)
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A1-WASH"] == (True, True)
    assert verdicts["A1-DUST"] == verdicts["A1-PREP"] == (False, False)


def test_a_calls_studio_picker_is_a_404_to_those_who_do_not_see_the_call(as_person, org):
    call = services.naming_call_create(
        by=org.official_a,
        title="A 公司命名",
        level=Level.ENTERPRISE,
        year=2026,
        org_unit=org.company_a,
        deadline=timezone.localdate() + datetime.timedelta(days=9),
        quota=1,
        rubric=RUBRIC,
    )
    address = reverse("picker-search", args=["call-studios", call.pk])
    assert as_person(org.official_b).get(address, {"q": "A1"}).status_code == 404


def test_a_worker_may_not_open_a_call(as_person, org):
    assert as_person(org.worker_a).get(reverse("naming:call-create")).status_code == 403


def test_a_lead_starts_an_application_from_the_call_page(as_person, naming_calls):
    studios = naming_calls.studios
    client = as_person(studios.lead_a)
    call_page = client.get(reverse("naming:call-detail", args=[naming_calls.enterprise.pk]))
    assert 'data-testid="apply-form"' in call_page.content.decode()
    answer = client.post(
        reverse("naming:call-apply", args=[naming_calls.enterprise.pk]),
        {"studio": studios.dust.pk, "statement": "攻坚克难"},
    )
    application = NamingApplication.objects.get()
    assert answer.status_code == 302 and answer.url == page(application)
    detail = client.get(page(application)).content.decode()
    assert 'data-testid="check-years_founded"' in detail and 'data-testid="submit-form"' in detail
    # and the lead is not offered the override
    assert "eligibility_override" not in detail


def test_a_page_move_is_made_and_a_refused_one_explained(as_person, staged):
    office = as_person(staged.naming_calls.studios.org.group_official)
    submitted = staged.at[Status.SUBMITTED]
    answer = office.post(page(submitted, "recommend"), {"note": "同意"})
    assert answer.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOMMENDED
    # the page held open in another tab: the move is refused and said so
    again = office.post(page(submitted, "recommend"), {"note": "同意"})
    assert again.status_code == 400
    assert "alert-danger" in again.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The application has been recommended."), ("zh-hans", "申报已推荐。")],
)
def test_a_moves_message_is_in_the_readers_language(as_person, staged, language, message):
    """Said in the language of whoever made the move, not the one the server
    started in."""
    office = as_person(staged.naming_calls.studios.org.group_official)
    answer = office.post(
        page(staged.at[Status.SUBMITTED], "recommend"),
        {"note": "同意"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert [str(shown) for shown in answer.context["messages"]] == [message]


def test_a_visit_without_findings_is_refused_on_its_field(as_person, staged):
    under_review = staged.at[Status.UNDER_REVIEW]
    office = as_person(staged.naming_calls.studios.org.group_official)
    answer = office.post(
        page(under_review, "visit"),
        {"visited_on": timezone.localdate().isoformat(), "visitors": "专家组", "findings": ""},
    )
    assert answer.status_code == 400
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW


def test_an_expert_scores_from_the_rubric_form(as_person, staged):
    application = staged.at[Status.UNDER_REVIEW]
    client = as_person(staged.naming_calls.expert)
    assert 'data-testid="score-link"' in client.get(page(application)).content.decode()
    form_url = reverse("naming:review-form", args=[application.pk])
    assert client.post(form_url, {"score_0": "41", "score_1": "50"}).status_code == 400
    assert client.post(form_url, {"score_0": "35.5", "score_1": "50"}).status_code == 302
    assert str(application.reviews.get().total) == "85.5"


def test_the_rubric_inputs_step_by_the_points_the_service_takes(as_person, staged):
    # A browser refuses a number off its input's step grid; the grid must be
    # exactly the one decimal naming_review_submit takes.
    application = staged.at[Status.UNDER_REVIEW]
    client = as_person(staged.naming_calls.expert)
    form_url = reverse("naming:review-form", args=[application.pk])
    html = client.get(form_url).content.decode()
    inputs = re.findall(r'<input[^>]*name="score_\d+"[^>]*>', html)
    steps = {Decimal(re.search(r'step="([^"]+)"', field)[1]) for field in inputs}
    assert len(inputs) == 2 and len(steps) == 1
    step = steps.pop()
    on_grid, off_grid = Decimal("27.3"), Decimal("27.35")
    assert on_grid % step == 0 and off_grid % step != 0
    with pytest.raises(ValidationError):
        services.naming_review_submit(
            application_id=application.pk, by=staged.naming_calls.expert, scores=[off_grid, 50]
        )
    assert client.post(form_url, {"score_0": str(on_grid), "score_1": "50"}).status_code == 302
    assert application.reviews.get().total == Decimal("77.3")


def test_anyone_objects_from_the_notice_and_the_office_decides(as_person, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    org = staged.naming_calls.studios.org
    worker = as_person(org.worker_b)
    home = worker.get(reverse("naming:call-list")).content.decode()
    assert page(application) in home
    detail = worker.get(page(application)).content.decode()
    assert 'data-testid="object-form"' in detail and 'data-testid="eligibility"' not in detail
    assert worker.post(page(application, "object"), {"reason": "数据不实"}).status_code == 302
    objection = Objection.objects.get()
    office = as_person(org.group_official)
    assert 'data-testid="objection-decide-form"' in office.get(page(application)).content.decode()
    decided = office.post(
        reverse("naming:objection-decide", args=[objection.pk]),
        {"upheld": "yes", "reason": "核查属实"},
    )
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


@pytest.mark.parametrize("status", [Status.DRAFT, Status.UNDER_REVIEW])
def test_an_outsider_gets_not_found_before_the_notice(as_person, staged, status):
    application = staged.at[status]
    client = as_person(staged.naming_calls.studios.org.worker_b)
    assert client.get(page(application)).status_code == 404
    assert client.post(page(application, "object"), {"reason": "x"}).status_code == 404


def test_an_unknown_move_is_refused(as_person, staged):
    client = as_person(staged.naming_calls.studios.org.group_official)
    assert client.post(page(staged.at[Status.DRAFT], "delete")).status_code == 403


# --- The expert picker ------------------------------------------------------------


def experts_picker(application) -> str:
    return reverse("picker-search", args=["application-experts", application.pk])


def offered(client, application, text: str) -> list[str]:
    answer = client.get(experts_picker(application), {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def accepted(**kwargs) -> bool:
    """Whether `naming_experts_assign` takes `kwargs` (its work rolled back)."""
    return takes(lambda: services.naming_experts_assign(**kwargs))


def deactivate(person) -> None:
    type(person).objects.filter(pk=person.pk).update(is_active=False)


def join_the_dust_studio(someone, org) -> None:
    dust = Studio.objects.get(code="A1-DUST")
    membership_add(studio_id=dust.pk, by=org.group_official, person=someone)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("expert", ["expert"]),
        ("worker", ["worker_b"]),  # worker_a works in the dust studio's own team
        ("lead", ["lead_b"]),  # lead_a leads the dust studio
        ("member_a", []),  # a member of it
        ("colleague_a", []),  # a member too, from another team (see below)
        ("gone", []),  # no longer active
    ],
)
def test_the_office_is_offered_only_whom_it_may_ask_to_score(as_person, staged, text, keys):
    application = staged.at[Status.RECOMMENDED]
    org = staged.naming_calls.studios.org
    join_the_dust_studio(org.colleague_a, org)
    deactivate(PersonFactory(employee_no="gone", org_unit=org.plant_b1))
    assert offered(as_person(org.group_official), application, text) == keys


@pytest.mark.parametrize("official", ["group_official", "admin"])
def test_everyone_offered_is_accepted_and_everyone_else_refused(as_person, staged, official):
    """Each person the office may see, looked up in the picker by employee
    number, is offered if and only if the assignment then accepts them."""
    application = staged.at[Status.RECOMMENDED]
    org = staged.naming_calls.studios.org
    official = getattr(org, official)
    join_the_dust_studio(org.colleague_a, org)
    deactivate(PersonFactory(employee_no="gone", org_unit=org.plant_b1))
    client = as_person(official)
    everyone = list(people_visible_to(official).order_by("employee_no"))
    assert len(everyone) >= 10
    verdicts = {
        person.employee_no: (
            person.employee_no in offered(client, application, person.employee_no),
            accepted(application_id=application.pk, by=official, experts=[person]),
        )
        for person in everyone
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert {shown for shown, _taken in verdicts.values()} == {True, False}


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("group_official", 200),  # the office over the call
        ("admin", 200),
        ("lead_a", 403),  # the studio's lead sees it, does not run it
        ("official_a", 403),  # over the studio, not over the call
        ("expert", 403),  # its expert sees it, does not run it
        ("worker_b", 404),  # an outsider before the notice
    ],
)
def test_only_the_office_over_the_call_uses_the_picker(as_person, staged, who, code):
    application = staged.at[Status.UNDER_REVIEW]
    client = as_person(person(staged.naming_calls, who))
    answer = client.get(experts_picker(application), {"q": "expert"})
    assert answer.status_code == code
    assert (b'"expert"' in answer.content) == (code == 200)


def test_the_page_points_the_experts_box_at_the_applications_picker(as_person, staged):
    application = staged.at[Status.RECOMMENDED]
    client = as_person(staged.naming_calls.studios.org.group_official)
    html = client.get(page(application)).content.decode()
    box = html[html.index(f'data-picker="{experts_picker(application)}"') :]
    assert 'name="experts_key"' in box[: box.index("</div>")]


def test_a_typed_expert_who_may_not_score_is_refused_beside_the_box(as_person, staged):
    """Without JavaScript an employee number typed in the box still reaches the
    assignment, which names why that person may not score it; nothing changes."""
    application = staged.at[Status.RECOMMENDED]
    org = staged.naming_calls.studios.org
    deactivate(staged.naming_calls.expert)
    client = as_person(org.group_official)
    answer = client.post(page(application, "experts"), {"experts_key": "expert member_a"})
    assert answer.status_code == 400
    html = answer.content.decode()
    expert, member = staged.naming_calls.expert, staged.naming_calls.studios.member_a
    assert f"{expert.full_name} 已停用" in html
    assert f"{member.full_name} 需回避：" in html
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED and not application.assignments.exists()


# --- Query counts -----------------------------------------------------------------


@shared_data(needs=("naming_calls",))
def many_applications(built):
    """25 more enterprise calls, each with the dust studio's submitted application."""
    world = built.get("naming_calls")
    studios = world.studios
    for index in range(25):
        call = services.naming_call_create(
            by=studios.org.group_official,
            title=f"命名{index}",
            level=Level.ENTERPRISE,
            year=2026,
            org_unit=studios.org.group,
            deadline=world.enterprise.deadline,
            quota=1,
            rubric=RUBRIC,
        )
        application = services.naming_application_create(
            by=studios.lead_a, call=call, studio=studios.dust
        )
        services.naming_application_submit(application_id=application.pk, by=studios.lead_a)
    return world


LISTS = [
    ListCase("/api/v1/naming-calls/", 5, viewer="group_official"),
    ListCase("/api/v1/naming-applications/", 5, viewer="group_official"),
    ListCase("/api/v1/naming-applications/", 5, viewer="lead_a"),
    ListCase("naming:call-list", 8, viewer="group_official"),
    ListCase("naming:application-list", 8, viewer="lead_a"),
]


@each_list(LISTS)
def test_every_naming_list_takes_the_same_queries_at_any_page_size(
    lists, many_applications, case, page_size
):
    lists.read(case, many_applications, page_size)


def test_an_application_page_takes_the_same_queries_however_many_objections(client, staged):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    application = staged.at[Status.PUBLIC_NOTICE]
    org = staged.naming_calls.studios.org
    office = type(org.group_official).objects.get(pk=org.group_official.pk)
    client.force_login(office)

    def queries_with(objections: int) -> int:
        while Objection.objects.filter(application=application).count() < objections:
            services.objection_lodge(
                by=PersonFactory(org_unit=org.team_b101), application=application, reason="异议"
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(application)).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(5)


def test_an_official_over_many_studios_picks_the_one_applying(
    as_person, many_applications, monkeypatch
):
    from naming import forms

    world = many_applications
    call = world.enterprise
    client = as_person(world.studios.org.group_official)
    url = reverse("naming:call-detail", args=[call.pk])
    assert 'select name="studio"' in client.get(url).content.decode()
    # more studios than boxes to tick: a picker instead of a drop-down
    monkeypatch.setattr(forms, "TICKABLE_CHOICES", 1)
    assert 'name="studio_key"' in client.get(url).content.decode()
    answer = client.post(
        reverse("naming:call-apply", args=[call.pk]), {"studio_key": world.studios.washing.code}
    )
    assert answer.status_code == 302
    assert NamingApplication.objects.filter(call=call, studio=world.studios.washing).exists()
