"""Backup and restore of the whole site: the database and the media files, in one archive.

The archive (``tuyengiao-backup-YYYYmmdd-HHMMSS.tar.gz``, mode 0600: it holds password hashes
and personal data) contains

- ``database.sqlite3`` (SQLite, copied with SQLite's online backup API — consistent and safe
  while the site runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom`` of one
  REPEATABLE READ snapshot, the same snapshot the row counts are taken from);
- ``media/…``, every file under MEDIA_ROOT;
- ``manifest.json``, last: format version, creation time, database vendor, app version, the
  applied migrations, row counts per table and the sha256 and size of every other member.

Restore checks before it changes anything: every member's checksum, no member missing or
unexpected, the vendor (an SQLite archive is not restored into PostgreSQL or the reverse), and
that the code knows every migration the archive has. Then it swaps the media directory (the old
one is kept until the database is in) and replaces the database in one transaction:

- SQLite: the archived file is checked (``PRAGMA integrity_check``, row counts) and copied into
  the live database with the backup API, which writes every page in one transaction;
- PostgreSQL: ``pg_restore`` turns the dump into SQL that ``psql --single-transaction`` runs
  after ``DROP SCHEMA public CASCADE; CREATE SCHEMA public``, and before COMMIT a check compares
  every table's row count with the manifest. Any error rolls the whole transaction back.

If the database step fails, the old media directory is put back: the site is as it was.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib.metadata
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = "tuyengiao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media/"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
TABLE_NAME = re.compile(r"[A-Za-z0-9_]{1,63}")
# How long the restore waits for other connections' locks before giving up (and rolling back).
PG_LOCK_TIMEOUT = "60s"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Vietnamese."""


@dataclass
class Manifest:
    data: dict

    @property
    def vendor(self) -> str:
        return self.data["database_vendor"]

    @property
    def members(self) -> dict[str, dict]:
        return self.data["members"]

    @property
    def row_counts(self) -> dict[str, int]:
        return self.data["row_counts"]

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.members if name.startswith(MEDIA_PREFIX))


@dataclass
class VerifiedArchive:
    """An archive unpacked into a staging directory, every checksum verified."""

    manifest: Manifest
    staging: Path
    database_file: Path
    media_dir: Path
    missing_migrations: list[str] = field(default_factory=list)  # in the code, not in the archive

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


# --- helpers ---------------------------------------------------------------


def _app_version() -> str:
    try:
        return importlib.metadata.version("tuyengiao")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại “{vendor}” (chỉ SQLite và PostgreSQL).")
    return vendor


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile, hashing exactly the bytes that go into the archive."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path, *, skip: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under MEDIA_ROOT (symlinks are not followed), sorted, with their member names.

    `skip` (the backup directory, should it be inside MEDIA_ROOT) is left out.
    """
    if not root.is_dir():
        return
    skip = skip.resolve()
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if Path(directory, name).resolve() != skip)
        for name in sorted(filenames):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


def _add_file(tar: tarfile.TarFile, path: Path, member: str) -> dict:
    with path.open("rb") as handle:
        info = tar.gettarinfo(fileobj=handle, arcname=member)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


# --- PostgreSQL tools -------------------------------------------------------


def pg_tool(name: str) -> str:
    """Path of pg_dump, pg_restore or psql, or a Vietnamese error saying how to install them."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy chương trình “{name}” của PostgreSQL. Hãy cài gói postgresql-client "
            "(Debian/Ubuntu: apt-get install postgresql-client) cùng phiên bản với máy chủ PostgreSQL, "
            "rồi chạy lại."
        )
    return path


