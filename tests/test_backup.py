"""``lapor backup``: taken while reports keep arriving, restored into a fresh place, it holds every
report acknowledged before it began, with its photos; failures are plain messages."""

import asyncio
import shutil
import subprocess
from pathlib import Path

import anyio
import asyncpg
import httpx
import pytest
from click.testing import CliRunner

from lapor_bencana import backup, database
from lapor_bencana.app import create_app
from lapor_bencana.cli import main
from lapor_bencana.reports.tables import Report, ReportPhoto, ReportStatusChange
from tests import images
from tests.conftest import POSTGRES_URL

BODY = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air setinggi dada"}


@pytest.fixture
def settings(settings):
    # One test client sends every report here, far beyond a person's limit per minute.
    return settings.model_copy(update={"rate_limit_per_minute": 100_000})


async def report_with_photos(http, key: str, shades: list[int]) -> str:
    code = (await http.post("/api/v1/reports", json=BODY, headers={"Idempotency-Key": key})).json()["code"]
    for shade in shades:
        photo = images.jpeg(colour=(shade, 40, 200 - shade))
        uploaded = await http.post(
            f"/api/v1/reports/{code}/photos", files={"photo": ("f.jpg", photo, "image/jpeg")}, headers={"Idempotency-Key": key}
        )
        assert uploaded.status_code == 201
    return code


async def photos_of(http, code: str) -> dict[str, bytes]:
    """Every photo and thumbnail of a report, by URL, as the tracking page serves them."""
    report = await Report.select(Report.id).where(Report.code == code).first().run()
    ids = [row["id"] for row in await ReportPhoto.select(ReportPhoto.id).where(ReportPhoto.report == report["id"]).run()]
    urls = [f"/laporan/{code}/foto/{photo_id}{suffix}" for photo_id in ids for suffix in ("", "?kecil=1")]
    return {url: (await http.get(url)).content for url in urls}


async def restore(settings, target: Path, place: Path) -> str:
    """The README's restore steps: the database file or dump, then the files folder."""
    (place / "data").mkdir(parents=True)
    shutil.copytree(target / "files", place / "data" / "files", dirs_exist_ok=True)
    if database.is_sqlite(settings.database_url):
        shutil.copy(target / backup.SQLITE_FILE, place / "restored.sqlite3")
        return f"sqlite:///{place / 'restored.sqlite3'}"
    restored = str(httpx.URL(settings.database_url).copy_with(path=f"{httpx.URL(settings.database_url).path}_restored"))
    name = httpx.URL(restored).path.lstrip("/")
    await _admin(f"DROP DATABASE IF EXISTS {name}")
    await _admin(f"CREATE DATABASE {name}")
    done = await anyio.to_thread.run_sync(
        lambda: subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={restored}", str(target / backup.POSTGRES_FILE)],
            capture_output=True,
            text=True,
        )
    )
    assert done.returncode == 0, done.stderr
    return restored


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def test_a_backup_taken_while_reports_arrive_restores_every_acknowledged_report_and_photo(
    client, settings, tmp_path
):
    before = {}
    for number in range(4):
        code = await report_with_photos(client, f"before-{number}", shades=[number * 30, number * 30 + 15])
        before[code] = await photos_of(client, code)
    acknowledged_during: list[str] = []
    backup_done = anyio.Event()

    async def writer() -> None:
        number = 0
        while not backup_done.is_set() or number < 5:
            response = await client.post("/api/v1/reports", json=BODY, headers={"Idempotency-Key": f"during-{number}"})
            assert response.status_code == 201
            acknowledged_during.append(response.json()["code"])
            number += 1
            await asyncio.sleep(0)

    target = tmp_path / "backup"

    async def take_backup() -> None:
        while len(acknowledged_during) < 5:
            await asyncio.sleep(0.001)
        try:
            await anyio.to_thread.run_sync(backup.backup, settings, target)
        finally:
            backup_done.set()

    async with anyio.create_task_group() as group:
        group.start_soon(writer)
        group.start_soon(take_backup)
    restored_url = await restore(settings, target, tmp_path / "restored")

    restored_settings = settings.model_copy(update={"database_url": restored_url, "data_dir": tmp_path / "restored" / "data"})
    try:
        restored_app = create_app(restored_settings)
        async with restored_app.lifespan():
            transport = httpx.ASGITransport(app=restored_app)
            async with httpx.AsyncClient(transport=transport, base_url="http://restored") as restored:
                for code, photos in before.items():
                    assert (await restored.get(f"/api/v1/reports/{code}")).status_code == 200
                    assert len(photos) == 4
                    for url, content in photos.items():
                        assert (await restored.get(url)).content == content
                for code in acknowledged_during[:5]:  # acknowledged before the backup began
                    assert (await restored.get(f"/api/v1/reports/{code}")).status_code == 200
                stored = await Report.count()
                assert len(before) + 5 <= stored <= len(before) + len(acknowledged_during)
                assert await ReportStatusChange.count() == stored
    finally:
        if not database.is_sqlite(restored_url):
            await _admin(f"DROP DATABASE IF EXISTS {httpx.URL(restored_url).path.lstrip('/')} WITH (FORCE)")


