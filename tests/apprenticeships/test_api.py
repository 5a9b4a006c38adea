import datetime
import json
import pytest
from tests.apprenticeships.conftest import days_ago, SCORES
from tests.factories import PersonFactory
from apprenticeships import services
from apprenticeships.models import Pairing

pytestmark = pytest.mark.django_db


def show(label, r):
    try:
        body = r.json()
    except Exception:
        body = r.content[:300]
    print(label, r.status_code, json.dumps(body, ensure_ascii=False)[:400])


def test_probe(api, mentoring):
    m = mentoring
    for who in ["lead_a", "member_a", "apprentice_a", "apprentice_a2", "lead_b", "apprentice_b", "member_a"]:
        api.force_authenticate(getattr(m, who))
        r = api.get("/api/v1/pairings/")
        print(who, [row["id"] for row in r.json()["results"]])
    for who in ["official_a", "official_b", "group_official", "worker_a", "worker_b", "colleague_a", "admin"]:
        api.force_authenticate(getattr(m.org, who))
        r = api.get("/api/v1/pairings/")
        print(who, [row["id"] for row in r.json()["results"]])
    api.force_authenticate(m.member_a)
    month = days_ago(0).strftime("%Y-%m")
    show("monthly", api.post("/api/v1/evaluations/", {"pairing_id": m.active.pk, "level": "mentor_monthly", "period": month, **SCORES}, format="json"))
    show("monthly dup", api.post("/api/v1/evaluations/", {"pairing_id": m.active.pk, "level": "mentor_monthly", "period": month, **SCORES}, format="json"))
    show("monthly dup space", api.post("/api/v1/evaluations/", {"pairing_id": m.active.pk, "level": "mentor_monthly", "period": " " + month, **SCORES}, format="json"))
    api.force_authenticate(m.org.official_a)
    ev = {"pairing_id": m.active.pk, "level": "final", **SCORES}
    show("final np", api.post("/api/v1/evaluations/", {**ev, "outcome": "not_passed"}, format="json"))
    show("final np2", api.post("/api/v1/evaluations/", {**ev, "outcome": "not_passed"}, format="json"))
    show("final none", api.post("/api/v1/evaluations/", ev, format="json"))
    show("final p", api.post("/api/v1/evaluations/", {**ev, "outcome": "passed", "skill_level_reached": "senior"}, format="json"))
    show("final p again", api.post("/api/v1/evaluations/", {**ev, "outcome": "passed", "skill_level_reached": "technician"}, format="json"))
    show("final p again notpassed", api.post("/api/v1/evaluations/", {**ev, "outcome": "not_passed"}, format="json"))
    show("person", api.get(f"/api/v1/people/{m.apprentice_a.pk}/"))
    api.force_authenticate(m.lead_a)
    show("terminate", api.post(f"/api/v1/pairings/{m.proposed.pk}/terminate/", {"reason": "x"}, format="json"))
    show("terminate2", api.post(f"/api/v1/pairings/{m.proposed.pk}/terminate/", {"reason": "x"}, format="json"))
    show("activate term", api.post(f"/api/v1/pairings/{m.proposed.pk}/activate/", {"agreement_signed_on": str(days_ago(1))}, format="json"))
    show("extend term", api.post(f"/api/v1/pairings/{m.proposed.pk}/extend/", {"planned_end_on": str(days_ago(-900)), "reason": "x"}, format="json"))
    show("patch term", api.patch(f"/api/v1/pairings/{m.proposed.pk}/", {"goals": "x"}, format="json"))
    show("terminate completed", api.post(f"/api/v1/pairings/{m.active.pk}/terminate/", {"reason": "x"}, format="json"))
    body = {"mentor_id": m.member_a.pk, "apprentice_id": m.apprentice_a2.pk, "studio_id": m.dust.pk,
            "starts_on": str(days_ago(1)), "planned_end_on": str(days_ago(-300)),
            "target_skill_level": "senior"}
    show("repropose", api.post("/api/v1/pairings/", body, format="json"))
    new = PersonFactory(org_unit=m.org.team_a101)
    show("end<start", api.post("/api/v1/pairings/", {**body, "apprentice_id": new.pk, "planned_end_on": str(days_ago(5))}, format="json"))
    show("end==start", api.post("/api/v1/pairings/", {**body, "apprentice_id": new.pk, "planned_end_on": str(days_ago(1))}, format="json"))
    show("no mentor", api.post("/api/v1/pairings/", {k: v for k, v in body.items() if k != "mentor_id"}, format="json"))
    show("pairing delete", api.delete(f"/api/v1/pairings/{m.active.pk}/"))
    show("pairing put", api.put(f"/api/v1/pairings/{m.active.pk}/", body, format="json"))
    show("eval patch", api.patch(f"/api/v1/evaluations/1/", {"comment": "x"}, format="json"))
    show("eval delete", api.delete(f"/api/v1/evaluations/1/"))
    api.force_authenticate(m.member_a)
    show("ms create", api.post("/api/v1/milestones/", {"pairing_id": m.active_b.pk, "title": "x", "due_on": str(days_ago(-3))}, format="json"))
    api.force_authenticate(None)
    show("anon", api.get("/api/v1/pairings/"))
    show("anon post", api.post(f"/api/v1/pairings/{m.active.pk}/terminate/", {"reason": "x"}))
