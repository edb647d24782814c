"""Region boundaries: import, the village of a GPS position, the regency's outline with its margin,
and every report and incident placed by GPS alone getting its village (intake, triage, backfill)."""

import gzip
import importlib
import json
import shutil

import pytest
from tests.accounts import client_of
from tests.push_helpers import subscribed
from tests.test_call_routes import desk  # noqa: F401  (a signed-in coordinator's client)
from tests.test_targeting import volunteer

from lapor_bencana.accounts.tables import Role
from lapor_bencana.app import create_app
from lapor_bencana.incidents import triage
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.push.tables import PushJob
from lapor_bencana.regions import boundaries
from lapor_bencana.regions.boundaries import BUNDLED_BOUNDARIES_DIR, BoundaryDataError, Boundaries, read_shapes
from lapor_bencana.regions.geometry import Shape
from lapor_bencana.regions.importer import import_regency
from lapor_bencana.regions.tables import RegionBoundary, RegionLevel
from lapor_bencana.reports.tables import Report
from lapor_bencana.timeutil import now
from tests.accounts import make_user

# Points checked against the bundled polygons of Balangan (63.11).
IN_BALANG = (-2.3248, 115.5091)  # inside Desa Balang, Kec. Paringin (63.11.06.2005)
IN_A_GAP = (-2.297, 115.3758)  # in no village polygon, ≈ 140 m from 63.11.05.2024 (Kec. Lampihong)
NEAR_THE_BORDER = (-2.5324, 115.6)  # ≈ 3.2 km outside the regency's outline, > 500 m from every village
CLEARLY_OUTSIDE = (-2.6124, 115.6)  # ≈ 12 km south of the outline
BANJARMASIN = (-3.3194, 114.5908)


@pytest.fixture(scope="module")
def balangan() -> Boundaries:
    by_level: dict = {}
    for level, shape in read_shapes(BUNDLED_BOUNDARIES_DIR, "63.11"):
        by_level.setdefault(level, {})[shape.code] = shape
    return Boundaries(by_level)


def test_the_bundled_files_hold_balangan_its_eight_kecamatan_and_157_villages(balangan):
    assert list(balangan.of(RegionLevel.REGENCY)) == ["63.11"]
    assert len(balangan.of(RegionLevel.DISTRICT)) == 8
    assert len(balangan.of(RegionLevel.VILLAGE)) == 157
    assert all(code.startswith("63.11.") for code in balangan.of(RegionLevel.VILLAGE))


def test_a_point_inside_a_village_gets_that_village(balangan):
    assert balangan.village_at(*IN_BALANG) == "63.11.06.2005"


def test_a_point_in_a_gap_gets_the_nearest_village_within_the_small_distance(balangan):
    assert not any(shape.contains(*IN_A_GAP) for shape in balangan.of(RegionLevel.VILLAGE).values())
    assert balangan.village_at(*IN_A_GAP) == "63.11.05.2024"


def test_a_point_far_from_every_village_gets_none(balangan):
    assert balangan.village_at(*NEAR_THE_BORDER) is None
    assert balangan.village_at(*BANJARMASIN) is None


def test_the_regency_accepts_points_inside_and_within_its_margin_only(balangan):
    area = balangan.regency_area("63.11")
    assert area.contains(*IN_BALANG) and area.contains(*IN_A_GAP) and area.contains(*NEAR_THE_BORDER)
    assert not area.contains(*CLEARLY_OUTSIDE)
    assert not area.contains(*BANJARMASIN)
    assert balangan.regency_area("63.10") is None  # never imported: no outline to check against


def test_a_point_in_a_hole_is_outside_and_measured_to_the_hole():
    square = ((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0))
    hole = ((0.4, 0.4), (0.4, 0.6), (0.6, 0.6), (0.6, 0.4))
    shape = Shape.of("x", ((square, hole),))
    assert shape.contains(0.2, 0.2) and not shape.contains(0.5, 0.5)
    assert shape.distance_m(0.5, 0.5) == pytest.approx(0.1 * 110_574, rel=0.01)
    assert Shape.from_geojson("x", shape.geojson()).contains(0.2, 0.2)