def _pg_env(alias: str) -> dict[str, str]:
    """Connection settings for the PostgreSQL tools, passed in their environment (never on the command line)."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    mapping = {"PGDATABASE": params.get("NAME"), "PGUSER": params.get("USER"), "PGPASSWORD": params.get("PASSWORD")}
    mapping |= {"PGHOST": params.get("HOST"), "PGPORT": str(params.get("PORT") or "")}
    options = params.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("service", "PGSERVICE")):
        mapping[variable] = options.get(option)
    for variable, value in mapping.items():
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], *, env: dict, what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{what} không thành công: {message or f'mã lỗi {result.returncode}'}")
    return result


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- backup -----------------------------------------------------------------


def _sqlite_snapshot(alias: str, target: Path) -> tuple[dict[str, int], list[list[str]]]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> tuple[dict[str, int], list[list[str]]]:
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # Virtual tables (the search's contentless FTS5 indexes) cannot be counted; their shadow tables are.
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
            )
        ]
        counts = {table: database.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0] for table in tables}  # noqa: S608
        migrations = []
        if "django_migrations" in counts:
            migrations = [list(row) for row in database.execute("SELECT app, name FROM django_migrations ORDER BY id")]
    finally:
        database.close()
    return counts, migrations


def _postgres_snapshot(alias: str, target: Path) -> tuple[dict[str, int], list[list[str]]]:
    pg_dump = pg_tool("pg_dump")
    connection = connections[alias]
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
            migrations = []
            if "django_migrations" in counts:
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
                migrations = [list(row) for row in cursor.fetchall()]
            # The dump reads the same snapshot, so it holds exactly the rows counted above.
            _run(
                [pg_dump, "--format=custom", "--compress=0", f"--snapshot={snapshot}", f"--file={target}"],
                env=_pg_env(alias),
                what="pg_dump",
            )
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return counts, migrations


def create_backup(*, output_dir: Path, alias: str = "default", log: Callable[[str], None] | None = None) -> Path:
    """Write one archive of the database and media into `output_dir`; returns its path."""
    log = log or (lambda message: None)
    vendor = _vendor(alias)
    output_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.localtime()
    final = output_dir / f"tuyengiao-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"Đã có tệp “{final}”; chờ một giây rồi chạy lại.")
    staging = Path(tempfile.mkdtemp(prefix=".tuyengiao-backup-", dir=output_dir))
    partial = output_dir / f".{final.name}.partial"
    try:
        database_member = DATABASE_MEMBERS[vendor]
        database_file = staging / database_member
        log(f"Đang sao lưu cơ sở dữ liệu {VENDOR_NAMES[vendor]}…")
        snapshot = _sqlite_snapshot if vendor == "sqlite" else _postgres_snapshot
        counts, migrations = snapshot(alias, database_file)
        log("Đang đóng gói cơ sở dữ liệu và tệp media…")
        members: dict[str, dict] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            members[database_member] = _add_file(tar, database_file, database_member)
            for path, member in _media_files(_media_root(), skip=output_dir):
                try:
                    members[member] = _add_file(tar, path, member)
                except FileNotFoundError:
                    continue  # deleted while we walked the tree
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created.isoformat(),
                "database_vendor": vendor,
                "database_member": database_member,
                "app_version": _app_version(),
                "migrations": migrations,
                "row_counts": counts,
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(time.time())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


# --- restore: verify --------------------------------------------------------


def _member_path(name: str) -> PurePosixPath | None:
    """The member's path if it is a safe relative path (no '..', not absolute), else None."""
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in path.parts):
        return None
    return path


