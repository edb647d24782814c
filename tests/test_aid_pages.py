"""Aid through HTTP: the incident page's need / delivered / missing table, recording a delivery
(htmx and plain form, with a proof photo), deployments, and the warehouse page. Both databases."""

import re
from datetime import timedelta

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role
from lapor_bencana.aid import service
from lapor_bencana.aid.tables import AidDelivery
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient
from tests.accounts import client_of, csrf_token, make_user, sign_in
from tests.images import SECRET, jpeg_with_metadata


@pytest.fixture
async def people(app):
    users = {
        "sari": await make_user("sari", Role.KOORDINATOR, full_name="Sari Koordinator"),
        "ani": await make_user("ani", Role.ADMIN, full_name="Ani Admin"),
        "budi": await make_user("budi", Role.PETUGAS),
    }
    clients = {}
    for name in users:
        clients[name] = client_of(app)
        assert (await sign_in(clients[name], name)).status_code == 303
    yield users, clients
    for client in clients.values():
        await client.aclose()


@pytest.fixture
async def incident(people) -> Incident:
    users, _clients = people
    row = Incident(
        code="BANJIR01", hazard="banjir", title="Banjir Paringin", status=IncidentStatus.TERVERIFIKASI,
        village="63.11.06.2005", occurred_at=now() - timedelta(days=1), planning_days=7,
    )
    await row.save().run()
    await assessments.record(row.id, {"displaced": 100, "affected_families": 30}, Context(users["sari"]), verified=True)
    return row