def test_the_upstream_repository_layout_and_plain_sql_files_are_read(tmp_path):
    # A checkout of cahyadsn/wilayah_boundaries names them db/kab/wilayah_boundaries_kab_63.sql etc.
    for stem, folder in (("kab_63", "kab"), ("kec_63", "kec"), ("kel_63.11", "kel/63")):
        target = tmp_path / "db" / folder / f"wilayah_boundaries_{stem}.sql"
        target.parent.mkdir(parents=True)
        with gzip.open(BUNDLED_BOUNDARIES_DIR / f"{stem}.sql.gz", "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
    shapes = read_shapes(tmp_path, "63.11")
    assert len(shapes) == 1 + 8 + 157
    assert read_shapes(tmp_path, "63.10") != []  # another regency of the province: its kab and kec rows


def test_a_broken_row_is_refused_with_its_file_and_line(tmp_path):
    (tmp_path / "kec_63.sql").write_text(
        "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"
        "\t('63.11.01','Juai',-2.2,115.6,'[[[-2.2,115.6]]]');\n"
    )
    with pytest.raises(BoundaryDataError, match=r"kec_63.sql, line 2 \(63.11.01\)"):
        read_shapes(tmp_path, "63.11")
    (tmp_path / "kec_63.sql").write_text("\t('63.11.01','Juai',-2.2,115.6,'[[[-2.2,115.6]]]'\n")
    with pytest.raises(BoundaryDataError, match=r"kec_63.sql, line 1: not a row of wilayah_boundaries"):
        read_shapes(tmp_path, "63.11")
    (tmp_path / "kec_63.sql").unlink()
    (tmp_path / "kec_63.sql.gz").write_bytes(b"not gzip at all")
    with pytest.raises(BoundaryDataError, match=r"kec_63.sql.gz: Not a gzipped file"):
        read_shapes(tmp_path, "63.11")


async def test_the_import_stores_the_boundaries_with_the_regions_and_is_repeatable(app):
    before = await RegionBoundary.count()
    assert before >= 1 + 8 + 157  # the test database's import of 63.11
    imported = await import_regency("63.11")
    assert imported.boundaries == 1 + 8 + 157
    assert await RegionBoundary.count() == before
    assert (await boundaries.current()).village_at(*IN_BALANG) == "63.11.06.2005"


async def post_report(client, **fields):
    return await client.post("/api/v1/reports", json={"hazard": "banjir", **fields})


async def test_a_gps_only_report_gets_its_village_and_says_it_was_derived(client):
    response = await post_report(client, latitude=IN_BALANG[0], longitude=IN_BALANG[1])
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["village_code"], body["village_name"], body["district_name"]) == ("63.11.06.2005", "Balang", "Paringin")
    assert body["village_derived"] is True
    stored = await Report.objects().where(Report.code == body["code"]).first().run()
    assert (stored.village, stored.village_derived) == ("63.11.06.2005", True)
    page = (await client.get(f"/laporan/{body['code']}")).text
    assert "Balang" in page and "Desa diperkirakan dari titik GPS." in page


async def test_a_picked_village_is_kept_and_not_called_derived(client):
    response = await post_report(client, village_code="63.11.01.2001", latitude=IN_BALANG[0], longitude=IN_BALANG[1])
    assert response.json()["village_code"] == "63.11.01.2001" and response.json()["village_derived"] is False
    assert "diperkirakan dari titik GPS" not in (await client.get(f"/laporan/{response.json()['code']}")).text


async def test_a_point_clearly_outside_the_regency_is_refused_in_indonesian(client):
    for point in (CLEARLY_OUTSIDE, BANJARMASIN):
        response = await post_report(client, latitude=point[0], longitude=point[1])
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "latitude": "Lokasi ini di luar wilayah kabupaten (lebih dari 5 km dari batasnya). Periksa lagi lokasi Anda."
        }
    near = await post_report(client, latitude=NEAR_THE_BORDER[0], longitude=NEAR_THE_BORDER[1])
    assert near.status_code == 201 and near.json()["village_code"] is None
    assert await Report.count() == 1


async def test_without_the_regencys_boundary_only_indonesia_is_checked(client, monkeypatch):
    monkeypatch.setattr(boundaries, "_loaded", Boundaries({}))
    assert (await post_report(client, latitude=BANJARMASIN[0], longitude=BANJARMASIN[1])).status_code == 201
    abroad = await post_report(client, latitude=-12.46, longitude=130.84)  # Darwin
    assert abroad.json()["errors"]["latitude"] == "Lokasi ini di luar Indonesia. Periksa lagi lokasi Anda."


