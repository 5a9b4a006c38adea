"""Uploaded files on any record (problems, achievements, patents, proposals,
stories): one model, one set of checks, one scoped download.

An upload is refused unless its *content* is on the allow-list (sniffed from its
first bytes by the pure-Python `filetype`, so a renamed .exe is caught), it is
within the size limit, and, for photos, Pillow reads its header and it has no
more pixels than UPLOAD_MAX_PIXELS: a small file can decode to gigabytes, so
no pixel is decoded in the request. A worker then turns the photo upright from
its EXIF orientation and re-encodes it (which also drops EXIF data such as GPS
positions) and makes its thumbnail; until then the photo is `pending` and served
to nobody. Names are sanitised.

Apps register which scoping function guards each owner model; the download view
serves a file only if the owner is visible to the reader, else 404.
"""

import datetime
import io
import logging
import os
import unicodedata
import warnings
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

import filetype
from celery.signals import task_postrun
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.core.signals import request_finished
from django.db import connections, transaction
from django.db.models import FileField, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.history import acting_for
from core.models import Attachment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AllowedType:
    extension: str
    is_image: bool = False


# What a union office actually attaches: phone photos, scans, PDFs, CAD drawings,
# Office documents; stories add audio and video.
ALLOWED_TYPES: dict[str, AllowedType] = {
    "image/jpeg": AllowedType("jpg", is_image=True),
    "image/png": AllowedType("png", is_image=True),
    "image/webp": AllowedType("webp", is_image=True),
    "application/pdf": AllowedType("pdf"),
    "image/vnd.dwg": AllowedType("dwg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": AllowedType("docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": AllowedType("xlsx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": AllowedType(
        "pptx"
    ),
}
# Audio and video a browser plays without a plug-in, accepted only where an app
# asks for them (stories: songs, clapper talk recordings, short videos).
MEDIA_TYPES: dict[str, AllowedType] = {
    "audio/mpeg": AllowedType("mp3"),
    "audio/mp4": AllowedType("m4a"),
    "audio/x-wav": AllowedType("wav"),
    "audio/ogg": AllowedType("ogg"),
    "video/mp4": AllowedType("mp4"),
    "video/x-m4v": AllowedType("m4v"),
    "video/quicktime": AllowedType("mov"),
    "video/webm": AllowedType("webm"),
}
THUMBNAIL_SIZE = (480, 480)
# Seconds a reader is asked to wait (Retry-After) for a photo still pending.
PHOTO_PENDING_RETRY = 5

# owner model label ("achievements.achievement") → scoping function (user → QuerySet)
_owner_scopes: dict[str, Callable[..., QuerySet]] = {}
# owner model label → (user, owner id) → whether the uploader must not be named
_uploader_hidden: dict[str, Callable[..., bool]] = {}


def register_owner(
    model, visible_to: Callable[..., QuerySet], *, hides_uploader: Callable[..., bool] | None = None
) -> None:
    """Say which scoping function decides who may download `model`'s files, and
    optionally who must not learn who uploaded them (a blind reviewer)."""
    _owner_scopes[model._meta.label_lower] = visible_to
    if hides_uploader is not None:
        _uploader_hidden[model._meta.label_lower] = hides_uploader


def uploader_hidden(user, attachment: Attachment) -> bool:
    """Whether the reader must not be told who uploaded `attachment`."""
    content_type = ContentType.objects.get_for_id(attachment.content_type_id)
    rule = _uploader_hidden.get(f"{content_type.app_label}.{content_type.model}")
    return bool(rule and rule(user, attachment.object_id))


def attachments_visible_to(user) -> QuerySet[Attachment]:
    """Attachments whose owner the user may see (one subquery per owner model)."""
    from django.db.models import Q

    if not getattr(user, "is_authenticated", False):
        return Attachment.objects.none()
    visible = Q(pk__in=[])
    for label, visible_to in _owner_scopes.items():
        content_type = ContentType.objects.get_by_natural_key(*label.split("."))
        visible |= Q(
            content_type=content_type,
            object_id__in=visible_to(user).values("pk"),
        )
    return Attachment.objects.filter(visible).select_related("uploaded_by")


def attachment_for(user, pk) -> Attachment | None:
    """One attachment, if its record is visible to the user: a lookup by key
    and one EXISTS on the owner's scope, instead of scanning every visible record."""
    if not getattr(user, "is_authenticated", False) or not str(pk).isdigit():
        return None
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        return None
    visible_to = _owner_scopes.get(
        f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    )
    if visible_to is None or not visible_to(user).filter(pk=attachment.object_id).exists():
        return None
    return attachment


def attachments_of(owner) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk
    ).select_related("uploaded_by")


def attachments_by_owner(owners) -> dict[int, list[Attachment]]:
    """The files of several records of one model, by record id, in one query
    (a list page that shows each row's files)."""
    owners = list(owners)
    if not owners:
        return {}
    by_owner: dict[int, list[Attachment]] = {owner.pk: [] for owner in owners}
    for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owners[0]),
        object_id__in=list(by_owner),
    ):
        by_owner[attachment.object_id].append(attachment)
    return by_owner


