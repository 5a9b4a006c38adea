"""Benchmarks: run with `make bench` (not part of `make test`).

Each benchmark times a real list (API request through the whole stack) and a
raw-SQL baseline that reads the same rows, in the same run on the same data, and
checks the ratio against a target. Ratios, not seconds, so they mean the same on
a laptop and in CI.
"""

import json
import time
from pathlib import Path

import pytest

from tests import databases

# Test databases copied from a migrated template (tests/databases.py).
django_db_setup = databases.django_db_setup

# Every figure of the run, written to var/bench/results.json at its end, so the
# whole picture is one file: key, measured seconds, baseline seconds, ratio.
RESULTS_FILE = Path(__file__).resolve().parents[1] / "var" / "bench" / "results.json"
_results: list[dict] = []


def best_seconds(func, *, repeat: int = 9) -> float:
    """The fastest of `repeat` runs: the least disturbed by whatever else the
    machine is doing, for the measured code and the baseline alike."""
    func()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return min(samples)


@pytest.fixture
def ratio():
    """ratio(measured, baseline, name) prints and returns measured / baseline;
    `against` names the baseline in the printed line (raw SQL unless said) and
    `unit` what the two figures are (seconds, printed as ms, unless said)."""

    def compare(
        measured: float, baseline: float, name: str, against: str = "raw SQL", unit: str = "s"
    ) -> float:
        value = measured / baseline
        _results.append(
            {"key": name, "value": measured, "baseline": baseline, "ratio": round(value, 3)}
        )
        if unit == "s":
            shown = f"{measured * 1000:.1f} ms vs {against} {baseline * 1000:.2f} ms"
        else:
            shown = f"{measured:.1f} {unit} vs {against} {baseline:.1f} {unit}"
        print(f"\n{name}: {shown} = {value:.3g}x")
        return value

    return compare


@pytest.fixture
def record():
    """record(name, value) keeps a figure that is not a ratio (a query count,
    megabytes) in the same results file, and returns it."""

    def keep(name: str, value):
        _results.append({"key": name, "value": value, "baseline": None, "ratio": None})
        print(f"\n{name}: {value}")
        return value

    return keep


def pytest_addoption(parser):
    parser.addoption(
        "--group-scale",
        type=float,
        default=0.1,
        help="Size of the generated group for the dashboard benchmark: 1 means 300 000 "
        "people, 10 000 studios and 1 000 000 proposals (default 0.1, which CI runs).",
    )
    parser.addoption(
        "--embedded-seconds",
        type=float,
        default=60,
        help="How long the embedded-mode load benchmark submits and requests (default 60).",
    )


@pytest.fixture(scope="session")
def embedded_seconds(request) -> float:
    return request.config.getoption("--embedded-seconds")


@pytest.fixture(scope="session")
def group_scale(request) -> float:
    return request.config.getoption("--group-scale")


@pytest.fixture(scope="session")
def big_group(django_db_setup, django_db_blocker, group_scale):
    """The generated group (bench/group.py), built once per run and committed,
    so every benchmark reads the same rows."""
    from bench.group import build_group

    with django_db_blocker.unblock():
        return build_group(group_scale)


def pytest_sessionfinish(session):
    if not _results:
        return
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(_results, ensure_ascii=False, indent=2) + "\n")
