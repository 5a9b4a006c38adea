from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import check_broker, check_cache, check_database
from core.selectors import worker_last_seen


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and operators: 200 when database, cache and
    broker answer, 503 otherwise. The worker's last heartbeat is reported but does
    not fail the check, since the web tier can serve without it."""
    checks = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    healthy = all(reason is None for reason in checks.values())
    body = {
        name: ("ok" if reason is None else f"error: {reason}") for name, reason in checks.items()
    }
    last_seen = worker_last_seen() if checks["database"] is None else None
    body["worker_last_seen"] = last_seen.isoformat() if last_seen else None
    body["status"] = "ok" if healthy else "error"
    body["time"] = timezone.now().isoformat()
    return JsonResponse(body, status=200 if healthy else 503)