def sniff(head: bytes) -> str | None:
    """The MIME type the content really has, or None if unknown."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    # filetype names DWG "image/vnd.dwg"; Office files are recognised as such.
    return kind.mime


def clean_name(name: str, extension: str) -> str:
    """A safe file name that keeps Chinese characters and forces the real extension."""
    stem = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[0]
    stem = unicodedata.normalize("NFC", stem).replace("\x00", "")
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # nothing usable left, e.g. "（）"
        stem = ""
    return f"{stem[:80] or 'file'}.{extension}"


def _too_large() -> ValidationError:
    return ValidationError(
        {
            "file": _(
                "This photo is larger than %(limit)s megapixels: take it at a lower "
                "resolution or make it smaller, then upload it again."
            )
            % {"limit": settings.UPLOAD_MAX_PIXELS // 1_000_000}
        }
    )


def _pixels_check(upload) -> None:
    """Refuse a photo with too many pixels, or whose header Pillow cannot read,
    from its header alone: `Image.open` decodes no pixel until `.load()`."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (below twice its limit) instead of refusing.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"file": _("This image cannot be read.")}) from exc
    finally:
        upload.seek(0)
    if width * height > settings.UPLOAD_MAX_PIXELS:
        raise _too_large()


def _upright(data: bytes) -> tuple[bytes, bytes]:
    """Re-encode a photo upright (EXIF orientation applied and dropped) and make a
    JPEG thumbnail. Raises ValidationError if the image cannot be decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns below its hard limit; a small file can still
            # decode to gigabytes, so any warning of that kind is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"file": _("This image cannot be read.")}) from exc
    except Image.DecompressionBombWarning as exc:
        raise _too_large() from exc


def _reencode(data: bytes) -> tuple[bytes, bytes]:
    with Image.open(io.BytesIO(data)) as image:
        # Checked from the header again, before a single pixel is decoded (the
        # setting may have been lowered since the upload).
        if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
            raise Image.DecompressionBombWarning("too many pixels")
        image_format = image.format
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "L") and image_format == "JPEG":
            upright = upright.convert("RGB")
        body = io.BytesIO()
        upright.save(body, format=image_format)
        thumbnail = upright.convert("RGB")
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        small = io.BytesIO()
        thumbnail.save(small, format="JPEG", quality=85)
    return body.getvalue(), small.getvalue()


def _allowed(mime: str | None, *, media: bool) -> AllowedType | None:
    allowed = ALLOWED_TYPES.get(mime or "")
    if allowed is None and media:
        allowed = MEDIA_TYPES.get(mime or "")
    return allowed


@transaction.atomic
def attachment_create(
    *, owner, upload, by, max_bytes: int | None = None, media_max_bytes: int | None = None
) -> Attachment:
    """Check and store an uploaded file on `owner`. The caller (an app service)
    has already checked that `by` may write to `owner`. With `media_max_bytes`
    audio and video (MEDIA_TYPES) are accepted too, up to that size; every other
    kind keeps `max_bytes` (by default UPLOAD_MAX_BYTES), photos included, since
    a worker decodes a photo in memory."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    media = media_max_bytes is not None
    upload.seek(0)
    mime = sniff(upload.read(8192))
    allowed = _allowed(mime, media=media)
    if allowed is None:
        raise ValidationError(
            {
                "file": _("This kind of file is not accepted (photos, audio, video, PDF, Office).")
                if media
                else _("This kind of file is not accepted (photos, PDF, drawings, Office).")
            }
        )
    limit = media_max_bytes if mime in MEDIA_TYPES else (max_bytes or settings.UPLOAD_MAX_BYTES)
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    if allowed.is_image:
        _pixels_check(upload)
    name = clean_name(getattr(upload, "name", ""), allowed.extension)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        original_name=name,
        mime_type=mime,
        uploaded_by=by,
        size=upload.size,
        # A photo is decoded by a worker (attachment_photo_finish), never here.
        pending=allowed.is_image,
    )
    upload.seek(0)
    try:
        # Stored as uploaded, chunk by chunk: a video is never held in memory.
        attachment.file.save(name, File(upload), save=False)
        attachment.save()
    except BaseException:
        _delete_files(attachment.file.storage, _names(attachment))
        raise
    files_delete_on_rollback(attachment.file.storage, _names(attachment))
    if attachment.pending:
        from core.tasks import attachment_photo_process

        transaction.on_commit(lambda: attachment_photo_process.delay(attachment.pk))
    return attachment


