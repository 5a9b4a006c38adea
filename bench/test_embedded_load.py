"""The embedded default under load: `manage.py run_embedded` as `make run`
starts it (SQLite, the filesystem transport, the workers and beat), with 8
workers submitting five-small proposals through the API and 2 officials
requesting large reports, one after another, for `--embedded-seconds` (60).

Keys in var/bench/results.json: embedded_errors (answers other than 2xx, and
requests that got no answer), embedded_failed_runs (report runs not succeeded
once the load stopped), with embedded_proposals and embedded_runs for scale.
Every submitted proposal must hold its own code."""

import http.client
import json
import threading
import time

import pytest

from tests.embedded import EmbeddedSite, migrated_database

pytestmark = [pytest.mark.worker]

WORKERS, OFFICIALS = 8, 2
# A studio annual summary over this many studios reads for seconds (large).
STUDIOS = 6000
PROPOSAL = {
    "title": "井下喷雾降尘装置节水改造",
    "category": "innovation",
    "goals": ["energy", "safety"],
    "post": "综采工作面喷雾泵站",
    "current_situation": "喷雾装置常开，用水量大，巷道积水。",
    "improvement": "加装感应阀，采煤机经过时才喷雾。",
    "expected_effect": "节水四成，粉尘浓度不升高。",
    "expected_benefit": "120000",
}


class Client:
    def __init__(self, port: int, token: str, errors: list):
        self.port, self.token, self.errors = port, token, errors

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                method,
                path,
                body=json.dumps(body) if body is not None else None,
                headers={
                    "Authorization": f"Token {self.token}",
                    "Content-Type": "application/json",
                },
            )
            response = connection.getresponse()
            data = response.read()
        except OSError as exc:
            self.errors.append(f"{method} {path}: {exc}")
            return None
        finally:
            connection.close()
        if not 200 <= response.status < 300:
            self.errors.append(
                f"{method} {path}: {response.status} {data[:300].decode(errors='replace')}"
            )
            return None
        return json.loads(data or b"{}")


def test_embedded_mode_holds_8_submitters_and_2_report_requesters(
    tmp_path, tmp_path_factory, record, embedded_seconds
):
    site = EmbeddedSite(tmp_path, migrated_database(tmp_path_factory.getbasetemp()))
    out = site.shell(
        "from bench.embedded_load import seed_load; "
        f"seed_load(workers={WORKERS}, officials={OFFICIALS}, studios={STUDIOS})"
    )
    seeded = json.loads(out.strip().splitlines()[-1])
    errors: list[str] = []
    submitted: list[int] = []
    runs: list[int] = []
    site.start()
    try:
        site.wait_healthy()
        year = time.localtime().tm_year
        until = time.monotonic() + embedded_seconds

        def submit(token: str) -> None:
            client = Client(site.port, token, errors)
            while time.monotonic() < until:
                draft = client.call(
                    "POST", "/api/v1/proposals/", {**PROPOSAL, "campaign_id": seeded["campaign"]}
                )
                if draft and client.call("POST", f"/api/v1/proposals/{draft['id']}/submit/", {}):
                    submitted.append(draft["id"])

        def request_reports(token: str) -> None:
            client = Client(site.port, token, errors)
            while time.monotonic() < until:
                run = client.call(
                    "POST", "/api/v1/report-runs/", {"kind": "studio_annual", "year": year}
                )
                if run is None:
                    time.sleep(1)
                    continue
                runs.append(run["id"])
                while time.monotonic() < until:
                    seen = client.call("GET", f"/api/v1/report-runs/{run['id']}/")
                    if seen is None or seen["status"] in ("succeeded", "failed"):
                        break
                    time.sleep(1)

        threads = [threading.Thread(target=submit, args=(t,)) for t in seeded["workers"]] + [
            threading.Thread(target=request_reports, args=(t,)) for t in seeded["officials"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # The runs still building when the load stopped are waited for.
        marks = ",".join("?" * len(runs))
        query = f"SELECT id, status, error FROM reports_reportrun WHERE id IN ({marks})"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            states = site.rows(query, *runs)
            if all(status in ("succeeded", "failed") for _id, status, _e in states):
                break
            time.sleep(1)
        codes = [
            code
            for (code,) in site.rows(
                "SELECT code FROM competitions_proposal WHERE submitted_at IS NOT NULL"
            )
        ]
    finally:
        site.stop()
    failed = [(pk, status, error) for pk, status, error in states if status != "succeeded"]
    record("embedded_proposals", len(submitted))
    record("embedded_runs", len(runs))
    record("embedded_errors", len(errors))
    record("embedded_failed_runs", len(failed))
    assert errors == [], errors[:10]
    assert failed == [], f"{failed}\n{site.log()[-3000:]}"
    assert submitted and runs
    assert len(codes) == len(set(codes)) == len(submitted)
