"""Backup and restore (core/backup/; `manage.py backup` / `restore`): the database
and the media files saved together, restored into a new database and a new
folder, and checked against the archive's manifest. On the suite's own
database, whichever it is: pg_dump / pg_restore on PostgreSQL, SQLite's backup
API on a SQLite file."""

import datetime
import io
import tarfile
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import User
from competitions import services
from competitions.models import Campaign, Proposal, ProposalEvent
from core.backup import database as backup_database
from core.backup import file_sha256, table_counts
from tests.competitions.conftest import COMPLETE, _campaign
from tests.competitions.pages import jpeg
from tests.replica import databases_swapped


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign(org):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return _campaign(org, name="五小竞赛", year=now.year, opens=now - day, closes=now + day)


@pytest.fixture(scope="module")
def spare_postgresql_database(django_db_setup, django_db_blocker):
    """A second database beside the test database, made once for this module
    (creating and dropping a database is the slow part of a restore test)."""
    name = f"{connection.settings_dict['NAME']}_restored"

    def run(sql: str) -> None:
        # CREATE DATABASE runs outside a transaction: on a connection of its own.
        with (
            django_db_blocker.unblock(),
            closing(connection.copy()) as server,
            server.cursor() as cursor,
        ):
            cursor.execute(sql)

    if connection.vendor != "postgresql":
        yield None
        return
    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    yield name
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database(spare_postgresql_database, tmp_path):
    """`new_database()`: `default` pointed, for the block, at an empty database of
    the suite's vendor: the spare PostgreSQL database emptied, or a new SQLite file."""
    name = spare_postgresql_database or str(tmp_path / "new.sqlite3")

    @contextmanager
    def swapped():
        with databases_swapped({"default": {**connection.settings_dict, "NAME": name}}):
            if spare_postgresql_database:
                with connection.cursor() as cursor:
                    cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            yield

    return swapped


def backup(tmp_path: Path) -> Path:
    output = tmp_path / "backups"
    call_command("backup", output=output, stdout=io.StringIO())
    (archive,) = output.glob("backup-*.tar")
    return archive


def restore(archive: Path, *, yes: bool = False) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("restore", str(archive), yes=yes, stdout=out, stderr=err)
    except CommandError as exc:
        raise CommandError(f"{exc}\n{err.getvalue()}") from exc
    return out.getvalue()


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): file_sha256(path)
        for path in root.rglob("*")
        if path.is_file()
    }


