"""Small pure helpers: tracking codes, time zones, phone numbers, passwords, settings, hazards."""

import pytest
from pydantic import ValidationError

from lapor_bencana.accounts.passwords import hash_password, verify_password
from lapor_bencana.accounts.service import normalise_phone
from lapor_bencana.config import Settings
from lapor_bencana.database import DatabaseUnavailable, redacted, sqlite_path
from lapor_bencana.hazards import HAZARDS, HazardClass, get_hazard
from lapor_bencana.reports import codes
from lapor_bencana.timeutil import zone_for_region


def test_tracking_codes_use_only_unambiguous_characters():
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == codes.LENGTH
        assert not set(code) & set("01ILO")


def test_tracking_codes_are_read_back_however_they_are_typed():
    assert codes.display("K7QM3XHP") == "K7QM-3XHP"
    assert codes.normalise(" k7qm-3xhp ") == "K7QM3XHP"
    assert codes.normalise("K7QM 3XHP") == "K7QM3XHP"
    assert codes.normalise("K7QM-3XH") is None
    assert codes.normalise("K7QM-3XH0") is None  # 0 is never issued


@pytest.mark.parametrize(
    ("region", "zone"),
    [("63.11", "Asia/Makassar"), ("31.71", "Asia/Jakarta"), ("94.71", "Asia/Jayapura"), ("51.03", "Asia/Makassar")],
)
def test_each_province_gets_its_indonesian_time_zone(region, zone):
    assert zone_for_region(region).key == zone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0812-3456-7890", "+6281234567890"), ("62812 3456 7890", "+6281234567890"), ("+6281234567890", "+6281234567890")],
)
def test_phone_numbers_are_stored_in_international_form(typed, stored):
    assert normalise_phone(typed) == stored


def test_passwords_are_hashed_with_argon2id_and_verified():
    hashed = hash_password("rahasia-sekali")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "rahasia-sekali")
    assert not verify_password(hashed, "salah")
    assert not verify_password("not-a-hash", "salah")


def test_settings_refuse_a_malformed_regency_code():
    with pytest.raises(ValidationError):
        Settings(regency_code="6311")


def test_settings_refuse_an_unknown_database_scheme():
    with pytest.raises(ValidationError):
        Settings(database_url="mysql://localhost/x")


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/lapor.sqlite3"


def test_a_missing_secret_is_generated_once_and_kept_private(tmp_path):
    first = Settings(data_dir=tmp_path).effective_secret_key
    assert len(first) >= 40
    assert Settings(data_dir=tmp_path).effective_secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_urls_name_relative_and_absolute_files():
    assert str(sqlite_path("sqlite:///data/x.db")) == "data/x.db"
    assert str(sqlite_path("sqlite:////tmp/x.db")) == "/tmp/x.db"
    with pytest.raises(DatabaseUnavailable):
        sqlite_path("sqlite://x.db")


def test_database_urls_in_messages_hide_the_password():
    assert redacted("postgresql://u:secret@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redacted("postgresql://u@h/d") == "postgresql://u@h/d"


def test_hazard_catalogue_has_unique_codes_and_the_contract_codes():
    codes_ = [h.code for h in HAZARDS]
    assert len(codes_) == len(set(codes_))
    for code in ("kebakaran", "banjir", "tanah_longsor", "angin_puting_beliung"):
        assert get_hazard(code) is not None
    assert get_hazard("kebakaran").hazard_class is HazardClass.SOSIAL
    assert get_hazard("gempa") is None


def test_sqlite_databases_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    import asyncio

    from lapor_bencana.database import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")

    async def pragmas():
        return [
            (await engine.run_ddl(f"PRAGMA {name}"))[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        ]

    journal, foreign_keys, busy_timeout, synchronous = asyncio.run(pragmas())
    assert journal["journal_mode"] == "wal"
    assert foreign_keys["foreign_keys"] == 1
    assert busy_timeout["timeout"] == 5000
    assert synchronous["synchronous"] == 1  # NORMAL
