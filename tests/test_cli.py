"""The ``lapor`` command: clear messages, non-zero exits, never a traceback."""

import pytest
from click.testing import CliRunner

from lapor_bencana.cli import main


@pytest.fixture
def lapor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a stray .env or ./data of the developer's must not leak in
    env = {"LAPOR_DATA_DIR": str(tmp_path / "data"), "LAPOR_DATABASE_URL": "", "LAPOR_REGENCY_CODE": "63.11"}

    def invoke(*args: str, **extra_env: str):
        return CliRunner().invoke(main, list(args), env={**env, **extra_env}, catch_exceptions=False)

    return invoke


def test_help_lists_the_commands(lapor):
    result = lapor("--help")
    assert result.exit_code == 0
    for command in ("run", "db", "user", "regions", "demo"):
        assert command in result.output


def test_migrate_then_migrate_again(lapor):
    first = lapor("db", "migrate")
    assert first.exit_code == 0, first.output
    assert "Applied" in first.output
    second = lapor("db", "migrate")
    assert second.exit_code == 0
    assert "up to date" in second.output


def test_regions_then_demo_seed_prints_logins_and_is_repeatable(lapor):
    assert lapor("db", "migrate").exit_code == 0
    imported = lapor("regions", "import")
    assert imported.exit_code == 0 and "167 regions" in imported.output
    seeded = lapor("demo", "seed")
    assert seeded.exit_code == 0, seeded.output
    assert "koordinator" in seeded.output and "demo12345" in seeded.output
    again = lapor("demo", "seed")
    assert again.exit_code == 0 and "already present" in again.output


def test_regions_import_says_how_many_boundaries_and_what_none_means(lapor, tmp_path):
    assert lapor("db", "migrate").exit_code == 0
    imported = lapor("regions", "import")
    assert imported.exit_code == 0 and "166 boundaries" in imported.output
    empty = tmp_path / "no-boundaries"
    empty.mkdir()
    bare = lapor("regions", "import", "--regency", "63.10", "--boundaries-dir", str(empty))
    assert bare.exit_code == 0
    assert "no boundaries" in bare.output and "only against Indonesia's bounds" in bare.output
    (empty / "kab_63.sql.gz").write_bytes(b"truncated")
    broken = lapor("regions", "import", "--boundaries-dir", str(empty))
    assert broken.exit_code == 1 and "kab_63.sql.gz: Not a gzipped file" in broken.output
    assert "Traceback" not in broken.output


def test_demo_seed_without_regions_says_what_to_do(lapor):
    assert lapor("db", "migrate").exit_code == 0
    result = lapor("demo", "seed")
    assert result.exit_code == 1
    assert "lapor regions import" in result.output


def test_user_create_reports_a_bad_username_plainly(lapor):
    assert lapor("db", "migrate").exit_code == 0
    result = lapor("user", "create", "--role", "koordinator", "--username", "Bad Name!", "--password", "rahasia123")
    assert result.exit_code == 1
    assert "Nama pengguna" in result.output
    assert "Traceback" not in result.output


def test_user_create_then_a_duplicate_is_refused(lapor):
    assert lapor("db", "migrate").exit_code == 0
    args = ("user", "create", "--role", "petugas", "--username", "siti", "--password", "rahasia123")
    created = lapor(*args)
    assert created.exit_code == 0 and "siti" in created.output
    duplicate = lapor(*args)
    assert duplicate.exit_code == 1 and "sudah dipakai" in duplicate.output


def test_an_unknown_role_is_a_usage_error(lapor):
    result = lapor("user", "create", "--role", "raja", "--username", "x")
    assert result.exit_code == 2
    assert "raja" in result.output


def test_an_unreachable_database_is_named_without_its_password(lapor):
    result = lapor("db", "migrate", LAPOR_DATABASE_URL="postgresql://postgres:rahasia@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert "Cannot use the database postgresql://postgres:***@127.0.0.1:1/none" in result.output
    assert "rahasia" not in result.output


def test_bad_configuration_is_named(lapor):
    result = lapor("db", "migrate", LAPOR_REGENCY_CODE="balangan")
    assert result.exit_code == 1
    assert "LAPOR_REGENCY_CODE" in result.output


def test_several_workers_on_sqlite_are_refused(lapor):
    result = lapor("run", "--workers", "2")
    assert result.exit_code == 1
    assert "PostgreSQL" in result.output


def test_an_unknown_regency_import_is_refused(lapor):
    assert lapor("db", "migrate").exit_code == 0
    result = lapor("regions", "import", "--regency", "99.99")
    assert result.exit_code == 1
    assert "99.99" in result.output


def test_a_generated_secret_exists_before_the_workers_start(lapor, monkeypatch, tmp_path):
    import uvicorn

    started = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda *args, **kwargs: started.update(workers=kwargs["workers"], secret=(tmp_path / "data" / "secret_key").exists())
    )
    result = lapor("run", "--workers", "2", LAPOR_DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", LAPOR_SECRET_KEY="")
    assert result.exit_code == 0, result.output
    assert started == {"workers": 2, "secret": True}


def test_scrub_photos_says_how_many_files_it_cleaned(lapor):
    assert lapor("db", "migrate").exit_code == 0
    result = lapor("db", "scrub-photos")
    assert result.exit_code == 0, result.output
    assert "Removed metadata from 0 stored photo file(s)." in result.output


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "http://127.0.0.1:8611"), ("0.0.0.0", "http://127.0.0.1:8611"), ("::1", "http://[::1]:8611")],
)
def test_run_points_links_at_the_port_it_serves_when_no_base_url_is_set(lapor, monkeypatch, host, expected):
    import uvicorn

    from lapor_bencana.config import load_settings

    seen = {}
    # What each worker's create_app() will read.
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(base_url=load_settings().base_url))
    # None: unset during the run, and whatever run() sets is undone after it.
    result = lapor("run", "--host", host, "--port", "8611", LAPOR_BASE_URL=None)
    assert result.exit_code == 0, result.output
    assert seen == {"base_url": expected}


def test_run_keeps_a_configured_base_url(lapor, monkeypatch):
    import uvicorn

    from lapor_bencana.config import load_settings

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(base_url=load_settings().base_url))
    result = lapor("run", "--port", "8611", LAPOR_BASE_URL="https://lapor.balangankab.go.id/")
    assert result.exit_code == 0, result.output
    assert seen == {"base_url": "https://lapor.balangankab.go.id"}
