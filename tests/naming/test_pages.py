"""The naming pages under /studios/naming/: who opens what, each move from its
form, refusals shown on the page, and a fixed number of queries per list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from naming import services
from naming.models import Level, NamingApplication, NamingCall, Objection
from tests.lists import ListCase, each_list
from tests.naming.conftest import RUBRIC
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