@pytest.fixture
def lapor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"LAPOR_DATA_DIR": str(tmp_path / "data"), "LAPOR_DATABASE_URL": ""}

    def invoke(*args: str, **extra_env: str):
        return CliRunner().invoke(main, list(args), env={**env, **extra_env}, catch_exceptions=False)

    return invoke


def test_the_command_writes_the_database_and_the_files_folder(lapor, tmp_path):
    assert lapor("db", "migrate").exit_code == 0
    blob = tmp_path / "data" / "files" / "ab" / "cd" / ("abcd" + "0" * 60)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"photo")
    (blob.parent / "tmpx1y2z3").write_bytes(b"half-written")
    result = lapor("backup", "salinan")
    assert result.exit_code == 0, result.output
    assert "Backup written to salinan" in result.output and "1 uploaded file" in result.output
    assert (tmp_path / "salinan" / backup.SQLITE_FILE).stat().st_size > 0
    assert (tmp_path / "salinan" / "files" / "ab" / "cd" / blob.name).read_bytes() == b"photo"
    assert not (tmp_path / "salinan" / "files" / "ab" / "cd" / "tmpx1y2z3").exists()


def test_an_existing_backup_is_never_overwritten(lapor, tmp_path):
    assert lapor("db", "migrate").exit_code == 0
    assert lapor("backup", "salinan").exit_code == 0
    again = lapor("backup", "salinan")
    assert again.exit_code == 1
    assert "already exists" in again.output and "Traceback" not in again.output


def test_an_unwritable_place_is_named_plainly(lapor, tmp_path):
    assert lapor("db", "migrate").exit_code == 0
    (tmp_path / "a-file").write_text("not a folder")
    result = lapor("backup", "a-file/salinan")
    assert result.exit_code == 1
    assert "Cannot write the backup to a-file/salinan" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a-file.partial").exists()


def test_a_missing_sqlite_database_is_not_created_by_the_backup(lapor, tmp_path):
    result = lapor("backup", "salinan")
    assert result.exit_code == 1
    assert "no SQLite database" in result.output
    assert not (tmp_path / "data" / "lapor.sqlite3").exists()
    assert not (tmp_path / "salinan").exists()


def test_an_unreachable_postgresql_server_is_named_without_its_password(lapor, tmp_path):
    result = lapor("backup", "salinan", LAPOR_DATABASE_URL="postgresql://postgres:rahasia@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert "Cannot back up the database postgresql://postgres@127.0.0.1:1/none" in result.output
    assert "refused" in result.output
    assert "rahasia" not in result.output
    assert not (tmp_path / "salinan").exists()


def test_a_missing_pg_dump_says_what_to_install(lapor, tmp_path):
    result = lapor("backup", "salinan", LAPOR_DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", PATH=str(tmp_path))
    assert result.exit_code == 1
    assert "pg_dump was not found" in result.output and "postgresql-client" in result.output
