"""Backups of the whole portal in one file, and their restore (docs/operations.md).

An archive is an uncompressed tar (the PostgreSQL dump is compressed already; uploads are
mostly images and PDFs) holding, in this order:

    database.dump       pg_dump's custom format (PostgreSQL), or
    database.sqlite3    a copy made by SQLite's online backup API
    media/...           every file under MEDIA_ROOT
    private/...         every file under PRIVATE_MEDIA_ROOT (MoU PDFs, event materials)
    manifest.json       last: what was written, with a SHA-256 and size per member, the row
                        count of every table and the migrations applied

The manifest comes last, so an archive cut short has none and is refused; it is written to a
hidden name and renamed when complete, so an interrupted backup never looks like a backup.
A restore reads and checks the whole archive into staging folders before it touches the
database or the media folders, and refuses a database with any table in it or a media folder
with any file in it.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import dj_database_url
import django
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from django.utils.translation import gettext as _

FORMAT = "ccc-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FOLDERS = ("media", "private")
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float

    @property
    def size(self):
        return self.path.stat().st_size


@dataclass
class RestoreResult:
    manifest: dict
    seconds: float = 0.0
    row_differences: dict = field(default_factory=dict)
    migrations_missing_here: list = field(default_factory=list)
    migrations_to_apply: list = field(default_factory=list)


# --- Shared helpers -------------------------------------------------------------------------


def _folders():
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _vendor(settings_dict):
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(
        _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
    )


def _sqlite_in_memory(name):
    name = str(name)
    return name in ("", ":memory:") or "mode=memory" in name


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor, tables):
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (names from introspection)
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor, tables):
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_tables(cursor):
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\'"
    )
    return [row[0] for row in cursor.fetchall()]


def _separate_connection(settings_dict):
    """A Django connection of its own (not the thread's), for a snapshot or another database."""
    return ConnectionHandler({"default": dict(settings_dict)})["default"]


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL's client programs -----------------------------------------------------------


def _pg_environment(settings_dict):
    """The connection for pg_dump/pg_restore, passed in the environment (never on the command
    line, where other users of the machine could read the password)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("options", "PGOPTIONS"),
    ):
        pairs[variable] = options.get(option)
    env.update({key: str(value) for key, value in pairs.items() if value not in (None, "")})
    return env


def _tool_major(path):
    try:
        output = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)\.\d+", output)
    return int(match.group(1)) if match else None


def _pg_tool(name, *, server_major, minimum):
    """The pg_dump or pg_restore to use: the one of the server's own major version if there is
    one (a newer client writes SQL an older server may refuse), else the newest available that
    is at least `minimum` (a client older than the server or the archive cannot read them)."""
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    # Debian and Ubuntu install each version's programs here, not on PATH.
    candidates += Path("/usr/lib/postgresql").glob(f"*/bin/{name}")
    versions = {}
    for path in candidates:
        major = _tool_major(path)
        if major is not None and major >= minimum:
            versions.setdefault(major, path)
    if not versions:
        raise BackupError(
            _(
                "No %(name)s of version %(minimum)s or newer was found on PATH or under "
                "/usr/lib/postgresql/*/bin. Install the PostgreSQL client programs of the "
                "server's version (Debian: postgresql-client-%(minimum)s)."
            )
            % {"name": name, "minimum": minimum}
        )
    major = server_major if server_major in versions else max(versions)
    return versions[major], major


def _run_pg(command, env, what):
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupError(
            _("%(what)s failed: %(error)s")
            % {"what": what, "error": completed.stderr.strip() or completed.returncode}
        )


# --- Backup -----------------------------------------------------------------------------------


def _dump_postgresql(settings_dict, target):
    """pg_dump into `target`, and the row counts and migrations of the same snapshot."""
    snapshot = _separate_connection(settings_dict)
    try:
        snapshot.ensure_connection()
        snapshot.set_autocommit(False)
        with snapshot.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')")
            snapshot_id, server_version_num = cursor.fetchone()
            server_major = int(server_version_num) // 10000
            tables = snapshot.introspection.table_names(cursor)
            counts = _count_rows(cursor, tables)
            migrations = _applied_migrations(cursor, tables)
            pg_dump, tool_major = _pg_tool(
                "pg_dump", server_major=server_major, minimum=server_major
            )
            # The dump sees exactly what was counted: it joins this transaction's snapshot.
            _run_pg(
                [
                    str(pg_dump),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                _pg_environment(settings_dict),
                "pg_dump",
            )
        snapshot.rollback()
    finally:
        snapshot.close()
    info = {"server_version": server_major, "dump_tool_version": tool_major}
    return counts, migrations, info


def _dump_sqlite(alias, target):
    """SQLite's online backup API into `target` (consistent while others write), counted from
    the copy itself."""
    connection = connections[alias]
    if connection.is_in_memory_db():
        # The test database: reachable through this connection alone, which must not be in the
        # middle of a write (SQLite's backup would wait for it forever).
        if connection.in_atomic_block:
            raise BackupError(
                _("An in-memory SQLite database cannot be backed up inside a transaction.")
            )
        connection.ensure_connection()
        source = connection.connection
    else:
        # A connection of its own, reading committed data whatever this thread is doing.
        name = Path(connection.settings_dict["NAME"]).resolve()
        if not name.is_file():
            raise BackupError(_("%(name)s does not exist.") % {"name": name})
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        counts = _count_rows(cursor, tables)
        migrations = _applied_migrations(cursor, tables)
    finally:
        copy.close()
        if source is not connection.connection:
            source.close()
    return counts, migrations, {"server_version": sqlite3.sqlite_version}


class _HashingReader:
    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar, path, name):
    """Add one file, hashing exactly the bytes written (a file that changes meanwhile is
    recorded as it was stored)."""
    with open(path, "rb") as raw:
        info = tar.gettarinfo(fileobj=raw, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def _folder_files(root):
    if not root.is_dir():
        return []
    files = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                files.append(path)
    return files


def backup_create(*, output_dir, alias="default", now=None) -> BackupResult:
    """Write one archive of the database and both media folders into `output_dir`."""
    started = time.monotonic()
    settings_dict = connections[alias].settings_dict
    vendor = _vendor(settings_dict)
    now = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    now = now.replace(microsecond=0)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = output_dir / f"ccc-portal-{now:%Y-%m-%dT%H%M%SZ}.tar"
    if final.exists():
        raise BackupError(_("%(path)s exists already.") % {"path": final})
    partial = output_dir / f".{final.name}.partial"
    dump_name = DUMP_NAMES[vendor]
    with tempfile.TemporaryDirectory(prefix="ccc-backup-") as scratch:
        dump = Path(scratch) / dump_name
        if vendor == "postgresql":
            counts, migrations, database_info = _dump_postgresql(settings_dict, dump)
        else:
            counts, migrations, database_info = _dump_sqlite(alias, dump)
        members = {}
        # The archive holds personal data: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    members[dump_name] = _add_file(tar, dump, dump_name)
                    for prefix, root in _folders().items():
                        for path in _folder_files(root):
                            name = f"{prefix}/{path.relative_to(root).as_posix()}"
                            members[name] = _add_file(tar, path, name)
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": now.isoformat().replace("+00:00", "Z"),
                        "django_version": django.get_version(),
                        "database": {"vendor": vendor, "file": dump_name, **database_info},
                        "migrations": migrations,
                        "tables": counts,
                        "files": members,
                    }
                    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(data)
                    info.mtime = int(now.timestamp())
                    info.mode = 0o600
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=final, manifest=manifest, seconds=time.monotonic() - started)


# --- Reading and checking an archive ----------------------------------------------------------


def _member_path(name):
    """The archive path of a member we may extract, or None if it is not one of ours."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    if str(path) in DUMP_NAMES.values() or str(path) == MANIFEST:
        return path
    if path.parts[0] in FOLDERS and len(path.parts) > 1:
        return path
    return None


def _damaged(archive, reason):
    return BackupError(
        _("%(archive)s is damaged or incomplete (%(reason)s); nothing was restored.")
        % {"archive": archive, "reason": reason}
    )


class _staged:
    """A staging file to write; a failure to write (a full disk) is said as such, not taken
    for a damaged archive."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(self.path, "wb")  # noqa: SIM115 (closed in __exit__)
        except OSError as error:
            raise self._error(error) from None
        return self

    def write(self, data):
        try:
            self.file.write(data)
        except OSError as error:
            raise self._error(error) from None

    def __exit__(self, *exc_info):
        self.file.close()

    def _error(self, error):
        return BackupError(
            _("Cannot write the staging file %(path)s: %(error)s")
            % {"path": self.path, "error": error.strerror or error}
        )


def archive_read(archive, staging) -> dict:
    """Extract `archive` into the staging folders (`staging` maps "database", "media" and
    "private" to empty folders) and check it whole: every member listed in the manifest with
    its checksum and size, nothing more, nothing missing. Returns the manifest; raises
    BackupError on anything else."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("%(archive)s does not exist.") % {"archive": archive})
    found = {}
    manifest_bytes = None
    try:
        # "r|*": one pass, in order; an archive gzipped by hand is read too.
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                path = _member_path(member.name)
                if path is None or not member.isfile():
                    raise _damaged(archive, _("unexpected member %(name)s") % {"name": member.name})
                name = str(path)
                if name in found or (name == MANIFEST and manifest_bytes is not None):
                    raise _damaged(archive, _("%(name)s appears twice") % {"name": name})
                source = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise _damaged(archive, _("the manifest is too large"))
                    manifest_bytes = source.read()
                    continue
                if path.parts[0] in FOLDERS:
                    target = Path(staging[path.parts[0]]).joinpath(*path.parts[1:])
                else:
                    target = Path(staging["database"]) / name
                digest = hashlib.sha256()
                size = 0
                with _staged(target) as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if size != member.size:
                    raise _damaged(archive, _("%(name)s is cut short") % {"name": name})
                found[name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise _damaged(archive, str(error) or error.__class__.__name__) from None
    if manifest_bytes is None:
        raise _damaged(archive, _("it has no manifest.json; a complete backup ends with one"))
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, UnicodeDecodeError):
        raise _damaged(archive, _("manifest.json is not valid JSON")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(archive, _("manifest.json is not a CCC portal backup manifest"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("%(archive)s has format version %(version)s; this code reads version %(ours)s.")
            % {
                "archive": archive,
                "version": manifest.get("format_version"),
                "ours": FORMAT_VERSION,
            }
        )
    expected = manifest.get("files")
    database = manifest.get("database")
    if not (
        isinstance(expected, dict)
        and all(isinstance(facts, dict) for facts in expected.values())
        and isinstance(manifest.get("tables"), dict)
        and isinstance(database, dict)
        and DUMP_NAMES.get(database.get("vendor")) == database.get("file")
    ):
        raise _damaged(archive, _("manifest.json is not a CCC portal backup manifest"))
    for name, facts in sorted(expected.items()):
        if name not in found:
            raise _damaged(archive, _("%(name)s is missing") % {"name": name})
        if found[name] != {"sha256": facts.get("sha256"), "size": facts.get("size")}:
            raise _damaged(archive, _("the checksum of %(name)s does not match") % {"name": name})
    extra = sorted(set(found) - set(expected))
    if extra:
        raise _damaged(archive, _("%(name)s is not in the manifest") % {"name": extra[0]})
    if database["file"] not in found:
        raise _damaged(archive, _("it holds no database"))
    return manifest


def archive_check(archive) -> dict:
    """Read and check the whole archive without restoring anything."""
    with tempfile.TemporaryDirectory(prefix="ccc-check-") as scratch:
        staging = {key: Path(scratch) / key for key in ("database", *FOLDERS)}
        for folder in staging.values():
            folder.mkdir()
        return archive_read(archive, staging)


# --- Restore ----------------------------------------------------------------------------------


def _target_settings(database_url, alias):
    if database_url:
        return dj_database_url.parse(database_url)
    return dict(connections[alias].settings_dict)


def _target_tables(vendor, settings_dict):
    if vendor == "sqlite":
        name = settings_dict["NAME"]
        if _sqlite_in_memory(name):
            raise BackupError(_("Cannot restore into an in-memory SQLite database."))
        if not Path(name).exists():
            return {}
        target = sqlite3.connect(f"file:{Path(name).resolve()}?mode=ro", uri=True)
        try:
            cursor = target.cursor()
            return _count_rows(cursor, _sqlite_tables(cursor))
        finally:
            target.close()
    connection = _separate_connection(settings_dict)
    try:
        with connection.cursor() as cursor:
            return _count_rows(cursor, connection.introspection.table_names(cursor))
    except DatabaseError as error:
        raise BackupError(
            _("Cannot read the target database %(name)s: %(error)s")
            % {"name": settings_dict.get("NAME"), "error": str(error).strip()}
        ) from None
    finally:
        connection.close()


def _server_major(settings_dict):
    connection = _separate_connection(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')")
            return int(cursor.fetchone()[0]) // 10000
    finally:
        connection.close()


def _has_files(root):
    return root.is_dir() and any(path.is_file() or path.is_symlink() for path in root.rglob("*"))


def _restore_database(vendor, settings_dict, dump, manifest):
    if vendor == "sqlite":
        target = Path(settings_dict["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(dump, partial)
        os.replace(partial, target)
        return
    server_major = _server_major(settings_dict)
    minimum = max(server_major, int(manifest["database"].get("dump_tool_version") or 0))
    pg_restore, _major = _pg_tool("pg_restore", server_major=server_major, minimum=minimum)
    # One transaction: a restore that fails part way leaves the database as empty as it was.
    _run_pg(
        [
            str(pg_restore),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings_dict['NAME']}",
            str(dump),
        ],
        _pg_environment(settings_dict),
        "pg_restore",
    )


def _move_contents(source, target):
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        destination = target / entry.name
        if destination.is_dir() and entry.is_dir():
            _move_contents(entry, destination)
        else:
            os.replace(entry, destination)


def backup_restore(*, archive, database_url=None, alias="default") -> RestoreResult:
    """Restore `archive` into an empty database (the default one, or `database_url`) and the
    empty media folders of these settings. Everything is checked before anything is written."""
    started = time.monotonic()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("%(archive)s does not exist.") % {"archive": archive})
    settings_dict = _target_settings(database_url, alias)
    vendor = _vendor(settings_dict)
    tables = _target_tables(vendor, settings_dict)
    if tables:
        raise BackupError(
            _(
                "The target database is not empty (%(count)s tables, e.g. %(table)s). Restore "
                "into a new, empty database."
            )
            % {"count": len(tables), "table": sorted(tables)[0]}
        )
    folders = _folders()
    for root in folders.values():
        if _has_files(root):
            raise BackupError(
                _("%(folder)s has files in it. Restore into empty media folders.")
                % {"folder": root}
            )
    scratch = Path(tempfile.mkdtemp(prefix="ccc-restore-"))
    staging = {"database": scratch}
    try:
        for key, root in folders.items():
            # Beside the target, so the files are moved in by a rename, not copied again.
            root.parent.mkdir(parents=True, exist_ok=True)
            staging[key] = Path(tempfile.mkdtemp(prefix=f".ccc-restore-{key}-", dir=root.parent))
        manifest = archive_read(archive, staging)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                _("%(archive)s holds a %(theirs)s database; the target is %(ours)s.")
                % {"archive": archive, "theirs": manifest["database"]["vendor"], "ours": vendor}
            )
        _restore_database(vendor, settings_dict, scratch / manifest["database"]["file"], manifest)
        for key, root in folders.items():
            _move_contents(staging[key], root)
    finally:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)
    result = RestoreResult(manifest=manifest)
    restored = _target_tables(vendor, settings_dict)
    expected = manifest.get("tables") or {}
    for table in sorted(set(expected) | set(restored)):
        if expected.get(table) != restored.get(table):
            result.row_differences[table] = (expected.get(table), restored.get(table))
    on_disk = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    in_archive = {
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
    }
    result.migrations_missing_here = sorted(in_archive - on_disk)
    result.migrations_to_apply = sorted(on_disk - in_archive)
    result.seconds = time.monotonic() - started
    return result
