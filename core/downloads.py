"""Files a page or the API hands to the person who asked for them."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def private_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file for the person who asked only: named as sent (RFC 6266's
    `filename*=` carries Chinese), never kept by a shared cache."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
