from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.attachments import MEDIA_TYPES, attachment_for
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


# Shown in the browser (photos, PDF) or played in a page (story audio and video).
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf", *MEDIA_TYPES)


@login_required
@require_GET
def attachment_download(request, pk: int, thumbnail: bool = False):
    """Serve a file only if its record is visible to the reader; 404 otherwise."""
    attachment = attachment_for(request.user, pk)
    if attachment is None:
        raise Http404
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    inline = thumbnail or attachment.mime_type in INLINE_TYPES
    response = FileResponse(
        field.open("rb"),
        content_type="image/jpeg" if thumbnail else attachment.mime_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    # Files are user content: never let a browser run them as a page of this site.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