def attachment_photo_finish(*, attachment_id: int) -> Attachment | None:
    """The background half of a photo's upload: turn it upright, re-encode it
    without its metadata, make its thumbnail and serve it from then on. Safe to
    run twice (a photo no longer pending is left alone); a photo that cannot be
    decoded after all (a truncated file) is removed, since no one can view it.
    Its history names the uploader: the task finishes their upload."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update().filter(pk=attachment_id, pending=True).first()
        )
        if attachment is None:
            return None
        with acting_for(attachment.uploaded_by):
            return _photo_finish(attachment)


def _photo_finish(attachment: Attachment) -> Attachment | None:
    storage, sent = attachment.file.storage, attachment.file.name
    with attachment.file.open("rb") as stored:
        data = stored.read()
    try:
        body, small = _upright(data)
    except ValidationError:
        log.warning("photo %s could not be decoded and was removed", attachment.pk)
        attachment_delete(attachment=attachment)
        return None
    stem = os.path.splitext(attachment.original_name)[0]
    attachment.file.save(attachment.original_name, ContentFile(body), save=False)
    attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(small), save=False)
    attachment.size = len(body)
    attachment.pending = False
    try:
        attachment.save(update_fields=["file", "thumbnail", "size", "pending"])
    except BaseException:
        _delete_files(storage, _names(attachment))
        raise
    files_delete_on_rollback(storage, _names(attachment))
    transaction.on_commit(lambda: _delete_files(storage, [sent]))
    return attachment


def _names(attachment: Attachment) -> list[str]:
    return [field.name for field in (attachment.file, attachment.thumbnail) if field]


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    """Remove the record and, once that is committed, its files (the caller
    checked the right to do so): a rollback keeps the row and its files."""
    storage, names = attachment.file.storage, _names(attachment)
    attachment.delete()
    transaction.on_commit(lambda: _delete_files(storage, names))


# --- files of a transaction that rolled back ---------------------------------------
# A file is written to storage before the row that names it is committed. When
# that transaction rolls back (a later check of the calling service fails, the
# database goes away), nothing would ever point to the file. Django offers no
# rollback hook, but it drops the on-commit callbacks of a transaction or
# savepoint that rolls back: a file whose callback neither ran nor is still
# waiting was rolled back, and is deleted after the request or task that
# stored it. `manage.py orphan_files` finds what a killed process left.


@dataclass(eq=False)
class _StoredFiles:
    storage: Storage
    names: list[str]
    # Where each file lies, for a storage with a local path: the delete may come
    # after the media root changed (a test's settings), and must not hit a file
    # of the same name there.
    paths: list[str]
    committed: bool = False


def files_delete_on_rollback(storage: Storage, names: list[str]) -> None:
    """Delete `names` from `storage` if the current transaction rolls back."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not names:
        return  # committed already (autocommit): nothing can undo the row
    try:
        paths = [storage.path(name) for name in names]
    except NotImplementedError:  # a remote storage: its names are global
        paths = []
    stored = _StoredFiles(storage, list(names), paths)

    def committed() -> None:
        stored.committed = True

    transaction.on_commit(committed)
    connection.__dict__.setdefault("stored_files_pending", []).append((stored, committed))


def files_of_rollbacks_delete(**_signal) -> int:
    """Delete the files of every transaction that rolled back since it stored
    them; the number of files deleted. Runs after each request and task."""
    deleted = 0
    for connection in connections.all(initialized_only=True):
        pending = connection.__dict__.get("stored_files_pending")
        if not pending:
            continue
        waiting = {id(callback) for _sids, callback, _robust in connection.run_on_commit}
        for entry in list(pending):
            stored, callback = entry
            rolled_back = not stored.committed and id(callback) not in waiting
            if stored.committed or rolled_back:
                pending.remove(entry)
            if rolled_back:
                deleted += _delete_files(stored.storage, stored.names, stored.paths)
    return deleted


def _delete_files(storage: Storage, names: list[str], paths: list[str] = ()) -> int:
    for path in paths:
        with suppress(FileNotFoundError):
            os.remove(path)
    for name in [] if paths else names:
        storage.delete(name)
    return len(names)


request_finished.connect(files_of_rollbacks_delete, dispatch_uid="files_of_rollbacks_delete")
task_postrun.connect(files_of_rollbacks_delete, dispatch_uid="files_of_rollbacks_delete")


# --- files no record names -----------------------------------------------------------


def stored_files_unreferenced(*, older_than: datetime.timedelta) -> list[str]:
    """Files in the default storage that no file field of any record names,
    stored longer ago than `older_than` (a younger one may belong to an upload
    or a report whose transaction has not committed yet); sorted by name."""
    storage = default_storage
    referenced: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, FileField) and not model_field.many_to_many:
                names = (
                    model._base_manager.exclude(**{model_field.attname: ""})
                    .values_list(model_field.attname, flat=True)
                    .iterator(chunk_size=10_000)
                )
                referenced.update(name for name in names if name)
    cutoff = timezone.now() - older_than
    return sorted(
        name
        for name in _every_file(storage, "")
        if name not in referenced and storage.get_modified_time(name) < cutoff
    )


def _every_file(storage: Storage, folder: str):
    if folder and not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _every_file(storage, f"{folder}/{sub}" if folder else sub)
