"""The lists' filters by a person, a studio or an achievement are pickers
(core.filters.PickerFilter), not id boxes: the box searches as one types, and
without JavaScript the typed employee number or studio code filters the list;
a key the reader may not pick is said beside the box and lists nothing; an id
sent as such (the API's, a link's) filters as it always did, at one query for
the chosen record's name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import TechnicalProblem

pytestmark = pytest.mark.django_db

# (list page, filter, picker source, a key official_a may pick, one they may not)
PICKER_FILTERS = [
    ("achievements:problem-list", "studio", "studios", "A1-DUST", "B1-TURB"),
    ("achievements:achievement-list", "studio", "studios", "A1-DUST", "B1-TURB"),
    ("achievements:patent-list", "studio", "studios", "A1-WASH", "B1-TURB"),
    ("apprenticeships:pairing-list", "mentor", "people", "lead_a", "lead_b"),
    ("apprenticeships:pairing-list", "apprentice", "people", "member_a", "worker_b"),
    ("apprenticeships:pairing-list", "studio", "studios", "A1-DUST", "B1-TURB"),
    ("competitions:proposal-list", "author", "people", "worker_a", "worker_b"),
    ("competitions:screening-queue", "author", "people", "worker_a", "worker_b"),
    ("showcase:story-list", "person", "people", "lead_a", "lead_b"),
    ("showcase:story-list", "studio", "studios", "A1-WASH", "B1-TURB"),
    ("naming:rectification-list", "studio", "studios", "A1-DUST", "B1-TURB"),
]


@pytest.mark.parametrize(("page", "name", "source", "mine", "theirs"), PICKER_FILTERS)
def test_a_list_filter_is_a_picker_that_takes_a_typed_key(
    studios, client, page, name, source, mine, theirs
):
    client.force_login(studios.org.official_a)
    url = reverse(page)
    shown = client.get(url).content.decode()
    # A search box pointed at its source, no number box.
    assert f'data-picker="{reverse("picker-search", args=[source])}"' in shown
    assert f'name="{name}_key"' in shown and f'name="{name}" type="number"' not in shown

    picked = client.get(url, {f"{name}_key": mine})
    assert picked.status_code == 200
    assert not picked.context["filterset"].form.errors
    assert f'data-key="{mine}"' in picked.content.decode()  # the choice, named, in the box

    refused = client.get(url, {f"{name}_key": theirs})
    assert refused.context["filterset"].form.errors[name] == [f"“{theirs}”不在可选范围内。"]
    assert list(refused.context["page_obj"].object_list) == []


def problems(studios) -> list[TechnicalProblem]:
    return [
        TechnicalProblem.objects.create(
            studio=studio,
            title=title,
            category="dust",
            started_on="2026-01-05",
            created_by=studios.org.group_official,
        )
        for studio, title in (
            (studios.dust, "回风巷粉尘浓度超标"),
            (studios.washing, "浮选药剂用量偏高"),
        )
    ]


def test_a_typed_studio_code_lists_that_studios_rows_only(studios, client):
    dust_problem, _washing_problem = problems(studios)
    client.force_login(studios.org.official_a)
    url = reverse("achievements:problem-list")
    by_code = client.get(url, {"studio_key": "A1-DUST"}).context["page_obj"].object_list
    by_id = client.get(url, {"studio": studios.dust.pk}).context["page_obj"].object_list
    assert list(by_code) == list(by_id) == [dust_problem]


def test_choosing_a_record_costs_one_query_for_its_name(studios, client):
    problems(studios)
    client.force_login(studios.org.official_a)
    url = reverse("achievements:problem-list")
    client.get(url)  # the session and the scope as every later request finds them

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url, params).status_code == 200
        return len(done)

    unfiltered = queries({})
    assert queries({"studio_key": "A1-DUST"}) == unfiltered + 1
    assert queries({"studio": studios.dust.pk}) == unfiltered + 1


def test_an_id_outside_the_readers_scope_matches_nothing_and_names_nobody(studios, api):
    """The API keeps its rule: no 400 that would tell the record exists."""
    api.force_authenticate(studios.org.official_a)
    answer = api.get("/api/v1/problems/", {"studio": studios.turbine.pk})
    assert answer.status_code == 200 and answer.json()["results"] == []
