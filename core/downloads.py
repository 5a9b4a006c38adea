"""Files a page or the API hands to the person who asked for them: named as
sent (a Chinese name goes as RFC 6266's `filename*=utf-8''…`, RFC 5987-encoded,
which browsers keep; an ASCII one as a plain `filename=`), never kept by a
shared cache. Every app sends its files through these, whatever holds the file:
bytes built for the request, a file in storage, or rows streamed as written."""

from collections.abc import Iterable

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

PRIVATE = "private, no-store"


def private_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file built for the request (a workbook, a PDF, a Word file)."""
    response = HttpResponse(content, content_type=content_type)
    return _as_private_file(response, filename)


def private_file_download(file, *, filename: str, content_type: str) -> FileResponse:
    """An open file (from storage, or a temporary one), sent in chunks and
    closed once sent; named after `filename`, not the stored path."""
    response = FileResponse(file, content_type=content_type)
    return _as_private_file(response, filename)


def private_stream_download(
    chunks: Iterable, *, filename: str, content_type: str
) -> StreamingHttpResponse:
    """A file written while it is sent (a CSV export, row by row)."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    return _as_private_file(response, filename)


def _as_private_file(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = PRIVATE
    return response
