"""Stored standards versions, on every engine: saved as new versions, never edited, read back exactly."""

import asyncio
from decimal import Decimal

import pytest

from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.needs.calculator import NeedsInputs, calculate
from lapor_bencana.needs.rules import NeedsError, bundled_standards
from lapor_bencana.needs.service import current_standards, get_standards, list_versions, save_standards
from lapor_bencana.needs.tables import StandardsVersion


def edited(code: str, **changes) -> list[dict]:
    """The bundled rules as an admin form would send them, with one rule changed."""
    return [
        {**rule.to_data(), **changes} if rule.code == code else rule.to_data() for rule in bundled_standards().rules
    ]


@pytest.fixture
async def admin(app) -> int:
    user = await create_user(username="admin", password="rahasia-sekali", full_name="Admin Dinsos", role=Role.ADMIN)
    return user.id


async def test_a_fresh_install_uses_the_bundled_standards(app):
    assert await current_standards() == bundled_standards()
    assert await list_versions() == []


async def test_a_saved_version_becomes_current_and_numbers_follow_the_bundled_file(app, admin):
    version = await save_standards(edited("air_bersih", quantity="20"), admin, "Air 20 liter sesuai SK Bupati")
    assert version == 2
    current = await current_standards()
    assert current.version == 2
    assert next(rule for rule in current.rules if rule.code == "air_bersih").quantity == 20
    # 20 L × 100 displaced × 3 days = 6,000 L, and the result says which standards it used.
    result = calculate(NeedsInputs(days=3, displaced=100), current)
    assert (result.standards_version, result.line("air_bersih").quantity) == (2, 6000)


async def test_saving_again_adds_a_version_and_leaves_the_old_one_as_it_was(app, admin):
    await save_standards(edited("air_bersih", quantity="20"), admin, "pertama")
    assert await save_standards(edited("air_bersih", quantity="25"), admin, "kedua") == 3
    old, new = await get_standards(2), await get_standards(3)
    assert next(r for r in old.rules if r.code == "air_bersih").quantity == 20
    assert next(r for r in new.rules if r.code == "air_bersih").quantity == 25
    assert await StandardsVersion.count() == 2


async def test_past_versions_can_be_read_including_the_bundled_one(app, admin):
    await save_standards(edited("beras", quantity="0.45"), admin)
    assert await get_standards(1) == bundled_standards()
    assert await get_standards(99) is None


async def test_decimal_quantities_are_read_back_exactly(app, admin):
    await save_standards(edited("beras", quantity="0.333", round_to="0.1"), admin)
    rice = next(rule for rule in (await current_standards()).rules if rule.code == "beras")
    assert (rice.quantity, rice.round_to) == (Decimal("0.333"), Decimal("0.1"))


async def test_versions_are_listed_newest_first_with_who_saved_them_and_why(app, admin):
    await save_standards(edited("air_bersih", quantity="20"), admin, "  Air 20 liter  ")
    await save_standards(edited("air_bersih", quantity="25"), None, "")
    newest, oldest = await list_versions()
    assert (newest["version"], newest["created_by_username"], newest["note"]) == (3, None, "")
    assert (oldest["version"], oldest["created_by_username"], oldest["created_by_name"]) == (2, "admin", "Admin Dinsos")
    assert oldest["note"] == "Air 20 liter"
    assert newest["created_at"] >= oldest["created_at"]


async def test_invalid_rules_are_refused_and_nothing_is_stored(app, admin):
    with pytest.raises(NeedsError) as refused:
        await save_standards(edited("jamban", per_people=0, source=""), admin, "salah")
    assert refused.value.problems == [
        "Aturan 3 (jamban): Sumber wajib diisi.",
        "Aturan 3 (jamban): Per berapa orang harus bilangan bulat 1 sampai 100000.",
    ]
    assert await StandardsVersion.count() == 0


async def test_an_editor_working_on_an_outdated_version_is_stopped(app, admin):
    await save_standards(edited("air_bersih", quantity="20"), admin, based_on=1)
    with pytest.raises(NeedsError, match="sudah diubah menjadi versi 2"):
        await save_standards(edited("air_bersih", quantity="25"), admin, based_on=1)
    assert await save_standards(edited("air_bersih", quantity="25"), admin, based_on=2) == 3


async def test_an_unknown_user_cannot_save(app):
    with pytest.raises(NeedsError, match="Pengguna yang menyimpan tidak dikenal"):
        await save_standards(edited("air_bersih", quantity="20"), 12345)
    assert await StandardsVersion.count() == 0


async def test_a_long_note_is_refused(app, admin):
    with pytest.raises(NeedsError, match="Catatan paling panjang 500 karakter"):
        await save_standards(edited("air_bersih", quantity="20"), admin, "x" * 501)


async def test_simultaneous_saves_never_share_a_version_number(app, admin):
    outcomes = await asyncio.gather(
        *(save_standards(edited("air_bersih", quantity=str(20 + n)), admin) for n in range(3)), return_exceptions=True
    )
    saved = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, NeedsError)]
    assert len(saved) + len(refused) == 3 and saved
    assert all("Muat ulang" in str(error) for error in refused)
    assert sorted(saved) == [row["version"] for row in reversed(await list_versions())]
