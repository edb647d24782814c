"""Photos stored before every kind of metadata was dropped still hold what Pillow carried over
from the upload (a JPEG comment such as "Pemilik: … HP 0812…"); this removes it from the files.

Files are content-addressed, so a cleaned file has a new key: every row pointing at the old file
is moved to the new one, and only then is the old file deleted. Interrupted, it is simply run again.
"""

from __future__ import annotations

from lapor_bencana.aid.tables import AidDelivery
from lapor_bencana.reports.photos import without_metadata
from lapor_bencana.reports.tables import ReportPhoto
from lapor_bencana.storage import BlobStore

PHOTO_KEYS = (
    ReportPhoto.image_key, ReportPhoto.thumbnail_key, AidDelivery.photo_key, AidDelivery.thumbnail_key,
)


async def scrub_stored_photos(store: BlobStore) -> int:
    """Cleans every stored photo that still has metadata; returns how many files changed."""
    keys: set[str] = set()
    for column in PHOTO_KEYS:
        rows = await column._meta.table.select(column).where(column != "").distinct().run()
        keys |= {row[column._meta.name] for row in rows}
    cleaned = 0
    for key in sorted(keys):
        data = store.get(key)
        clean = without_metadata(data) if data is not None else None
        if clean is None or clean == data:
            continue
        new_key = store.put(clean)
        for column in PHOTO_KEYS:
            await column._meta.table.update({column: new_key}).where(column == key).run()
        store.delete(key)
        cleaned += 1
    return cleaned