def what_a_reader_sees() -> dict:
    """A few records as people read them: proposals with their codes, their
    history, and the people who filed them."""
    return {
        "proposals": list(
            Proposal.objects.order_by("code").values_list(
                "code", "title", "status", "author__employee_no"
            )
        ),
        "history": list(
            ProposalEvent.objects.order_by("proposal__code", "at", "pk").values_list(
                "proposal__code", "from_state", "to_state", "actor__employee_no", "at"
            )
        ),
        "people": list(
            User.objects.order_by("employee_no").values_list("employee_no", "full_name")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_and_folder_as_it_was(
    org, campaign, media_root, new_database, tmp_path, settings
):
    # Given two proposals of team A101 (one with a photo, screened) and one of A102.
    draft = services.proposal_create(by=org.worker_a, campaign=campaign, **COMPLETE)
    services.attachment_add(record=draft, by=org.worker_a, upload=jpeg())
    services.proposal_submit(proposal_id=draft.pk, by=org.worker_a)
    for author in (org.worker_a, org.colleague_a):
        other = services.proposal_create(by=author, campaign=campaign, **COMPLETE)
        services.proposal_submit(proposal_id=other.pk, by=author)
    services.proposal_screen(proposal_id=draft.pk, by=org.official_a)
    rows, seen, files = table_counts(connection), what_a_reader_sees(), checksums(media_root)
    assert len(files) == 2  # the photo and its thumbnail
    assert [code for code, *_ in seen["proposals"] if "A101" in code][-1].endswith("A101-0002")

    archive = backup(tmp_path)
    settings.MEDIA_ROOT = tmp_path / "new-media"
    with new_database():
        said = restore(archive)

        assert "all as in the backup" in said
        assert table_counts(connection) == rows
        assert what_a_reader_sees() == seen
        assert checksums(settings.MEDIA_ROOT) == files
        # The numbering goes on where it stopped.
        author = User.objects.get(employee_no="worker_a")
        restored = Campaign.objects.get(pk=campaign.pk)
        after = services.proposal_create(by=author, campaign=restored, **COMPLETE)
        after = services.proposal_submit(proposal_id=after.pk, by=author)
        assert after.code == f"{campaign.year}-A101-0003"


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data_without_yes(org, media_root, tmp_path):
    archive = backup(tmp_path)
    people = User.objects.count()

    with pytest.raises(CommandError, match=r"holds [1-9]\d* rows .* run again with --yes"):
        restore(archive)

    assert User.objects.count() == people


@pytest.mark.django_db
def test_restore_refuses_a_media_folder_that_holds_files_without_yes(media_root, tmp_path):
    archive = backup(tmp_path)
    (media_root / "attachments").mkdir()
    kept = media_root / "attachments" / "photo.jpg"
    kept.write_bytes(b"a photo uploaded since")

    with pytest.raises(CommandError, match=r"holds 0 rows .* 1 files.*--yes"):
        restore(archive)

    assert kept.read_bytes() == b"a photo uploaded since"


def corrupt(archive: Path, name: str) -> None:
    """One file's bytes in the archive changed, as a failing disk would."""
    with tarfile.open(archive) as source:
        members = [(member, source.extractfile(member).read()) for member in source]
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as target:
        for member, data in members:
            if member.name == name:
                data = data.replace(b"report", b"rep0rt")
            target.addfile(member, io.BytesIO(data))


@pytest.mark.django_db
def test_a_corrupted_media_file_is_reported_as_a_mismatch(
    media_root, new_database, tmp_path, settings
):
    (media_root / "reports").mkdir()
    (media_root / "reports" / "summary.xlsx").write_bytes(b"the monthly report")
    (media_root / "reports" / "other.xlsx").write_bytes(b"another")
    archive = backup(tmp_path)
    corrupt(archive, "media/reports/summary.xlsx")
    settings.MEDIA_ROOT = tmp_path / "new-media"

    with (
        new_database(),
        pytest.raises(CommandError, match="does not match") as refused,
    ):
        restore(archive)

    assert "file reports/summary.xlsx: checksum differs" in str(refused.value)
    assert "other.xlsx" not in str(refused.value)


@pytest.mark.django_db
def test_an_archive_that_is_not_a_backup_is_refused_and_nothing_changes(media_root, tmp_path):
    not_an_archive = tmp_path / "backup-notes.tar"
    not_an_archive.write_text(f"written {timezone.now()}")

    with pytest.raises(CommandError, match="is not a backup archive"):
        restore(not_an_archive, yes=True)
    with pytest.raises(CommandError, match="No such archive"):
        restore(tmp_path / "missing.tar", yes=True)


def test_the_database_password_reaches_pg_dump_in_its_environment_never_its_command_line(
    monkeypatch,
):
    ran = {}
    monkeypatch.setattr(
        backup_database.subprocess,
        "run",
        lambda command, env, **options: ran.update(env=env, command=command),
    )
    database = {
        "NAME": "innovation",
        "USER": "app",
        "PASSWORD": "s3cret",
        "HOST": "db",
        "PORT": 5432,
    }

    backup_database._run(["pg_dump", "--format=custom"], database)

    assert "s3cret" not in " ".join(ran["command"])
    assert ran["env"]["PGPASSWORD"] == "s3cret"
    assert (ran["env"]["PGHOST"], ran["env"]["PGUSER"], ran["env"]["PGDATABASE"]) == (
        "db",
        "app",
        "innovation",
    )
