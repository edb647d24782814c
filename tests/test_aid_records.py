"""Aid records on every engine: stock in and out, deliveries taking stock, totals, the audit trail."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role
from lapor_bencana.aid import service
from lapor_bencana.aid.items import AidError, catalogue
from lapor_bencana.aid.tables import AidDelivery, StockMovement
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.reports import photos
from lapor_bencana.storage import LocalBlobStore
from lapor_bencana.timeutil import now
from tests.accounts import make_user
from tests.images import jpeg

TODAY = date(2026, 11, 27)
ITEMS = catalogue(bundled_standards())


@pytest.fixture
async def ctx(app) -> Context:
    return Context(await make_user("sari", Role.KOORDINATOR, full_name="Sari Koordinator"), "10.0.0.7")


@pytest.fixture
async def incident(app) -> Incident:
    row = Incident(code="BANJIR01", hazard="banjir", title="Banjir", status=IncidentStatus.TERVERIFIKASI, occurred_at=now())
    await row.save().run()
    return row


@pytest.fixture
async def gudang(ctx) -> int:
    return await service.create_warehouse({"name": "Gudang Dinsos Paringin", "village": "63.11.06.2005"}, "63.11", ctx)


def stock(warehouse: int, item: str, quantity: str, **extra) -> dict:
    return {"warehouse": str(warehouse), "item": item, "quantity": quantity, "source": "Kemensos", **extra}


def delivery(**extra) -> dict:
    return {
        "item": "beras", "quantity": "50", "source_kind": "donatur", "donor": "PT Sumber Rejeki",
        "destination_kind": "posko", "destination": "Posko Balai Desa", "recipient": "Pak Kades",
        "date": TODAY.isoformat(), **extra,
    }


async def deliver(incident: Incident, ctx: Context, **extra) -> int:
    return await service.record_delivery(incident.id, delivery(**extra), ITEMS, ctx, regency_code="63.11", today=TODAY)


async def test_stock_in_and_out_give_the_balance_per_item(ctx, gudang):
    await service.record_stock_in(stock(gudang, "beras", "1000"), ITEMS, ctx, TODAY)
    await service.record_stock_in(stock(gudang, "beras", "0,5"), ITEMS, ctx, TODAY)
    await service.record_stock_in(stock(gudang, "selimut", "200"), ITEMS, ctx, TODAY)
    await service.record_stock_out(stock(gudang, "beras", "100.25", source="Rusak terendam"), ITEMS, ctx, TODAY)
    balances = {b.item_code: b for b in await service.stock_balances(gudang)}
    assert (balances["beras"].stock_in, balances["beras"].stock_out, balances["beras"].balance) == (
        Decimal("1000.5"), Decimal("100.25"), Decimal("900.25"),
    )
    assert balances["selimut"].balance == 200 and balances["selimut"].unit == "lembar"
    assert await service.balance_of(gudang, "tikar") == 0


async def test_a_delivery_from_a_warehouse_takes_its_stock_in_the_same_record(ctx, gudang, incident):
    await service.record_stock_in(stock(gudang, "beras", "300"), ITEMS, ctx, TODAY)
    delivery_id = await deliver(incident, ctx, source_kind="gudang", warehouse=str(gudang), quantity="120")
    assert await service.balance_of(gudang, "beras") == 180
    out = await StockMovement.select().where(StockMovement.delivery == delivery_id).first().run()
    assert (out["direction"], Decimal(out["quantity"]), out["warehouse"]) == ("keluar", 120, gudang)
    assert await service.delivered_totals(incident.id) == {"beras": Decimal(120)}


async def test_a_delivery_that_would_leave_the_warehouse_short_is_refused_and_nothing_is_stored(ctx, gudang, incident):
    await service.record_stock_in(stock(gudang, "beras", "100"), ITEMS, ctx, TODAY)
    with pytest.raises(AidError) as refused:
        await deliver(incident, ctx, source_kind="gudang", warehouse=str(gudang), quantity="100.5")
    assert refused.value.errors["quantity"] == (
        "Stok Beras di Gudang Dinsos Paringin tinggal 100 kg, tidak cukup untuk 100,5 kg."
    )
    assert await AidDelivery.count() == 0 and await StockMovement.count() == 1
    with pytest.raises(AidError):
        await service.record_stock_out(stock(gudang, "selimut", "1"), ITEMS, ctx, TODAY)
    # Exactly the balance is fine: the stock reaches zero, never below.
    await deliver(incident, ctx, source_kind="gudang", warehouse=str(gudang), quantity="100")
    assert await service.balance_of(gudang, "beras") == 0


async def test_every_write_is_audited_with_who_and_from_where(ctx, gudang, incident):
    await service.record_stock_in(stock(gudang, "selimut", "10"), ITEMS, ctx, TODAY)
    delivery_id = await deliver(incident, ctx, item="selimut", quantity="4", source_kind="gudang", warehouse=str(gudang))
    [event] = await audit.history("aid_delivery", delivery_id)
    assert (event.action, event.actor.label, event.client_address) == ("aid.deliver", "sari", "10.0.0.7")
    assert event.after["item_code"] == "selimut" and event.after["quantity"] == "4"
    assert [e.action for e in await audit.history("warehouse", gudang)] == ["warehouse.create"]
    out = await StockMovement.select(StockMovement.id).where(StockMovement.delivery == delivery_id).first().run()
    assert [e.action for e in await audit.history("stock_movement", out["id"])] == ["stock.out"]
    assert (await audit.verify()).ok


async def test_totals_add_up_exactly_per_item_and_other_items_get_their_own_code(ctx, incident):
    for quantity in ("0.1", "0.2", "0,3"):
        await deliver(incident, ctx, item="air_bersih", quantity=quantity)
    await deliver(incident, ctx, item="lainnya", item_name="Genset 5 kVA", unit="unit", quantity="2")
    assert await service.delivered_totals(incident.id) == {"air_bersih": Decimal("0.6"), "lain_genset_5_kva": 2}
    rows = await service.deliveries_of(incident.id)
    assert {row["item_name"] for row in rows} == {"Air minum dan keperluan rumah tangga", "Genset 5 kVA"}
    with pytest.raises(AidError) as refused:
        await deliver(incident, ctx, item="lainnya", item_name="genset 5 KVA", unit="paket", quantity="1")
    assert refused.value.errors["unit"] == "genset 5 KVA sudah pernah dicatat dalam unit; pakai satuan yang sama."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "0"}, "quantity", "Jumlah harus lebih dari 0."),
        ({"quantity": "-5"}, "quantity", "Jumlah harus lebih dari 0."),
        ({"quantity": "50000000"}, "quantity", "Jumlah 50000000 tidak masuk akal: periksa kembali angkanya."),
        ({"quantity": "lima"}, "quantity", "Jumlah harus angka, misalnya 25 atau 2,5."),
        ({"quantity": "1.2345"}, "quantity", "Jumlah paling banyak 3 angka di belakang koma."),
        ({"item": "selimut", "quantity": "2.5"}, "quantity", "Jumlah dalam lembar harus bilangan bulat."),
        ({"item": "emas"}, "item", "Pilih barang."),
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "date", "Tanggal tidak boleh di masa depan."),
        ({"source_kind": "gudang"}, "warehouse", "Pilih gudang."),
        ({"donor": ""}, "donor", "Tulis nama donatur."),
        ({"recipient": " "}, "recipient", "Tulis nama penerima."),
        ({"destination_village": "63.10.01.2001"}, "destination_village", "Desa ini tidak ada di wilayah kabupaten ini."),
    ],
)
async def test_bad_input_is_refused_with_a_sentence_for_the_field(ctx, incident, changes, field, message):
    with pytest.raises(AidError) as refused:
        await deliver(incident, ctx, **changes)
    assert refused.value.errors[field] == message
    assert await AidDelivery.count() == 0


async def test_the_proof_photo_is_stored_without_its_metadata(ctx, incident, tmp_path):
    store = LocalBlobStore(tmp_path)
    original = jpeg(gps=(-2.3, 115.5), owner="Budi Santoso")
    photo = photos.process(original)
    delivery_id = await service.record_delivery(
        incident.id, delivery(), ITEMS, ctx, regency_code="63.11", today=TODAY, photo=photo, store=store
    )
    key = await service.delivery_photo_key(delivery_id, thumbnail=False)
    assert b"Budi Santoso" in original
    assert store.get(key) == photo.jpeg and b"Budi Santoso" not in photo.jpeg and b"Exif" not in photo.jpeg
    assert store.get(await service.delivery_photo_key(delivery_id, thumbnail=True)) == photo.thumbnail


async def test_an_inactive_warehouse_takes_no_stock_and_sends_nothing(ctx, gudang, incident):
    await service.record_stock_in(stock(gudang, "beras", "10"), ITEMS, ctx, TODAY)
    await service.set_warehouse_active(gudang, False, ctx)
    with pytest.raises(AidError) as refused:
        await service.record_stock_in(stock(gudang, "beras", "10"), ITEMS, ctx, TODAY)
    assert refused.value.errors == {"warehouse": "Pilih gudang yang aktif."}
    assert await service.warehouses(active_only=True) == []
    with pytest.raises(AidError) as duplicate:
        await service.create_warehouse({"name": "gudang dinsos paringin"}, "63.11", ctx)
    assert duplicate.value.errors["name"] == "Sudah ada gudang bernama gudang dinsos paringin."
