"""The media folder's side of a backup: every file archived with its checksum,
and put back as it was."""

import hashlib
import os
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .manifest import MEDIA, BackupError, Manifest

CHUNK = 2**20


def media_files(root: Path, skip: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every file under `root`, in a stable order;
    nothing under `skip` (backups written inside the media folder)."""
    if not root.is_dir():
        return
    for directory, folders, files in os.walk(root):
        folders.sort()
        here = Path(directory)
        if skip is not None and here.resolve().is_relative_to(skip.resolve()):
            folders.clear()
            continue
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A file read by tarfile, hashed as it is read, so the checksum is that of
    the bytes archived even if the file changes meanwhile."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def add_media(archive: tarfile.TarFile, root: Path, skip: Path) -> dict[str, str]:
    checksums = {}
    for name, path in media_files(root, skip):
        with path.open("rb") as stream:
            info = archive.gettarinfo(fileobj=stream, arcname=f"{MEDIA}/{name}")
            hashing = _Hashing(stream)
            archive.addfile(info, hashing)
        checksums[name] = hashing.digest.hexdigest()
    return checksums


def media_target(root: Path, name: str) -> Path:
    """Where an archived file goes; never outside the media folder."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The archive names a file outside the media folder: {name}")
    return root.joinpath(*relative.parts)


def restore_media(archive: tarfile.TarFile, manifest: Manifest, root: Path) -> None:
    """The media folder as it was: each archived file written in place (through
    a temporary name), then files the archive does not have removed, since no
    restored row refers to them. The folder itself stays (it may be a mount)."""
    root.mkdir(parents=True, exist_ok=True)
    prefix = f"{MEDIA}/"
    # One pass over the archive (looking each file up by name would read its
    # whole index once per file); a listed file it lacks is reported by the check.
    for member in archive:
        name = member.name.removeprefix(prefix)
        if not member.isfile() or name == member.name or name not in manifest.media:
            continue
        target = media_target(root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        with archive.extractfile(member) as source, partial.open("wb") as stream:
            shutil.copyfileobj(source, stream, CHUNK)
        partial.replace(target)
    for name, path in list(media_files(root)):
        if name not in manifest.media:
            path.unlink()