async def post(client, path, data=None, files=None, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(path, data={"_csrf_token": await csrf_token(client), **(data or {})}, files=files, headers=headers)


def cell(page: str, code: str, testid: str) -> str:
    row = re.search(rf'<tr data-need="{code}"[^>]*>(.*?)</tr>', page, re.S).group(1)
    text = re.search(rf'data-testid="{testid}">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


RICE = {"item": "beras", "quantity": "100", "source_kind": "donatur", "donor": "Baznas Balangan",
        "destination_kind": "posko", "destination": "Posko Balai Desa", "recipient": "Pak Kades"}


async def test_the_incident_page_shows_need_delivered_and_still_missing_per_item(people, incident):
    _users, clients = people
    page = (await clients["sari"].get(f"/koordinator/kejadian/{incident.code}")).text
    # 0.4 kg × 100 displaced × 7 days = 280 kg, from the bundled standards, version 1.
    assert (cell(page, "beras", "needed"), cell(page, "beras", "delivered"), cell(page, "beras", "missing")) == (
        "280 kg", "0 kg", "280 kg",
    )
    assert "standar versi 1" in page
    assert page.count('data-testid="needs"') == 1  # one table, not the old one beside it

    saved = await post(clients["sari"], f"/koordinator/kejadian/{incident.code}/bantuan", RICE)
    assert saved.status_code == 200 and 'id="incident-live"' in saved.text
    assert (cell(saved.text, "beras", "delivered"), cell(saved.text, "beras", "missing")) == ("100 kg", "180 kg")
    await post(clients["sari"], f"/koordinator/kejadian/{incident.code}/bantuan", {**RICE, "quantity": "200"})
    page = (await clients["sari"].get(f"/koordinator/kejadian/{incident.code}")).text
    assert (cell(page, "beras", "delivered"), cell(page, "beras", "missing")) == ("300 kg", "cukup")
    assert "Baznas Balangan" in page and "Posko Balai Desa" in page


async def test_a_bad_delivery_is_refused_with_422_and_the_form_as_it_was(people, incident):
    _users, clients = people
    path = f"/koordinator/kejadian/{incident.code}/bantuan"
    refused = await post(clients["sari"], path, {**RICE, "quantity": "0", "recipient": "Bu Lurah"})
    assert refused.status_code == 422
    assert "Jumlah harus lebih dari 0." in refused.text and 'value="Bu Lurah"' in refused.text
    # Without JavaScript: the whole page, the form open with its error.
    plain = await post(clients["sari"], path, {**RICE, "quantity": "sepuluh"}, htmx=False)
    assert plain.status_code == 422 and "<html" in plain.text and "Jumlah harus angka" in plain.text
    assert await AidDelivery.count() == 0
    done = await post(clients["sari"], path, RICE, htmx=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/koordinator/kejadian/{incident.code}")


async def test_the_proof_photo_is_stripped_and_shown_to_staff_only(people, incident, app):
    _users, clients = people
    files = {"photo": ("bukti.jpg", jpeg_with_metadata(), "image/jpeg")}
    saved = await post(clients["sari"], f"/koordinator/kejadian/{incident.code}/bantuan", RICE, files=files)
    assert saved.status_code == 200
    delivery = await AidDelivery.select(AidDelivery.id).first().run()
    photo = await clients["sari"].get(f"/koordinator/bantuan/{delivery['id']}/foto")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    thumbnail = await clients["sari"].get(f"/koordinator/bantuan/{delivery['id']}/foto?kecil=1")
    for served in (photo.content, thumbnail.content):
        assert served[:2] == b"\xff\xd8" and SECRET not in served and b"Exif" not in served
    assert (await clients["budi"].get(f"/koordinator/bantuan/{delivery['id']}/foto")).status_code == 403
    not_a_photo = await post(clients["sari"], f"/koordinator/kejadian/{incident.code}/bantuan", RICE,
                             files={"photo": ("x.jpg", b"bukan foto", "image/jpeg")})
    assert not_a_photo.status_code == 422 and "Berkas ini bukan foto." in not_a_photo.text


async def test_a_delivery_from_a_warehouse_shows_on_the_warehouse_page_and_short_stock_is_refused(people, incident):
    users, clients = people
    admin, coordinator = clients["ani"], clients["sari"]
    created = await post(admin, "/koordinator/gudang", {"name": "Gudang Paringin", "kecamatan": "63.11.06"}, htmx=False)
    assert created.status_code == 303
    warehouse = (await service.warehouses())[0]["id"]
    stocked = await post(coordinator, "/koordinator/gudang/stok", {
        "direction": "masuk", "warehouse": str(warehouse), "item": "beras", "quantity": "150", "source": "Kemensos",
    }, htmx=False)
    assert stocked.status_code == 303
    sent = await post(coordinator, f"/koordinator/kejadian/{incident.code}/bantuan",
                      {**RICE, "source_kind": "gudang", "warehouse": str(warehouse), "quantity": "120"})
    assert sent.status_code == 200
    short = await post(coordinator, f"/koordinator/kejadian/{incident.code}/bantuan",
                       {**RICE, "source_kind": "gudang", "warehouse": str(warehouse), "quantity": "31"})
    assert short.status_code == 422
    assert "Stok Beras di Gudang Paringin tinggal 30 kg, tidak cukup untuk 31 kg." in short.text
    page = (await coordinator.get("/koordinator/gudang")).text
    row = re.search(rf'data-stock="{warehouse}-beras">(.*?)</tr>', page, re.S).group(1)
    assert [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] == [
        "Gudang Paringin", "Beras", "150", "120", "30 kg",
    ]
    assert "Disalurkan ke kejadian" in page
    assert "Tambah gudang" not in page  # coordinators see stock; only admins add warehouses
    assert (await post(coordinator, "/koordinator/gudang", {"name": "Gudang Liar"}, htmx=False)).status_code == 403
    out_of_stock = await post(coordinator, "/koordinator/gudang/stok", {
        "direction": "keluar", "warehouse": str(warehouse), "item": "beras", "quantity": "31", "source": "Rusak",
    }, htmx=False)
    assert out_of_stock.status_code == 422 and "tinggal 30 kg" in out_of_stock.text and 'value="Rusak"' in out_of_stock.text
    assert [e.action for e in await audit.history("warehouse", warehouse)] == ["warehouse.create"]


async def test_deployments_and_personnel_come_from_the_volunteers_answers(people, incident):
    users, clients = people
    call = CallForHelp(incident=incident.id, radius_km=10, people_needed=3)
    await call.save().run()
    answers = {"Rina": ("bersedia", None), "Dodi": ("tiba", now()), "Eko": ("tidak_bisa", None), "Fajar": ("", None)}
    for name, (response, arrived_at) in answers.items():
        volunteer = await make_user(name.lower(), Role.RELAWAN, full_name=name)
        await CallRecipient(
            call=call.id, user=volunteer.id, response=response, arrived_at=arrived_at,
            responded_at=now() if response else None,
        ).save().run()
    page = (await clients["sari"].get(f"/koordinator/kejadian/{incident.code}")).text
    assert re.search(r'data-testid="willing">1<', page) and re.search(r'data-testid="arrived">1<', page)
    deployments = re.search(r'data-testid="deployments">(.*?)</ul>', page, re.S).group(1)
    assert deployments.index("Dodi") < deployments.index("Rina") < deployments.index("Eko")
    assert "Fajar" not in deployments  # called, but has not answered
    assert 'data-need="petugas_evakuasi"' in page  # the personnel lines of the standards
