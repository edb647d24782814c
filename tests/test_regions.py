from lapor_bencana.regions import service
from lapor_bencana.regions.importer import RegionDataError, import_regency, rows_for_regency
from lapor_bencana.regions.tables import Region, RegionLevel

import pytest


def test_balangan_has_eight_kecamatan_and_157_villages_in_the_bundled_data():
    rows = rows_for_regency("63.11")
    by_level = {level: [r for r in rows if r.level == level] for level in RegionLevel}
    assert [r.name for r in by_level[RegionLevel.PROVINCE]] == ["Kalimantan Selatan"]
    assert [r.name for r in by_level[RegionLevel.REGENCY]] == ["Kabupaten Balangan"]
    assert len(by_level[RegionLevel.DISTRICT]) == 8
    assert len(by_level[RegionLevel.VILLAGE]) == 157
    assert all(r.parent_code == r.code.rsplit(".", 1)[0] for r in rows if r.level > RegionLevel.PROVINCE)


def test_an_unknown_regency_is_refused():
    with pytest.raises(RegionDataError):
        rows_for_regency("99.99")


async def test_import_is_repeatable_and_loads_another_regency(app):
    # The test database already holds Balangan; importing it again changes nothing.
    before = await Region.count()
    await import_regency("63.11")
    assert await Region.count() == before
    written = await import_regency("63.10")  # Kabupaten Tanah Bumbu, same province
    assert await Region.count() == before + written.regions - 1  # the province row is shared


async def test_a_village_is_accepted_only_inside_the_configured_regency(app):
    assert (await service.village_in_regency("63.11.06.2005", "63.11"))["name"] == "Balang"
    assert await service.village_in_regency("63.11.06", "63.11") is None  # a kecamatan, not a village
    assert await service.village_in_regency("63.11.06.9999", "63.11") is None
    assert await service.village_in_regency("63.10.01.2001", "63.11") is None