async def test_the_inline_check_of_the_form_uses_the_regency_too(client):
    from tests.accounts import csrf_token

    response = await client.post(
        "/lapor/periksa",
        data={"_csrf_token": await csrf_token(client), "hazard": "banjir",
              "latitude": str(BANJARMASIN[0]), "longitude": str(BANJARMASIN[1])},
        headers={"HX-Request": "true", "HX-Trigger-Name": "latitude"},
    )
    assert "di luar wilayah kabupaten" in response.text


async def test_officers_of_the_derived_kecamatan_are_told_of_a_gps_only_report(settings, clock, push_service):
    app = create_app(settings.model_copy(update={"notify_officers_of_reports": True}), clock=clock)
    async with app.lifespan():
        officer = await volunteer("petugas_paringin", district="63.11.06", role=Role.PETUGAS)
        elsewhere = await volunteer("petugas_juai", district="63.11.01", role=Role.PETUGAS)
        for user_id in (officer, elsewhere):
            await subscribed(push_service, settings, user_id)
        resident = client_of(app)
        response = await post_report(resident, latitude=IN_BALANG[0], longitude=IN_BALANG[1])
        await resident.aclose()
        assert response.status_code == 201
        jobs = await PushJob.select(PushJob.payload).run()
    assert len(jobs) == 1
    assert json.loads(jobs[0]["payload"])["title"] == "Laporan baru: Banjir di Desa Balang"


async def stored_without_village(table, point, **fields):
    row = table(latitude=point[0], longitude=point[1], hazard="banjir", occurred_at=now(), **fields)
    await row.save().run()
    return row


async def test_verifying_an_old_gps_only_report_places_its_incident(app, desk):  # noqa: F811
    coordinator = triage.Context(actor=await make_user("andi", Role.KOORDINATOR))
    report = await stored_without_village(Report, IN_A_GAP, code="OLDGPS01")
    incident = await triage.verify(report.id, coordinator)
    assert (incident.village, incident.village_derived) == ("63.11.05.2024", True)
    assert incident.title.startswith("Banjir – ")
    page = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
    assert "Desa diperkirakan dari titik GPS." in page


async def test_merging_a_gps_report_into_an_incident_without_a_place_gives_it_one(app):
    coordinator = triage.Context(actor=await make_user("andi", Role.KOORDINATOR))
    incident = Incident(code="NOPLACE1", hazard="banjir", title="Banjir", status="terverifikasi", occurred_at=now())
    await incident.save().run()
    report = (await post_report(client_of(app), latitude=IN_BALANG[0], longitude=IN_BALANG[1])).json()
    report_id = (await Report.select(Report.id).where(Report.code == report["code"]).first().run())["id"]
    await triage.merge(report_id, incident.id, coordinator)
    merged = await Incident.objects().where(Incident.id == incident.id).first().run()
    assert (merged.village, merged.village_derived, merged.latitude) == ("63.11.06.2005", True, IN_BALANG[0])


async def test_the_desk_report_page_says_the_village_was_derived(client, desk):  # noqa: F811
    created = (await post_report(client, latitude=IN_BALANG[0], longitude=IN_BALANG[1])).json()
    report_id = (await Report.select(Report.id).where(Report.code == created["code"]).first().run())["id"]
    page = (await desk.get(f"/koordinator/laporan/{report_id}")).text
    assert "Balang" in page and "Desa diperkirakan dari titik GPS." in page


async def test_the_backfill_migration_stores_the_bundled_boundaries_and_places_old_rows(app):
    # The state before the migration: region codes imported, no boundaries, rows placed by GPS alone.
    await RegionBoundary.delete(force=True).run()
    boundaries.forget()
    report = await stored_without_village(Report, IN_BALANG, code="OLDGPS02")
    far = await stored_without_village(Report, BANJARMASIN, code="OLDGPS03")
    picked = await stored_without_village(Report, IN_BALANG, code="OLDGPS04", village="63.11.01.2001")
    incident = await stored_without_village(Incident, IN_A_GAP, code="OLDINC01", title="Banjir")

    migration = importlib.import_module("migrations.lapor_2026_12_01t23_34_21_000000")
    for step in (await migration.forwards()).raw:
        await step()

    assert await RegionBoundary.count() == 1 + 8 + 157
    places = {row["code"]: (row["village"], row["village_derived"])
              for row in await Report.select(Report.code, Report.village, Report.village_derived).run()}
    assert places == {
        report.code: ("63.11.06.2005", True),
        far.code: (None, False),
        picked.code: ("63.11.01.2001", False),
    }
    placed = await Incident.select(Incident.village, Incident.village_derived).where(Incident.id == incident.id).first().run()
    assert placed == {"village": "63.11.05.2024", "village_derived": True}


