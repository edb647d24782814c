"""``lapor backup PATH``: a consistent copy of the database and of the uploaded files, taken while
the app keeps running.

PATH is a new (or empty) folder. It receives ``database.sqlite3`` (SQLite's online backup API:
one consistent snapshot, writers carry on meanwhile) or ``database.dump`` (``pg_dump`` in its
custom format), and ``files/``, the uploaded photos in the same layout as ``<data dir>/files``.
Everything is written into ``PATH.partial`` first and renamed at the end, so a PATH that exists
is a finished backup. The README explains how to restore one.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lapor_bencana import database
from lapor_bencana.config import Settings
from lapor_bencana.sqlite_engine import BUSY_TIMEOUT_S

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
FILES_DIR = "files"
# Content keys (SHA-256 in hex); anything else under files/ is a write still in progress.
_BLOB_NAME = re.compile(r"^[0-9a-f]{64}$")
PG_DUMP_TIMEOUT_S = 6 * 3600


class BackupError(RuntimeError):
    """The backup could not be made; the message says why in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database_file: str
    database_bytes: int
    files: int
    files_bytes: int

    def summary(self) -> str:
        return (
            f"Backup written to {self.path}: {self.database_file} ({_megabytes(self.database_bytes)}) "
            f"and {self.files} uploaded file(s) ({_megabytes(self.files_bytes)})."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def backup(settings: Settings, target: Path) -> BackupResult:
    url = settings.effective_database_url
    partial = _new_folder(target)
    try:
        if database.is_sqlite(url):
            database_file = _copy_sqlite(database.sqlite_path(url), partial / SQLITE_FILE)
        else:
            database_file = _dump_postgres(url, partial / POSTGRES_FILE)
        # After the database: every file its reports name was written before them, and files
        # never change, so the copy made now holds all of them.
        files, files_bytes = _copy_files(settings.data_dir / FILES_DIR, partial / FILES_DIR)
        partial.rename(target)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"Cannot finish the backup in {target}: {error}") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(target, database_file.name, (target / database_file.name).stat().st_size, files, files_bytes)


def _new_folder(target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder: choose a new one, so no backup is overwritten.")
    partial = target.with_name(target.name + ".partial")
    try:
        if target.exists():
            target.rmdir()
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {target}: {error.strerror or error}") from None
    return partial


def _copy_sqlite(source_path: Path, destination: Path) -> Path:
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}: nothing to back up.")
    try:
        source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_S)
        copy = sqlite3.connect(destination)
        try:
            # One step: a single read snapshot, while the app goes on writing (WAL).
            source.backup(copy)
            # The copy is one self-contained file, whatever journal the live database uses.
            copy.execute("PRAGMA journal_mode = DELETE")
            if (check := copy.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise BackupError(f"The copy of {source_path} failed its check: {check}")
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"Cannot back up the SQLite database {source_path}: {error}") from None
    return destination


def _dump_postgres(url: str, destination: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found: install the PostgreSQL client tools of the server's major version "
            "or newer (Debian: apt-get install postgresql-client)."
        )
    parts = urlsplit(url)
    environment = dict(os.environ)
    if parts.password is not None:
        # Given to pg_dump in its environment, not on its command line, where `ps` shows it.
        environment["PGPASSWORD"] = parts.password
        url = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@")).geturl()
    try:
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={url}"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PG_DUMP_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"pg_dump could not run: {error}") from None
    if done.returncode != 0:
        reason = next((line for line in done.stderr.splitlines() if line.strip()), f"exit code {done.returncode}")
        reason = reason.removeprefix("pg_dump: error: ").removeprefix("pg_dump: ")
        raise BackupError(f"Cannot back up the database {database.redacted(url)}: {reason}")
    return destination


def _copy_files(source: Path, destination: Path) -> tuple[int, int]:
    destination.mkdir()
    count = size = 0
    if not source.is_dir():
        return count, size
    for path in sorted(source.rglob("*")):
        if path.is_file() and _BLOB_NAME.match(path.name):
            copied = destination / path.relative_to(source)
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copied)
            count += 1
            size += path.stat().st_size
    return count, size
