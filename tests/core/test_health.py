import pytest
from django.urls import reverse

from core.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_component(client):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert body["database"] == body["cache"] == body["broker"] == "ok"
    # Nothing in the background ever reported (tests/core/test_health_worker.py).
    assert response.status_code == 503
    assert body["worker"] == body["beat"] == "error: no heartbeat yet"
    assert body["worker_last_seen"] is None


def test_healthz_shows_last_worker_heartbeat(client):
    heartbeat = worker_heartbeat_record(worker="celery@host")
    body = client.get(reverse("healthz")).json()
    assert body["worker_last_seen"] == heartbeat.seen_at.isoformat()


def test_healthz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    from django.core.cache import caches

    caches._settings = None  # rebuild the cache from the overridden settings
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


def test_heartbeat_is_one_row_per_worker():
    worker_heartbeat_record(worker="celery@host")
    worker_heartbeat_record(worker="celery@host")
    from core.models import WorkerHeartbeat

    assert WorkerHeartbeat.objects.count() == 1
