"""What an archive says about itself: the manifest a restore is checked against."""

import json
from dataclasses import dataclass, field

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    tables: dict[str, int]
    media: dict[str, str]
    migrations: dict[str, list[str]]
    format: int = FORMAT_VERSION

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        values = json.loads(data)
        if values.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown archive format {values.get('format')!r}.")
        return cls(**values)


@dataclass
class Check:
    """The restored database and files against the manifest."""

    mismatches: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    migrations_to_apply: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches
