"""Backup and restore, drilled: the demo register is backed up, restored into a new database
and new media folders, and every table's rows and every file's bytes come back the same. A
damaged archive or a target that is not empty is refused before anything is written."""

import hashlib
import io
import tarfile
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from demo.loader import load_demo
from members.models import Organisation

# The refusals back up the migrated database alone, which pg_dump (another process) sees
# without a commit; SQLite's in-memory test database can only be copied outside a transaction
# (and emptying it afterwards is cheap). The drill commits the demo register: transactional.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "sqlite")

FILES = {
    "media/logos/ccc.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    "private/mou-documents/ស្រុក-mou-2024.pdf": b"%PDF-1.7\n" + "ខ្មែរ".encode() * 500,
    "private/event-materials/agenda.docx": b"PK\x03\x04 agenda",
}


@pytest.fixture
def folders(settings, tmp_path):
    """The media folders of the backed-up site, with a public and two private files."""
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "site" / "private"
    for name, content in FILES.items():
        root = settings.MEDIA_ROOT if name.startswith("media/") else settings.PRIVATE_MEDIA_ROOT
        path = Path(root, *name.split("/")[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return settings


def _use_new_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "new-host" / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "new-host" / "private"


def _checksums(root):
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _other_connection(url):
    return ConnectionHandler({"default": dj_database_url.parse(url)})["default"]


def _contents(db_connection):
    """Every table's rows, in an order that does not depend on how they were stored."""
    with db_connection.cursor() as cursor:
        tables = db_connection.introspection.table_names(cursor)
        contents = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            contents[table] = sorted(repr(row) for row in cursor.fetchall())
    return contents


def _tables_in(url):
    other = _other_connection(url)
    try:
        if other.vendor == "sqlite" and not Path(other.settings_dict["NAME"]).exists():
            return []
        with other.cursor() as cursor:
            return other.introspection.table_names(cursor)
    finally:
        other.close()


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the run's kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"ccc_restore_{uuid.uuid4().hex[:12]}"
    server = _other_connection(
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/postgres"
    )
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def vendor(request):
    if request.param == "postgresql":
        request.getfixturevalue("postgresql")  # fails under CI=true without PostgreSQL
    elif connection.vendor != "sqlite":
        pytest.skip("this run is on PostgreSQL; `make test` without DATABASE_URL drills SQLite")
    return request.param


def _backup(tmp_path):
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("ccc-portal-*.tar")
    return archive, out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_demo_register_comes_back_whole(vendor, folders, tmp_path, empty_database):
    load_demo()
    before_rows = _contents(connection)
    before_media = _checksums(folders.MEDIA_ROOT)
    before_private = _checksums(folders.PRIVATE_MEDIA_ROOT)
    assert Organisation.objects.count() > 10 and len(before_private) >= 2

    archive, said = _backup(tmp_path)
    assert "Backup written" in said
    assert not list((tmp_path / "backups").glob(".*")), "no partial file is left behind"
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert "every checksum matches" in out.getvalue()

    _use_new_folders(folders, tmp_path)
    out = io.StringIO()
    call_command("restore", str(archive), database_url=empty_database, stdout=out)
    assert "Restored" in out.getvalue()

    restored = _other_connection(empty_database)
    try:
        after_rows = _contents(restored)
    finally:
        restored.close()
    assert sorted(after_rows) == sorted(before_rows)
    for table, rows in before_rows.items():
        assert after_rows[table] == rows, f"{table} differs after the restore"
    assert _checksums(folders.MEDIA_ROOT) == before_media
    assert _checksums(folders.PRIVATE_MEDIA_ROOT) == before_private
    assert not list((tmp_path / "new-host").glob(".ccc-restore-*"))


@pytest.fixture
def small_archive(folders, tmp_path):
    archive, _said = _backup(tmp_path)
    _use_new_folders(folders, tmp_path)
    return archive


def _rewrite(archive, change):
    """Copy the archive member by member through `change(name, data) -> data or None`."""
    members = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            members.append((member, tar.extractfile(member).read()))
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            data = change(member.name, data)
            if data is not None:
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))


def _flip_a_byte_of_the_dump(archive):
    def change(name, data):
        if name.startswith("database."):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        return data

    _rewrite(archive, change)


def _drop_the_manifest(archive):
    _rewrite(archive, lambda name, data: None if name == "manifest.json" else data)


def _cut_in_half(archive):
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_cut_in_half, "damaged or incomplete"),
        (_flip_a_byte_of_the_dump, "checksum of database"),
        (_drop_the_manifest, "no manifest.json"),
    ],
)
def test_a_damaged_archive_is_refused_before_anything_is_written(
    small_archive, folders, tmp_path, empty_database, damage, message
):
    damage(small_archive)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(small_archive), check=True)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(small_archive), database_url=empty_database)
    assert _tables_in(empty_database) == []
    assert _checksums(folders.MEDIA_ROOT) == {}
    assert _checksums(folders.PRIVATE_MEDIA_ROOT) == {}
    assert not list((tmp_path / "new-host").glob(".ccc-restore-*"))


def test_a_database_that_is_not_empty_is_refused(small_archive, folders, empty_database):
    call_command("restore", str(small_archive), database_url=empty_database, stdout=io.StringIO())
    tables = _tables_in(empty_database)
    for folder in (folders.MEDIA_ROOT, folders.PRIVATE_MEDIA_ROOT):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                path.unlink()

    with pytest.raises(CommandError, match="target database is not empty"):
        call_command("restore", str(small_archive), database_url=empty_database)
    assert _tables_in(empty_database) == tables
    assert _checksums(folders.MEDIA_ROOT) == {}, "nothing was written to the media folder"


def test_media_folders_that_are_not_empty_are_refused(small_archive, folders, empty_database):
    kept = Path(folders.PRIVATE_MEDIA_ROOT, "someone-elses.pdf")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"%PDF keep me")

    with pytest.raises(CommandError, match="has files in it"):
        call_command("restore", str(small_archive), database_url=empty_database)
    assert _tables_in(empty_database) == []
    assert kept.read_bytes() == b"%PDF keep me"
    assert _checksums(folders.MEDIA_ROOT) == {}


def test_a_postgresql_archive_is_not_restored_into_sqlite(postgresql, small_archive, tmp_path):
    target = tmp_path / "other.sqlite3"
    with pytest.raises(CommandError, match="holds a postgresql database"):
        call_command("restore", str(small_archive), database_url=f"sqlite:///{target}")
    assert not target.exists()


def test_an_unreachable_database_is_a_clear_error(small_archive):
    with pytest.raises(CommandError, match="Cannot read the target database"):
        call_command(
            "restore", str(small_archive), database_url="postgres://nobody@127.0.0.1:9/none"
        )
