"""`manage.py backup` and `manage.py restore`, run as an operator runs them, on a database of their own.

The test's content is copied to a standalone database (an SQLite file, or a PostgreSQL
database `ops_…` cloned from the test database and dropped afterwards) and the commands run as
subprocesses against it, with MEDIA_ROOT in a temporary directory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tuyengiao.core import backup
from tuyengiao.core.tests.test_faults import _standalone_database_url

BASE_DIR = Path(django_settings.BASE_DIR)

MEDIA_FILES = {
    "original_images/hoi-nghi-bao-cao-vien.jpg": b"\xff\xd8\xff\xe0" + os.urandom(300_000),
    "images/hoi-nghi-bao-cao-vien.width-800.jpg": b"\xff\xd8\xff\xe0" + os.urandom(50_000),
    "documents/Nghị quyết 05-NQ-TU.pdf": b"%PDF-1.4 " + "Nghị quyết về công tác tuyên giáo".encode() * 100,
}


@pytest.fixture
def standalone(transactional_db, django_db_serialized_rollback, article, tmp_path):
    """(database URL, media dir) of a site holding the test's content, for the commands to work on."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("bientap", email="bientap@example.vn")
    media = tmp_path / "media"
    for name, data in MEDIA_FILES.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    if connection.vendor == "sqlite":
        yield _standalone_database_url(tmp_path), media
        return
    name = f"ops_{uuid.uuid4().hex[:12]}"
    template = connection.settings_dict["NAME"]
    connection.close()  # a template database must have no other connections
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _standalone_database_url(tmp_path).rsplit("/", 1)[0] + f"/{name}", media
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(site, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    database_url, media = site
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "LOG_FORMAT": "text"}
    env.pop("REDIS_URL", None)
    env.pop("TEST_DATABASE_NAME", None)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def row_counts(database_url: str) -> dict[str, int]:
    """Rows in every table, read straight from the database."""
    if database_url.startswith("sqlite:///"):
        database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            tables = database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%'"
            ).fetchall()
            return {t: database.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables}  # noqa: S608
        finally:
            database.close()
    import psycopg

    with psycopg.connect(database_url) as database:
        tables = database.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        return {t: database.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables}  # noqa: S608


def media_checksums(media: Path) -> dict[str, str]:
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media.rglob("*")
        if path.is_file()
    }


def make_backup(site, tmp_path) -> Path:
    result = manage(site, "backup", "--output", str(tmp_path / "backups"))
    assert result.returncode == 0, result.stderr
    archives = list((tmp_path / "backups").glob("tuyengiao-backup-*.tar.gz"))
    assert len(archives) == 1
    return archives[0]


def rewrite(archive: Path, target: Path, *, member: str | None = None, edit_manifest=None) -> Path:
    """A copy of the archive with one member's bytes changed and/or the manifest edited."""
    with tarfile.open(archive) as tar:
        items = [(info, tar.extractfile(info).read()) for info in tar]
    with tarfile.open(target, "w:gz") as tar:
        for info, data in items:
            if info.name == member:
                data = data[:-1] + bytes([data[-1] ^ 1])
            if info.name == backup.MANIFEST and edit_manifest:
                manifest = json.loads(data)
                edit_manifest(manifest)
                data = json.dumps(manifest).encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def test_backup_wipe_restore_brings_back_every_row_and_media_file(standalone, tmp_path):
    database_url, media = standalone
    rows_before, files_before = row_counts(database_url), media_checksums(media)
    assert rows_before["portal_articlepage"] == 1 and rows_before["auth_user"] >= 1
    assert len(files_before) == len(MEDIA_FILES)

    archive = make_backup(standalone, tmp_path)
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["row_counts"] == rows_before
    assert {name for name in manifest["members"] if name.startswith("media/")} == {f"media/{n}" for n in files_before}
    assert ["portal", "0001_initial"] in manifest["migrations"]

    # Wipe: every row and every media file.
    wiped = manage(standalone, "flush", "--no-input")
    assert wiped.returncode == 0, wiped.stderr
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert row_counts(database_url)["portal_articlepage"] == 0
    assert media_checksums(media) == {}

    restored = manage(standalone, "restore", "--yes", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Đã phục hồi" in restored.stdout
    assert row_counts(database_url) == rows_before
    assert media_checksums(media) == files_before
    assert not [p for p in media.parent.iterdir() if p.name.startswith(".media-restore-")]  # staging removed


def execute(database_url: str, sql: str) -> None:
    if database_url.startswith("sqlite:///"):
        database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with database:
            database.execute(sql)
        database.close()
        return
    import psycopg

    with psycopg.connect(database_url) as database:
        database.execute(sql)


def _changed_after_backup(site) -> tuple[dict, dict]:
    """Change the live site after the backup: one more row and one more media file; return the new state."""
    database_url, media = site
    execute(
        database_url,
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ('sau-sao-luu', '', '2030-01-01 00:00:00')",
    )
    (media / "documents" / "moi.pdf").write_bytes(b"%PDF-1.4 new")
    return row_counts(database_url), media_checksums(media)


def test_restore_refuses_a_tampered_archive_or_one_of_another_database_vendor(standalone, tmp_path):
    archive = make_backup(standalone, tmp_path)
    rows, files = _changed_after_backup(standalone)
    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", member="media/documents/Nghị quyết 05-NQ-TU.pdf")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = rewrite(archive, tmp_path / "foreign.tar.gz", edit_manifest=lambda m: m.update(database_vendor=other))

    result = manage(standalone, "restore", "--yes", str(tampered))
    assert result.returncode != 0
    assert "sai mã kiểm tra sha256" in result.stderr
    assert "Nghị quyết 05-NQ-TU.pdf" in result.stderr

    result = manage(standalone, "restore", "--yes", str(foreign))
    assert result.returncode != 0
    assert "không phục hồi chéo được" in result.stderr

    assert row_counts(standalone[0]) == rows
    assert media_checksums(standalone[1]) == files


def test_a_restore_that_fails_midway_leaves_the_current_data(standalone, tmp_path):
    """The archive passes the checksums, but the loaded data does not match its row counts."""
    archive = make_backup(standalone, tmp_path)
    rows, files = _changed_after_backup(standalone)

    def wrong_count(manifest):
        manifest["row_counts"]["portal_comment"] += 1

    broken = rewrite(archive, tmp_path / "broken.tar.gz", edit_manifest=wrong_count)
    result = manage(standalone, "restore", "--yes", str(broken))

    assert result.returncode != 0
    assert "không" in result.stderr.lower()
    assert row_counts(standalone[0]) == rows  # the row added after the backup is still there
    assert media_checksums(standalone[1]) == files  # and so is the new media file


def test_restore_asks_for_confirmation(standalone, tmp_path):
    archive = make_backup(standalone, tmp_path)
    rows, files = _changed_after_backup(standalone)

    result = manage(standalone, "restore", str(archive), stdin="không\n")

    assert result.returncode != 0
    assert "Gõ “đồng ý” để tiếp tục" in result.stdout
    assert "Đã hủy" in result.stderr
    assert row_counts(standalone[0]) == rows
    assert media_checksums(standalone[1]) == files

    confirmed = manage(standalone, "restore", str(archive), stdin="đồng ý\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert row_counts(standalone[0])["django_session"] == rows["django_session"] - 1


def test_missing_postgresql_tools_give_a_clear_vietnamese_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backup.BackupError, match="Không tìm thấy chương trình “pg_dump”.*postgresql-client"):
        backup.pg_tool("pg_dump")
