"""Relief items and quantities in the reader's words: one name per item in every table (needs,
deliveries, stock, situation report, export), and "1 unit", never "1 units"."""

import re

from lapor_bencana.aid.tables import AidDelivery
from tests.test_aid_pages import RICE, cell, incident, people, post  # noqa: F401 (fixtures)

TENT = {**RICE, "item": "tenda_keluarga", "quantity": "1"}


async def in_english(client) -> None:
    assert (await client.get("/bahasa/en", params={"next": "/"})).status_code == 303


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_records_keep_the_catalogue_name_whatever_the_recorders_language(people, incident):
    _users, clients = people
    await in_english(clients["sari"])
    assert (await post(clients["sari"], f"/koordinator/kejadian/{incident.code}/bantuan", RICE)).status_code == 200
    assert [row["item_name"] for row in await AidDelivery.select(AidDelivery.item_name).run()] == ["Beras"]


async def test_needs_and_deliveries_name_an_item_the_same_way_on_every_page(people, incident):
    _users, clients = people
    sari = clients["sari"]
    assert (await post(sari, f"/koordinator/kejadian/{incident.code}/bantuan", RICE)).status_code == 200
    await in_english(sari)
    page = (await sari.get(f"/koordinator/kejadian/{incident.code}")).text
    deliveries = page[page.index('id="aid-deliveries"'):]
    assert "100 kg Rice" in text_of(deliveries) and "Beras" not in page
    report = (await sari.get(f"/koordinator/kejadian/{incident.code}/laporan-situasi")).text
    assert 'data-need="beras"><th scope="row">Rice</th>' in report
    assert 'data-item="beras"><th scope="row">Rice</th>' in report
    assert "Beras" not in report
    export = (await sari.get("/koordinator/ekspor/bantuan", params={"format": "csv"})).text
    # The stable machine column keeps the code; the human one follows the reader's language.
    assert ";beras;Rice;100;" in export


async def test_one_of_a_unit_is_singular_in_english(people, incident):
    _users, clients = people
    sari = clients["sari"]
    await in_english(sari)
    assert (await post(sari, f"/koordinator/kejadian/{incident.code}/bantuan", TENT)).status_code == 200
    page = (await sari.get(f"/koordinator/kejadian/{incident.code}")).text
    assert cell(page, "tenda_keluarga", "delivered") == "1 unit"
    assert "1 unit Family tents" in text_of(page[page.index('id="aid-deliveries"'):])
    report = (await sari.get(f"/koordinator/kejadian/{incident.code}/laporan-situasi")).text
    assert "1 units" not in report and "1 units" not in page