def verify_archive(archive: Path, *, alias: str = "default") -> VerifiedArchive:
    """Unpack next to MEDIA_ROOT and check everything; raises BackupError, leaving nothing behind."""
    if not archive.is_file():
        raise BackupError(f"Không thấy tệp sao lưu “{archive}”.")
    vendor = _vendor(alias)
    media_root = _media_root()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}-restore-", dir=media_root.parent))
    try:
        return _verify_into(archive, staging, vendor)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _verify_into(archive: Path, staging: Path, vendor: str) -> VerifiedArchive:
    digests: dict[str, tuple[str, int]] = {}
    manifest_data = None
    files = staging / "files"
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for info in tar:
                path = _member_path(info.name)
                if path is None or not info.isreg():
                    raise BackupError(f"Tệp sao lưu có mục không hợp lệ: “{info.name}”.")
                if info.name in digests or (info.name == MANIFEST and manifest_data is not None):
                    raise BackupError(f"Tệp sao lưu có mục “{info.name}” hai lần.")
                source = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_data = source.read()
                    continue
                target = files.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as handle:
                    for chunk in iter(functools.partial(source.read, CHUNK), b""):
                        digest.update(chunk)
                        handle.write(chunk)
                digests[info.name] = (digest.hexdigest(), info.size)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"Không đọc được tệp sao lưu (hỏng hoặc không phải .tar.gz): {error}") from None
    if manifest_data is None:
        raise BackupError("Tệp sao lưu không có manifest.json: không phải bản sao lưu của hệ thống này.")
    try:
        data = json.loads(manifest_data)
        manifest = Manifest(data)
        if data.get("format") != FORMAT:
            raise ValueError
        members, archive_vendor = manifest.members, manifest.vendor
        counts = {str(table): int(count) for table, count in manifest.row_counts.items()}
        if not all(TABLE_NAME.fullmatch(table) for table in counts):
            raise ValueError
        expected = {name: (str(item["sha256"]), int(item["size"])) for name, item in members.items()}
        migrations = [(str(app), str(name)) for app, name in data.get("migrations", [])]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("manifest.json trong tệp sao lưu không đúng định dạng.") from None
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Tệp sao lưu theo định dạng phiên bản {data.get('format_version')}, "
            f"phiên bản này chỉ đọc được định dạng {FORMAT_VERSION}."
        )
    if archive_vendor != vendor:
        raise BackupError(
            f"Tệp sao lưu là của cơ sở dữ liệu {VENDOR_NAMES.get(archive_vendor, archive_vendor)}, "
            f"còn hệ thống đang dùng {VENDOR_NAMES[vendor]}: không phục hồi chéo được."
        )
    missing = sorted(set(expected) - set(digests))
    extra = sorted(set(digests) - set(expected))
    changed = sorted(name for name in set(expected) & set(digests) if expected[name] != digests[name])
    if missing or extra or changed:
        problems = [f"thiếu “{name}”" for name in missing[:5]] + [f"thừa “{name}”" for name in extra[:5]]
        problems += [f"“{name}” sai mã kiểm tra sha256" for name in changed[:5]]
        total = len(missing) + len(extra) + len(changed)
        more = f" (và {total - len(problems)} lỗi khác)" if total > len(problems) else ""
        raise BackupError("Tệp sao lưu bị hỏng hoặc đã bị sửa, không phục hồi: " + "; ".join(problems) + more + ".")
    database_member = DATABASE_MEMBERS[vendor]
    if database_member not in digests:
        raise BackupError(f"Tệp sao lưu không có {database_member}.")
    manifest.data["row_counts"] = counts
    known, unknown = _migration_state(migrations)
    if unknown:
        raise BackupError(
            "Bản sao lưu được tạo bởi phiên bản mới hơn của phần mềm (có migration mà mã nguồn này chưa có: "
            + ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            + "). Hãy cài đúng phiên bản rồi phục hồi."
        )
    return VerifiedArchive(
        manifest=manifest,
        staging=staging,
        database_file=files / database_member,
        media_dir=files / "media",
        missing_migrations=[f"{app}.{name}" for app, name in known],
    )


def _migration_state(applied: list[tuple[str, str]]) -> tuple[list, list]:
    """(migrations the code has that the archive lacks, migrations the archive has that the code lacks)."""
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = set(applied)
    return sorted(on_disk - archived), sorted(archived - on_disk)


# --- restore: apply ---------------------------------------------------------


def restore_archive(verified: VerifiedArchive, *, alias: str = "default", log: Callable[[str], None] | None = None):
    """Put the verified archive in place: media directory swapped, database replaced in one transaction."""
    log = log or (lambda message: None)
    vendor = _vendor(alias)
    if vendor == "postgresql":  # fail before anything changes
        pg_tool("pg_restore")
        pg_tool("psql")
    else:
        _check_sqlite_file(verified)
    media_root = _media_root()
    previous = None
    verified.media_dir.mkdir(parents=True, exist_ok=True)
    log("Đang thay thư mục media…")
    try:
        if media_root.exists():
            previous = verified.staging / "media-before-restore"
            os.rename(media_root, previous)
        os.rename(verified.media_dir, media_root)
    except OSError as error:
        if previous is not None and not media_root.exists():
            os.rename(previous, media_root)
        raise BackupError(
            f"Không thay được thư mục media “{media_root}” ({error.strerror}); dữ liệu hiện tại không thay đổi. "
            "Thư mục media phải đổi tên được (không phải điểm gắn ổ đĩa)."
        ) from None
    try:
        log(f"Đang phục hồi cơ sở dữ liệu {VENDOR_NAMES[vendor]}…")
        if vendor == "sqlite":
            _restore_sqlite(verified, alias)
        else:
            _restore_postgres(verified, alias)
    except BaseException:
        # Put the old media back: the database was rolled back, so the site is as before.
        shutil.rmtree(media_root, ignore_errors=True)
        if previous is not None:
            os.rename(previous, media_root)
        raise
    connections[alias].close()
    _drop_cached_pages()


