"""Whatever a client types into a download's address, the answer is a 404 like
any unknown record, never a 500."""

import pytest

from tests.api_answers import refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/report-runs/abc/download/",
        "/api/v1/report-runs/1e3/download/",
        "/api/v1/attachments/abc/download/",
    ],
)
def test_a_download_by_an_id_that_is_not_a_number_is_404(api, org, path):
    api.force_authenticate(org.group_official)
    refused(api.get(path), 404)