def test_the_validation_layer_checks_the_position_against_the_regency_area(balangan):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from lapor_bencana.reports.validation import validate

    area = balangan.regency_area("63.11")

    def check(point):
        return validate({"hazard": "banjir", "latitude": point[0], "longitude": point[1]},
                        now=datetime(2026, 11, 27, tzinfo=UTC), local_zone=ZoneInfo("Asia/Makassar"), area=area)

    assert check(IN_BALANG)[1] == {} and check(NEAR_THE_BORDER)[1] == {}
    assert set(check(CLEARLY_OUTSIDE)[1]) == {"latitude"}
    assert check(CLEARLY_OUTSIDE)[0] is None


async def test_migrating_an_existing_database_gives_its_gps_only_reports_their_village(tmp_path):
    """The real upgrade path on SQLite (the backfill step itself runs on both engines above): a
    database from before the boundaries, with Balangan's codes and a report placed by GPS alone."""
    import contextlib
    import io

    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager

    from lapor_bencana import database
    from lapor_bencana.regions.importer import rows_for_regency
    from lapor_bencana.regions.tables import Region

    engine = database.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    database.bind(engine)
    boundaries.forget()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            await ForwardsMigrationManager(app_name="lapor", migration_id="2026-11-27T23:45:00:000000").run()
        await Region.insert(*(Region(code=r.code, name=r.name, level=r.level, parent_code=r.parent_code)
                              for r in rows_for_regency("63.11"))).run()
        await engine.run_ddl(
            "INSERT INTO report (code, hazard, occurred_at, received_at, latitude, longitude) "
            f"VALUES ('OLDGPS05', 'banjir', '2026-11-20 00:00:00+00:00', '2026-11-20 00:00:00+00:00', {IN_BALANG[0]}, {IN_BALANG[1]})"
        )
        assert await database.migrate()
        row = await Report.select(Report.village, Report.village_derived).where(Report.code == "OLDGPS05").first().run()
        assert row == {"village": "63.11.06.2005", "village_derived": True}
        assert await RegionBoundary.count() == 1 + 8 + 157
    finally:
        boundaries.forget()


async def test_a_photo_taken_outside_the_regency_never_places_a_report(client):
    from tests import images
    from tests.test_report_form import submit

    picked = await submit(client, {"hazard": "banjir", "village_code": "63.11.01.2001", "idempotency_key": "far-photo"},
                          [images.jpeg(gps=BANJARMASIN)])
    assert picked.status_code == 303
    stored = await Report.objects().where(Report.idempotency_key == "far-photo").first().run()
    assert (stored.latitude, stored.village, stored.village_derived) == (None, "63.11.01.2001", False)
    placed = await submit(client, {"hazard": "banjir", "idempotency_key": "near-photo"}, [images.jpeg(gps=IN_BALANG)])
    assert placed.status_code == 303
    stored = await Report.objects().where(Report.idempotency_key == "near-photo").first().run()
    assert (stored.village, stored.village_derived) == ("63.11.06.2005", True)
    assert "Desa diperkirakan dari titik GPS." in (await client.get(placed.headers["location"])).text


async def test_a_server_without_the_regencys_boundary_says_so_at_start(settings, clock, monkeypatch):
    warned = []

    class Log:
        def warning(self, event, **details):
            warned.append((event, details))

    monkeypatch.setattr(boundaries, "log", Log())
    async with create_app(settings, clock=clock).lifespan():
        assert warned == []
    monkeypatch.setattr(boundaries, "_loaded", Boundaries({}))
    async with create_app(settings, clock=clock).lifespan():
        pass
    assert [event for event, _ in warned] == [
        "regency boundary not imported: report positions are checked only against Indonesia's bounds and get no village"
    ]
    assert warned[0][1] == {"regency": "63.11", "fix": "lapor regions import"}
