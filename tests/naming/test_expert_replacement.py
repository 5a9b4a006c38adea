"""Taking an expert who has not scored off a naming application: the office
replaces them with another person (recused as on assignment) or withdraws
them while another expert remains, always for a reason (docs/naming.md).
The assignment is kept, ended; the one taken off no longer sees or scores the
application, the one put in their place does. For every role, on the API and
the page; the replacement picker offers exactly whom the service takes."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.selectors import people_visible_to
from naming import services
from naming.models import ExpertAssignment, NamingApplication
from tests.api_answers import field_errors, refused, url
from tests.factories import PersonFactory
from tests.outcomes import takes
from tests.page_html import error_beside, form_of, picker_of
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"
REVIEWS = "/api/v1/naming-reviews/"
REASON = "专家因病住院，无法按期评审。"


def two_experts(staged) -> NamingApplication:
    """The staged application under review, with `colleague_a` (team A102: the
    dust studio's company, outside its team) asked beside the staged expert
    (plant B1); neither has scored."""
    application = staged.at[Status.UNDER_REVIEW]
    org = staged.naming_calls.studios.org
    services.naming_experts_assign(
        application_id=application.pk, by=org.group_official, experts=[org.colleague_a]
    )
    return application


def current_experts(application) -> set[str]:
    return set(
        application.assignments.filter(ended_at__isnull=True).values_list(
            "expert__employee_no", flat=True
        )
    )


def body(staged, role: str, move: str) -> dict:
    """The move's body as `role` could write it: people they may see, so that
    a refusal is about the move, not about the person named. The expert names
    themselves (plant B1 sees company B); everyone else names `colleague_a`
    and, as the replacement, `official_a` (company A, outside the studio's team)."""
    org = staged.naming_calls.studios.org
    if role == "expert":
        expert, replacement = staged.naming_calls.expert, org.worker_b
    else:
        expert, replacement = org.colleague_a, org.official_a
    data = {"expert": expert.pk, "reason": REASON}
    if move == "replace-expert":
        data["replacement"] = replacement.pk
    return data


# --- The API, for each role ---------------------------------------------------------


@pytest.mark.parametrize("move", ["replace-expert", "withdraw-expert"])
@pytest.mark.parametrize("role", ["group_official", "admin"])
def test_the_office_over_the_call_takes_an_expert_off_for_a_reason(api, staged, move, role):
    application = two_experts(staged)
    actor = person(staged.naming_calls, role)
    api.force_authenticate(actor)
    answer = api.post(url(BASE, application, move), body(staged, role, move), format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == Status.UNDER_REVIEW
    ended = application.assignments.get(expert__employee_no="colleague_a")
    assert (ended.ended_by, ended.end_reason) == (actor, REASON) and ended.ended_at
    event = application.events.last()
    assert event.actor == actor and (event.from_state, event.to_state) == (Status.UNDER_REVIEW,) * 2
    colleague = staged.naming_calls.studios.org.colleague_a.full_name
    assert colleague in event.note and REASON in event.note
    if move == "replace-expert":
        assert current_experts(application) == {"expert", "official_a"}
        assert ended.successor.employee_no == "official_a"
        assert staged.naming_calls.studios.org.official_a.full_name in event.note
    else:
        assert current_experts(application) == {"expert"}
        assert ended.successor is None


@pytest.mark.parametrize("move", ["replace-expert", "withdraw-expert"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("official_a", 403),  # over the studio, not over the call
        ("lead_a", 403),  # the studio's lead sees it, never runs it
        ("member_a", 403),
        ("expert", 403),  # the expert themselves
        ("official_b", 404),  # an office outside its scope
        ("worker_a", 404),  # a worker of the studio's team, not a member
        ("worker_b", 404),
    ],
)
def test_anyone_else_is_refused_and_no_expert_changes(api, staged, move, role, status):
    application = two_experts(staged)
    events = application.events.count()
    api.force_authenticate(person(staged.naming_calls, role))
    answer = api.post(url(BASE, application, move), body(staged, role, move), format="json")
    refused(answer, status)
    assert current_experts(application) == {"expert", "colleague_a"}
    assert application.events.count() == events


@pytest.mark.parametrize("move", ["replace-expert", "withdraw-expert"])
@pytest.mark.parametrize("status", [Status.RECOMMENDED, Status.SITE_VISIT, Status.PUBLIC_NOTICE])
def test_outside_expert_review_it_is_409(api, staged, move, status):
    application = staged.at[status]
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    data = {"expert": staged.naming_calls.expert.pk, "reason": REASON}
    if move == "replace-expert":
        data["replacement"] = org.colleague_a.pk
    refused(api.post(url(BASE, application, move), data, format="json"), 409)
    assert not application.assignments.filter(ended_at__isnull=False).exists()


@pytest.mark.parametrize("move", ["replace-expert", "withdraw-expert"])
def test_an_expert_who_has_scored_stays_409(api, staged, move):
    application = two_experts(staged)
    expert = staged.naming_calls.expert
    services.naming_review_submit(application_id=application.pk, by=expert, scores=[30, 40])
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    data = {
        "expert": expert.pk,
        "reason": REASON,
        "replacement": staged.naming_calls.studios.org.worker_b.pk,
    }
    body_ = refused(api.post(url(BASE, application, move), data, format="json"), 409)
    assert "已评分" in body_["detail"]
    assert current_experts(application) == {"expert", "colleague_a"}
    assert application.reviews.filter(expert=expert).exists()


def test_the_replacement_is_recused_as_on_assignment(api, staged):
    """A member of the studio, someone of its own team, someone no longer
    active and someone already asked are each refused on `replacement`, with
    the reason; nothing changes."""
    application = two_experts(staged)
    studios = staged.naming_calls.studios
    gone = PersonFactory(employee_no="gone", org_unit=studios.org.plant_b1, is_active=False)
    api.force_authenticate(studios.org.group_official)

    def replaced_by(someone) -> list[str]:
        data = {"expert": studios.org.colleague_a.pk, "replacement": someone.pk, "reason": REASON}
        answer = api.post(url(BASE, application, "replace-expert"), data, format="json")
        return field_errors(answer)["replacement"]

    assert replaced_by(studios.member_a) == [f"{studios.member_a.full_name} 需回避：是该工作室成员"]
    assert replaced_by(studios.org.worker_a) == [
        f"{studios.org.worker_a.full_name} 需回避：与工作室同一单位"
    ]
    assert replaced_by(gone) == [f"{gone.full_name} 已停用"]
    assert replaced_by(staged.naming_calls.expert) == ["此人已是该申报的评审专家。"]
    assert current_experts(application) == {"expert", "colleague_a"}
    assert not application.assignments.filter(ended_at__isnull=False).exists()


@pytest.mark.parametrize("move", ["replace-expert", "withdraw-expert"])
def test_a_reason_is_required_and_the_expert_must_be_one_of_its_experts(api, staged, move):
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    data = body(staged, "group_official", move)
    assert "reason" in field_errors(
        api.post(url(BASE, application, move), {**data, "reason": "  "}, format="json")
    )
    assert "expert" in field_errors(
        api.post(url(BASE, application, move), {**data, "expert": org.worker_b.pk}, format="json")
    )
    assert current_experts(application) == {"expert", "colleague_a"}


def test_the_last_expert_is_replaced_never_withdrawn(api, staged):
    application = staged.at[Status.UNDER_REVIEW]
    org = staged.naming_calls.studios.org
    expert = staged.naming_calls.expert
    api.force_authenticate(org.group_official)
    alone = {"expert": expert.pk, "reason": REASON}
    answer = refused(api.post(url(BASE, application, "withdraw-expert"), alone, format="json"), 409)
    assert "最后一位" in answer["detail"]
    assert current_experts(application) == {"expert"}
    replaced = api.post(
        url(BASE, application, "replace-expert"),
        {**alone, "replacement": org.worker_b.pk},
        format="json",
    )
    assert replaced.status_code == 200, replaced.content
    assert current_experts(application) == {"worker_b"}


def test_the_expert_taken_off_no_longer_scores_and_the_new_one_does(api, client, staged):
    application = staged.at[Status.UNDER_REVIEW]
    org = staged.naming_calls.studios.org
    expert = staged.naming_calls.expert
    api.force_authenticate(org.group_official)
    api.post(
        url(BASE, application, "replace-expert"),
        {"expert": expert.pk, "replacement": org.worker_b.pk, "reason": REASON},
        format="json",
    )
    scores = {"application": application.pk, "scores": [30, 40]}
    api.force_authenticate(expert)
    assert "application" in field_errors(api.post(REVIEWS, scores, format="json"))
    refused(api.get(url(BASE, application)), 404)
    client.force_login(expert)
    form = reverse("naming:review-form", args=[application.pk])
    assert client.post(form, {"score_0": "30", "score_1": "40"}).status_code == 404
    assert not application.reviews.exists()

    api.force_authenticate(org.worker_b)
    assert api.post(REVIEWS, scores, format="json").status_code == 201
    assert list(application.reviews.values_list("expert__employee_no", flat=True)) == ["worker_b"]


def test_someone_taken_off_may_be_asked_again_later(api, staged):
    """The row of the one taken off stays, ended; asking them again adds one."""
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    api.post(
        url(BASE, application, "withdraw-expert"),
        {"expert": org.colleague_a.pk, "reason": REASON},
        format="json",
    )
    again = api.post(
        url(BASE, application, "assign-experts"), {"experts": [org.colleague_a.pk]}, format="json"
    )
    assert again.status_code == 200, again.content
    rows = ExpertAssignment.objects.filter(application=application, expert=org.colleague_a)
    assert [row.ended_at is None for row in rows.order_by("id")] == [False, True]


def test_the_office_may_name_an_expert_from_outside_its_directory(api, staged):
    """Company A's own call, whose office (official_a) sees company A only:
    the expert the group official asked from plant B1 is still theirs to
    replace."""
    org = staged.naming_calls.studios.org
    application = staged.at[Status.UNDER_REVIEW]
    type(application.call).objects.filter(pk=application.call_id).update(org_unit=org.company_a)
    expert = staged.naming_calls.expert
    assert not people_visible_to(org.official_a).filter(pk=expert.pk).exists()
    # official_a is over the studio's unit as well: not one of its members, so the office
    api.force_authenticate(org.official_a)
    answer = api.post(
        url(BASE, application, "replace-expert"),
        {"expert": expert.pk, "replacement": org.colleague_a.pk, "reason": REASON},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert current_experts(application) == {"colleague_a"}


def test_the_moves_are_in_the_schema():
    schema = SchemaGenerator().get_schema(public=True)
    for move, fields, optional in [
        ("replace-expert", {"expert", "replacement", "reason"}, {"due_on"}),
        ("withdraw-expert", {"expert", "reason"}, set()),
    ]:
        operation = schema["paths"][f"{BASE}{{id}}/{move}/"]["post"]
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
        assert set(component["properties"]) == fields | optional
        assert set(component["required"]) == fields


# --- The page -----------------------------------------------------------------------


def page(application) -> str:
    return reverse("naming:application-detail", args=[application.pk])


def expert_move(application, expert, move) -> str:
    return reverse("naming:application-expert-move", args=[application.pk, expert.pk, move])


def test_the_office_sees_each_expert_with_its_forms(as_person, staged):
    """Replace and withdraw for each expert who has not scored, each asking
    before it is sent; none for one who has scored."""
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    expert = staged.naming_calls.expert
    services.naming_review_submit(application_id=application.pk, by=expert, scores=[30, 40])
    html = as_person(org.group_official).get(page(application)).content.decode()
    assert 'data-testid="experts"' in html
    replace = form_of(html, expert_move(application, org.colleague_a, "replace"))
    withdraw = form_of(html, expert_move(application, org.colleague_a, "withdraw"))
    assert f'name="replace-{org.colleague_a.pk}-replacement_key"' in replace
    assert f'name="replace-{org.colleague_a.pk}-reason"' in replace
    assert "data-confirm=" in replace and "data-confirm=" in withdraw
    assert picker_of(replace, f"replace-{org.colleague_a.pk}-replacement") == reverse(
        "picker-search", args=["application-replacements", application.pk]
    )
    assert expert_move(application, expert, "replace") not in html  # scored: it stands


def test_the_last_expert_is_offered_replace_only(as_person, staged):
    application = staged.at[Status.UNDER_REVIEW]
    expert = staged.naming_calls.expert
    html = as_person(staged.naming_calls.studios.org.group_official).get(page(application))
    html = html.content.decode()
    assert expert_move(application, expert, "replace") in html
    assert expert_move(application, expert, "withdraw") not in html


@pytest.mark.parametrize("role", ["official_a", "lead_a", "member_a", "expert"])
def test_nobody_else_is_shown_the_experts(as_person, staged, role):
    application = two_experts(staged)
    html = as_person(person(staged.naming_calls, role)).get(page(application)).content.decode()
    assert 'data-testid="experts"' not in html
    assert "/experts/" not in html


def test_the_office_replaces_an_expert_from_the_page(as_person, staged):
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    client = as_person(org.group_official)
    prefix = f"replace-{org.colleague_a.pk}"
    answer = client.post(
        expert_move(application, org.colleague_a, "replace"),
        {f"{prefix}-replacement_key": "worker_b", f"{prefix}-reason": REASON},
    )
    assert answer.status_code == 302
    assert answer.url == page(application) + "#experts"
    assert current_experts(application) == {"expert", "worker_b"}
    html = client.get(page(application)).content.decode()
    ended = html[html.index(f'data-testid="expert-{org.colleague_a.pk}-ended"') :]
    ended = ended[: ended.index("</li>")]
    assert f"由 {org.worker_b.full_name} 接替" in ended and REASON in ended
    # the insiders read it in the history
    assert f"专家 {org.colleague_a.full_name} 由 {org.worker_b.full_name} 接替" in html


def test_the_office_withdraws_an_expert_from_the_page(as_person, staged):
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    answer = as_person(org.group_official).post(
        expert_move(application, org.colleague_a, "withdraw"),
        {f"withdraw-{org.colleague_a.pk}-reason": REASON},
    )
    assert answer.status_code == 302
    assert current_experts(application) == {"expert"}


def test_a_refused_replacement_is_explained_beside_the_box(as_person, staged):
    """Without JavaScript a typed member of the studio reaches the service,
    which says why they may not score it; a missing reason is said beside its
    box; nothing changes."""
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    member = staged.naming_calls.studios.member_a
    prefix = f"replace-{org.colleague_a.pk}"
    answer = as_person(org.group_official).post(
        expert_move(application, org.colleague_a, "replace"),
        {f"{prefix}-replacement_key": "member_a", f"{prefix}-reason": REASON},
    )
    assert answer.status_code == 400
    form = form_of(answer.content.decode(), expert_move(application, org.colleague_a, "replace"))
    error_beside(form, f"{prefix}-replacement", f"{member.full_name} 需回避：是该工作室成员")
    no_reason = as_person(org.group_official).post(
        expert_move(application, org.colleague_a, "replace"),
        {f"{prefix}-replacement_key": "worker_b", f"{prefix}-reason": ""},
    )
    assert no_reason.status_code == 400
    form = form_of(no_reason.content.decode(), expert_move(application, org.colleague_a, "replace"))
    error_beside(form, f"{prefix}-reason", "该字段是必填项。")
    assert current_experts(application) == {"expert", "colleague_a"}


@pytest.mark.parametrize(
    ("role", "status"),
    [("lead_a", 403), ("official_a", 403), ("expert", 403), ("worker_b", 404)],
)
def test_a_page_move_by_anyone_else_is_refused(as_person, staged, role, status):
    """The expert of plant B1, whom none of them may see in their directory,
    named in the address: those who see the application are refused the move
    (403), the others learn nothing (404)."""
    application = two_experts(staged)
    expert = staged.naming_calls.expert
    answer = as_person(person(staged.naming_calls, role)).post(
        expert_move(application, expert, "withdraw"), {f"withdraw-{expert.pk}-reason": REASON}
    )
    assert answer.status_code == status
    assert current_experts(application) == {"expert", "colleague_a"}


# --- The replacement picker -------------------------------------------------------


def replacements(client, application, text: str) -> list[str]:
    address = reverse("picker-search", args=["application-replacements", application.pk])
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


@pytest.mark.parametrize("official", ["group_official", "admin"])
def test_everyone_offered_in_an_experts_place_is_taken_and_everyone_else_refused(
    as_person, staged, official
):
    """Each person the office may see, looked up in the replacement picker by
    employee number, is offered if and only if the replacement then takes
    them: not the studio's members or team, not the deactivated, not those
    already asked."""
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    official = getattr(org, official)
    PersonFactory(employee_no="gone", org_unit=org.plant_b1, is_active=False)
    client = as_person(official)
    everyone = list(people_visible_to(official).order_by("employee_no"))
    verdicts = {
        someone.employee_no: (
            someone.employee_no in replacements(client, application, someone.employee_no),
            takes(
                lambda someone=someone: services.naming_expert_replace(
                    application_id=application.pk,
                    by=official,
                    expert=org.colleague_a,
                    replacement=someone,
                    reason=REASON,
                )
            ),
        )
        for someone in everyone
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["worker_b"] == (True, True)
    for refused_ in ("expert", "colleague_a", "member_a", "worker_a", "gone"):
        assert verdicts[refused_] == (False, False), refused_


@pytest.mark.parametrize(
    ("role", "code"),
    [("group_official", 200), ("lead_a", 403), ("expert", 403), ("worker_b", 404)],
)
def test_only_the_office_over_the_call_uses_the_replacement_picker(as_person, staged, role, code):
    application = staged.at[Status.UNDER_REVIEW]
    address = reverse("picker-search", args=["application-replacements", application.pk])
    client = as_person(person(staged.naming_calls, role))
    assert client.get(address, {"q": "worker"}).status_code == code


# --- Query counts ---------------------------------------------------------------------


def test_the_office_page_takes_the_same_queries_however_many_experts(client, staged):
    """One expert to score, against five: two to score (each with its two
    forms), one scored, one replaced and one withdrawn."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = staged.at[Status.UNDER_REVIEW]
    org = staged.naming_calls.studios.org
    office = type(org.group_official).objects.get(pk=org.group_official.pk)
    client.force_login(office)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(application)).status_code == 200
        return len(captured)

    one = queries()
    people = [PersonFactory(org_unit=org.plant_b1) for _ in range(4)]
    services.naming_experts_assign(application_id=application.pk, by=office, experts=people[:3])
    services.naming_review_submit(application_id=application.pk, by=people[0], scores=[1, 1])
    services.naming_expert_replace(
        application_id=application.pk,
        by=office,
        expert=people[1],
        replacement=people[3],
        reason=REASON,
    )
    services.naming_expert_withdraw(
        application_id=application.pk, by=office, expert=people[2], reason=REASON
    )
    html = client.get(page(application)).content.decode()
    assert html.count('data-testid="replace-expert-form"') == 2
    assert html.count('data-testid="withdraw-expert-form"') == 2
    assert queries() == one


def test_the_admin_shows_who_was_taken_off(client, staged):
    application = two_experts(staged)
    org = staged.naming_calls.studios.org
    services.naming_expert_replace(
        application_id=application.pk,
        by=org.group_official,
        expert=org.colleague_a,
        replacement=org.worker_b,
        reason=REASON,
    )
    client.force_login(org.admin)
    html = client.get(reverse("admin:naming_namingapplication_change", args=[application.pk]))
    html = html.content.decode()
    assert REASON in html and org.worker_b.full_name in html