def _check_sqlite_file(verified: VerifiedArchive) -> None:
    database = sqlite3.connect(f"file:{verified.database_file}?mode=ro", uri=True)
    try:
        result = database.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng: {error}") from None
    finally:
        database.close()
    if result != "ok":
        raise BackupError(f"Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng: {result}")
    counts, _ = _sqlite_counts(verified.database_file)
    _compare_counts(verified.manifest.row_counts, counts)


def _compare_counts(expected: dict[str, int], actual: dict[str, int]) -> None:
    wrong = sorted(table for table in set(expected) | set(actual) if expected.get(table) != actual.get(table))
    if wrong:
        details = ", ".join(f"{table} ({actual.get(table)} thay vì {expected.get(table)})" for table in wrong[:5])
        raise BackupError(f"Số dòng trong bản sao lưu không khớp với manifest: {details}. Không phục hồi.")


def _restore_sqlite(verified: VerifiedArchive, alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Không phục hồi được bên trong một giao dịch đang mở.")
    source = sqlite3.connect(f"file:{verified.database_file}?mode=ro", uri=True)
    try:
        # All pages in one step = one write transaction on the live database: all or nothing.
        source.backup(connection.connection, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"Không ghi được cơ sở dữ liệu SQLite: {error}. Dữ liệu hiện tại không thay đổi.") from None
    finally:
        source.close()


def _restore_postgres(verified: VerifiedArchive, alias: str) -> None:
    """Drop and recreate the schema, load the dump and check the row counts, all in one psql transaction."""
    env = _pg_env(alias)
    psql, pg_restore = pg_tool("psql"), pg_tool("pg_restore")
    script = verified.staging / "restore.sql"
    _run(
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(verified.database_file)],
        env=env,
        what="pg_restore",
    )
    prelude = verified.staging / "prelude.sql"
    prelude.write_text(
        "SET client_min_messages = warning;\n"
        f"SET lock_timeout = '{PG_LOCK_TIMEOUT}';\n"
        "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    )
    # Table names were checked against TABLE_NAME when the archive was verified.
    checks = "\n".join(
        f"  IF (SELECT count(*) FROM public.{_quote(table)}) <> {int(count)} THEN "  # noqa: S608
        f"RAISE EXCEPTION 'row count of % differs from the manifest', {_sql_literal(table)}; END IF;"
        for table, count in sorted(verified.manifest.row_counts.items())
    )
    epilogue = verified.staging / "check.sql"
    epilogue.write_text(f"DO $tuyengiao$ BEGIN\n  NULL;\n{checks}\nEND $tuyengiao$;\n")
    command = [psql, "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    command += ["-f", str(prelude), "-f", str(script), "-f", str(epilogue)]
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(
            f"Phục hồi PostgreSQL không thành công, đã hoàn tác, dữ liệu hiện tại không thay đổi: {message}"
        )


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _drop_cached_pages() -> None:
    """Forget cached data that described the old database (article HTML, shown view counts, site paths)."""
    from wagtail.models import Site

    from tuyengiao.portal import viewcounts

    try:
        Site.clear_site_root_paths_cache()
    except Exception:  # noqa: S110 (a cache that is down has nothing to forget)
        pass
    buffer = viewcounts.redis_buffer()
    if buffer is None:
        return
    try:
        for pattern in ("tg:article:*", "tg:article-paths:*", "views:shown:*"):
            keys = list(buffer.client.scan_iter(buffer.prefix + pattern, count=1000))
            for start in range(0, len(keys), 500):
                buffer.client.delete(*keys[start : start + 500])
    except Exception:  # noqa: S110 (the entries expire on their own within minutes)
        pass


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def describe(manifest: Manifest) -> str:
    """One line about the archive for the confirmation prompt."""
    created = datetime.datetime.fromisoformat(manifest.data["created_at"])
    return (
        f"Bản sao lưu lúc {timezone.localtime(created):%d/%m/%Y %H:%M}, {VENDOR_NAMES[manifest.vendor]}, "
        f"phiên bản {manifest.data.get('app_version')}: {_number(len(manifest.row_counts))} bảng, "
        f"{_number(sum(manifest.row_counts.values()))} dòng, {_number(manifest.media_files)} tệp media."
    )
