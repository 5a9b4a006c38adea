from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.attachments import MEDIA_TYPES, PHOTO_PENDING_RETRY, attachment_for
from core.health import check_broker, check_cache, check_database, heartbeats
from core.ranges import RangeNotSatisfiable, byte_range


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page names (older ones
    cannot show its SVG icon): the static ICO, under its release's name."""
    return HttpResponseRedirect(static("favicon.ico"))


@never_cache
@require_GET
def healthz(request):
    """For load balancers, monitoring and operators: each part ("ok" or
    "error: why") and 503 when any fails: the database, the cache, the broker,
    a worker (its heartbeat, sent by beat every minute, is recent) and beat (it
    sent a periodic task recently). `failing` names the parts that failed; a
    stopped beat also starves the worker's heartbeat, so both are named then."""
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    seen = {"worker_last_seen": None, "beat_last_seen": None}
    if checks["database"] is None:
        for part, (last, reason) in heartbeats().items():
            checks[part] = reason
            seen[f"{part}_last_seen"] = last.isoformat() if last else None
    else:
        checks.update(worker="database unavailable", beat="database unavailable")
    body = {
        name: ("ok" if reason is None else f"error: {reason}") for name, reason in checks.items()
    }
    body.update(seen)
    failing = [name for name, reason in checks.items() if reason is not None]
    body["failing"] = failing
    body["status"] = "error" if failing else "ok"
    body["time"] = timezone.now().isoformat()
    return JsonResponse(body, status=503 if failing else 200)


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


def photo_pending_response() -> HttpResponse:
    """A photo not yet re-encoded may still carry its GPS position: 503 with
    Retry-After and a sentence, never the file as sent."""
    response = HttpResponse(
        _("This photo is still being processed. Try again in a few seconds."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(PHOTO_PENDING_RETRY)
    return response


@login_required
@require_GET
def attachment_download(request, pk: int, thumbnail: bool = False):
    """Serve a file only if its record is visible to the reader; 404 otherwise."""
    attachment = attachment_for(request.user, pk)
    if attachment is None:
        raise Http404
    if attachment.pending:
        return photo_pending_response()
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
