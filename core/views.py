from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.attachments import MEDIA_TYPES, attachment_for
from core.health import check_broker, check_cache, check_database
from core.ranges import RangeNotSatisfiable, byte_range
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


# Each chunk of a partial answer read from storage.
CHUNK = 256 * 1024


def _partial(field, content_type: str, first: int, last: int) -> StreamingHttpResponse:
    """206 with the requested bytes, read in chunks (iPhones play video only so)."""

    def chunks():
        with field.open("rb") as file:
            file.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = file.read(min(CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                yield chunk

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{last}/{field.size}"
    response["Content-Length"] = str(last - first + 1)
    return response


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
    content_type = "image/jpeg" if thumbnail else attachment.mime_type
    ranged = not thumbnail and attachment.mime_type in MEDIA_TYPES
    try:
        wanted = byte_range(request.headers.get("Range", ""), field.size) if ranged else None
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{field.size}"
        return response
    if wanted is not None:
        response = _partial(field, content_type, *wanted)
    else:
        response = FileResponse(
            field.open("rb"),
            content_type=content_type,
            as_attachment=not inline,
            filename=attachment.original_name,
        )
    response["Accept-Ranges"] = "bytes" if attachment.mime_type in MEDIA_TYPES else "none"
    # Files are user content: never let a browser run them as a page of this site.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
