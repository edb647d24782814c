"""Photos stored by versions that kept the upload's JPEG comment are cleaned in place, on both
databases: rows follow the cleaned files, and running it again changes nothing."""

import io
from datetime import date

from PIL import Image

from lapor_bencana.accounts.tables import Role
from lapor_bencana.aid import service as aid_service
from lapor_bencana.aid.items import catalogue
from lapor_bencana.aid.tables import AidDelivery
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.photo_scrub import scrub_stored_photos
from lapor_bencana.reports import service as report_service
from lapor_bencana.reports.photos import ProcessedPhoto
from lapor_bencana.reports.tables import Report, ReportPhoto
from lapor_bencana.storage import LocalBlobStore
from lapor_bencana.timeutil import now
from tests.accounts import make_user
from tests.images import SECRET


def stored_by_an_older_version(colour) -> ProcessedPhoto:
    """What ``process`` stored before: Pillow wrote the upload's comment back into both files."""

    def encode(size):
        out = io.BytesIO()
        Image.new("RGB", size, colour).save(out, format="JPEG", comment=SECRET)
        return out.getvalue()

    return ProcessedPhoto(encode((400, 300)), encode((320, 240)), 400, 300, "", None)


async def test_stored_photos_lose_their_comments_and_keep_their_rows(client, tmp_path):
    store = LocalBlobStore(tmp_path)
    response = await client.post("/api/v1/reports", json={"hazard": "banjir", "village_code": "63.11.06.2005"})
    report = await Report.objects().where(Report.code == response.json()["code"]).first().run()
    assert await report_service.add_photo(report, stored_by_an_older_version((200, 0, 0)), store, limit=5)
    incident = Incident(code="BANJIR01", hazard="banjir", title="Banjir", status=IncidentStatus.TERVERIFIKASI, occurred_at=now())
    await incident.save().run()
    ctx = Context(await make_user("sari", Role.KOORDINATOR), "10.0.0.7")
    delivery = {"item": "beras", "quantity": "5", "source_kind": "donatur", "donor": "PT Sumber Rejeki",
                "destination_kind": "posko", "destination": "Posko", "recipient": "Pak Kades", "date": "2026-11-27"}
    await aid_service.record_delivery(incident.id, delivery, catalogue(bundled_standards()), ctx, regency_code="63.11",
                                      today=date(2026, 11, 27), photo=stored_by_an_older_version((0, 0, 200)), store=store)
    old_keys = await keys()
    assert all(SECRET in store.get(key) for key in old_keys)

    assert await scrub_stored_photos(store) == 4
    new_keys = await keys()
    assert len(new_keys) == 4 and not set(new_keys) & set(old_keys)
    for old, new in zip(old_keys, new_keys, strict=True):
        assert store.get(old) is None
        assert SECRET not in store.get(new) and Image.open(io.BytesIO(store.get(new))).size in {(400, 300), (320, 240)}
    assert await scrub_stored_photos(store) == 0 and await keys() == new_keys


async def keys() -> list[str]:
    photo = await ReportPhoto.select(ReportPhoto.image_key, ReportPhoto.thumbnail_key).first().run()
    proof = await AidDelivery.select(AidDelivery.photo_key, AidDelivery.thumbnail_key).first().run()
    return [*photo.values(), *proof.values()]
