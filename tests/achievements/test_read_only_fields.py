"""A PATCH naming a field the API never writes is a 400 naming it, and changes
nothing, on problems, achievements and patents alike (as on proposals)."""

import pytest

from achievements.models import Achievement, Patent, TechnicalProblem
from tests.achievements.api import (
    ACHIEVEMENTS,
    PATENTS,
    field_errors,
    new_achievement,
    new_patent,
    new_problem,
)

PROBLEMS = "/api/v1/problems/"

CASES = {
    "problem": (PROBLEMS, new_problem, TechnicalProblem, {"status": "solved"}),
    "achievement": (
        ACHIEVEMENTS,
        new_achievement,
        Achievement,
        {"verified_benefit": "900000.00", "verified_on": "2024-08-01"},
    ),
    "patent": (PATENTS, new_patent, Patent, {"status": "granted", "ended_on": "2024-01-01"}),
}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", CASES)
def test_patching_a_read_only_field_is_400_and_changes_nothing(api, studios, kind):
    url, make, model, fixed = CASES[kind]
    record = make(studios)
    before = model.objects.filter(pk=record.pk).values().get()
    api.force_authenticate(studios.lead_a)
    response = api.patch(f"{url}{record.pk}/", {"title": "改名", **fixed}, format="json")
    errors = field_errors(response)
    assert set(errors) == set(fixed)
    assert errors[next(iter(fixed))] == ["此字段不能在这里设置。"]
    assert model.objects.filter(pk=record.pk).values().get() == before


@pytest.mark.parametrize("kind", CASES)
def test_sending_back_the_id_with_a_change_is_accepted(api, studios, kind):
    url, make, model, _fixed = CASES[kind]
    record = make(studios)
    api.force_authenticate(studios.lead_a)
    response = api.patch(f"{url}{record.pk}/", {"id": record.pk, "title": "改名"}, format="json")
    assert response.status_code == 200, response.content
    assert model.objects.get(pk=record.pk).title == "改名"
