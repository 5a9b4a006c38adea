"""Uploaded files reach a reader only through the views that check the record:
no address under MEDIA_URL serves them, whatever the mode (docs/operations.md)."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse

from achievements import services
from achievements.models import TechnicalProblem
from tests.core.test_attachments import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def problem_report(studios):
    """A PDF on a problem of studio "dust" in company A."""
    problem = services.problem_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="综采面粉尘浓度超标",
        category=TechnicalProblem.Category.DUST_CONTROL,
    )
    return upload(problem, studios.lead_a, "report.pdf", PDF)


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def urls_of_mode(request, settings):
    """The root URLs as they are built with DEBUG off and on (`make run` once had it on)."""
    import config.urls

    settings.DEBUG = request.param
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.usefixtures("urls_of_mode")
@pytest.mark.parametrize("reader", [None, "worker_b"], ids=["anonymous", "outsider"])
def test_the_stored_file_is_not_served_at_its_media_address(
    client, studios, problem_report, reader
):
    if reader:
        client.force_login(getattr(studios.org, reader))
    response = client.get(f"/media/{problem_report.file.name}")
    assert response.status_code == 404
    assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.usefixtures("urls_of_mode")
def test_its_reader_still_downloads_it_through_the_scoped_view(as_person, studios, problem_report):
    response = as_person(studios.lead_a).get(
        reverse("attachment-download", args=[problem_report.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
