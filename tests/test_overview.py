"""The coordinators' map and dashboard: what the map includes, the dashboard's figures counted by
the database, the SVG charts, and both pages through HTTP. Both databases."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents import assessments, triage
from lapor_bencana.incidents.tables import IncidentStatus
from lapor_bencana.overview import charts, dashboard, mapdata, stats
from lapor_bencana.reports.tables import Report
from tests.accounts import client_of, sign_in
from tests.test_triage import new_report

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
async def sari(app):
    user = await create_user(username="sari", password="rahasia-123", full_name="Sari", role=Role.KOORDINATOR)
    return triage.Context(actor=user, client_address="127.0.0.1")


@pytest.fixture
async def desk(app, sari):
    client = client_of(app)
    assert (await sign_in(client, "sari")).status_code == 303
    yield client
    await client.aclose()


async def test_the_map_holds_open_incidents_and_unverified_reports_only(client, sari):
    waiting = await new_report(client, hazard="tanah_longsor", description="Tebing runtuh")
    unplaced = await new_report(client, hazard="kebakaran", latitude=None, longitude=None)
    handled = await triage.verify((await new_report(client)).id, sari)
    await triage.change_status(handled.id, IncidentStatus.DITANGANI, sari)
    closed = await triage.verify((await new_report(client, hazard="angin_puting_beliung")).id, sari)
    await triage.change_status(closed.id, IncidentStatus.SELESAI, sari)
    rejected = await new_report(client, hazard="kekeringan")
    await triage.reject(rejected.id, "hoaks", "", sari)

    items = {item.id: item for item in await mapdata.map_items()}
    assert set(items) == {f"incident-{handled.id}", f"report-{waiting.id}", f"report-{unplaced.id}"}
    assert list(items)[0] == f"incident-{handled.id}"  # incidents come first
    marker = items[f"report-{waiting.id}"].marker()
    assert marker == {
        "id": f"report-{waiting.id}", "kind": "report", "hazard": "tanah_longsor", "status": "baru",
        "title": "Tanah longsor", "detail": "Laporan baru · Balang, Kec. Paringin", "url": f"/koordinator/laporan/{waiting.id}",
        "lat": -2.3325, "lon": 115.4712,
    }
    assert items[f"incident-{handled.id}"].marker()["url"] == f"/koordinator/kejadian/{handled.code}"
    assert items[f"incident-{handled.id}"].status_label == "Sedang ditangani"
    assert not items[f"report-{unplaced.id}"].located


async def test_the_map_page_lists_everything_and_refreshes_its_list_for_htmx(desk, client, sari):
    placed = await new_report(client, description="Air naik", reporter_name="Siti", reporter_phone="081234567890")
    unplaced = await new_report(client, hazard="kebakaran", latitude=None, longitude=None)
    page = await desk.get("/koordinator/peta")
    assert page.status_code == 200
    assert page.text.count('data-testid="map-item"') == 2
    assert 'id="desk-map"' in page.text and "js/desk-map.js" in page.text and "leaflet.js" in page.text
    assert f"&#34;report-{placed.id}&#34;" in page.text  # the markers, as JSON in an attribute
    assert f"&#34;report-{unplaced.id}&#34;" not in page.text and "Tanpa titik lokasi" in page.text
    assert "Siti" not in page.text and "081" not in page.text
    assert ' style="' not in page.text and "<style" not in page.text and "<script>" not in page.text
    fragment = await desk.get("/koordinator/peta", headers={"HX-Request": "true", "HX-Target": "map-list"})
    assert fragment.text.lstrip().startswith('<div id="map-list"') and "<html" not in fragment.text
    assert 'href="/koordinator/peta"' in (await desk.get("/koordinator")).text


async def test_report_and_incident_pages_show_their_position(desk, client, sari):
    report = await new_report(client)
    page = (await desk.get(f"/koordinator/laporan/{report.id}")).text
    assert 'data-testid="report-map"' in page and "&#34;lat&#34;: -2.3325" in page
    incident = await triage.verify(report.id, sari)
    page = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
    assert 'data-testid="incident-map"' in page and f"&#34;incident-{incident.id}&#34;" in page
    unplaced = await new_report(client, latitude=None, longitude=None)
    assert 'data-testid="report-map"' not in (await desk.get(f"/koordinator/laporan/{unplaced.id}")).text


async def test_totals_sum_the_latest_verified_assessment_of_each_open_incident(client, sari):
    flood = await triage.verify((await new_report(client)).id, sari)
    fire = await triage.verify((await new_report(client, hazard="kebakaran", latitude=-2.5)).id, sari)
    closed = await triage.verify((await new_report(client, hazard="tanah_longsor", latitude=-2.2)).id, sari)
    await triage.verify((await new_report(client, hazard="kekeringan", latitude=-2.25)).id, sari)  # never assessed
    await assessments.record(flood.id, {"displaced": 100, "affected_people": 300}, sari, verified=True)
    await assessments.record(flood.id, {"displaced": 80, "affected_people": 320}, sari, verified=True)
    await assessments.record(flood.id, {"displaced": 999}, sari, verified=False)  # not verified: ignored
    await assessments.record(fire.id, {"affected_people": 7, "dead": 1}, sari, verified=True)
    await assessments.record(closed.id, {"displaced": 50}, sari, verified=True)
    await triage.change_status(closed.id, IncidentStatus.SELESAI, sari)

    totals = await stats.totals()
    assert totals.open_incidents == 3 and totals.assessed_incidents == 2
    assert totals.figures == {"affected_people": 327, "displaced": 80, "affected_families": 0, "dead": 1, "houses_flooded": 0}


async def at(report: Report, moment: datetime) -> None:
    await Report.update({Report.received_at: moment}).where(Report.id == report.id).run()


async def test_reports_are_counted_per_local_day_hazard_and_district(client, sari):
    moment = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 11:00 WITA on the 27th
    late_evening = await new_report(client)
    await at(late_evening, datetime(2026, 11, 26, 15, 30, tzinfo=UTC))  # 23:30 WITA on the 26th
    after_midnight = await new_report(client, hazard="kebakaran", village_code="63.11.01.2001")
    await at(after_midnight, datetime(2026, 11, 26, 16, 30, tzinfo=UTC))  # 00:30 WITA on the 27th
    too_old = await new_report(client)
    await at(too_old, datetime(2026, 11, 13, 15, 59, tzinfo=UTC))  # 23:59 WITA on the 13th: before the 14 days
    rejected = await new_report(client)
    await triage.reject(rejected.id, "hoaks", "", sari)
    await at(rejected, moment)
    # A GPS-only report gets the village at its position; this one is far from every village.
    no_village = await new_report(client, village_code=None, latitude=-2.5324, longitude=115.6)
    await at(no_village, moment)

    per_day = await stats.reports_per_day(14, WITA, moment)
    assert len(per_day) == 14 and per_day[0][0] == date(2026, 11, 14) and per_day[-1][0] == date(2026, 11, 27)
    assert dict(per_day)[date(2026, 11, 26)] == 1 and dict(per_day)[date(2026, 11, 27)] == 2
    assert sum(count for _, count in per_day) == 3
    assert await stats.reports_per_hazard(14, WITA, moment) == {"banjir": 2, "kebakaran": 1}
    assert await stats.reports_per_district(14, WITA, moment) == {"63.11.06": 1, "63.11.01": 1, stats.NO_DISTRICT: 1}


async def test_the_dashboard_page_draws_its_charts_with_tables(desk, client, sari):
    await new_report(client)
    await new_report(client, hazard="kebakaran")
    page = await desk.get("/koordinator/dasbor", params={"hari": "14"})
    assert page.status_code == 200
    # Three charts and the kecamatan map; the map shares the per-kecamatan table.
    assert page.text.count('role="img"') == 4 and page.text.count("<table") == 3
    assert "Kebakaran rumah" in page.text and "Paringin" in page.text
    assert ' style="' not in page.text and "<style" not in page.text
    assert 'aria-current="page">14 hari terakhir' in page.text
    assert (await desk.get("/koordinator/dasbor", params={"hari": "9999"})).status_code == 200


def test_a_column_chart_scales_to_the_highest_day_and_labels_some_days():
    bars = [charts.Bar("1 Nov", 0, "1/11"), charts.Bar("2 Nov", 4, "2/11"), charts.Bar("3 Nov", 2, "3/11")]
    svg = charts.column_chart(bars, "Laporan per hari", "Terbanyak 2 Nov", label_every=2)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "Terbanyak 2 Nov</desc>" in svg
    heights = [float(part.split('"')[0]) for part in svg.split('height="')[1:]]
    assert heights == [0, 136, 68]  # the plot is 136 units high
    assert ">1/11<" in svg and ">3/11<" in svg and ">2/11<" not in svg  # every second label, back from the last
    assert 'text-anchor="start">1/11<' in svg and 'text-anchor="end">3/11<' in svg  # held inside the chart
    four = charts.column_chart(bars + [charts.Bar("4 Nov", 1, "4/11")], "t", "d", label_every=2)
    assert ">4/11<" in four and ">2/11<" in four and ">1/11<" not in four


def test_every_chart_is_drawn_at_a_phones_width_so_its_text_is_never_shrunk():
    # A 360 px phone shows a chart 328 px wide; drawn wider, its 12-unit text would be drawn smaller
    # than 12 px (e2e/test_layout.py measures it in the browser).
    square = (((-2.3, 115.4), (-2.3, 115.6), (-2.5, 115.6), (-2.5, 115.4), (-2.3, 115.4)),)
    drawn = [
        charts.column_chart([charts.Bar("1 Nov", 3, "1/11")], "t", "d"),
        charts.bar_chart([charts.Bar("Kebakaran hutan dan lahan", 3)], "t", "d"),
        charts.choropleth([charts.Area("Juai", 3, (square,))], "t", "d", "Tidak ada"),
    ]
    widths = [float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1)) for svg in drawn]
    assert widths == [charts.WIDTH] * 3 and charts.WIDTH <= 328


def test_a_bar_chart_escapes_its_labels_and_survives_no_data():
    svg = charts.bar_chart([charts.Bar("<Banjir & longsor>", 3)], "Per jenis", "x")
    assert "&lt;Banjir &amp; longsor&gt;" in svg and "<Banjir" not in svg
    empty = charts.bar_chart([], "Per jenis", "kosong")
    assert 'role="img"' in empty and "NaN" not in empty


def test_ranked_bars_put_the_largest_first_and_name_the_unnamed():
    bars = dashboard.ranked({"63.11.01": 2, "63.11.06": 5, "": 2, "63.11.99": 0}, {"63.11.06": "Paringin"}, "Tanpa desa")
    assert [(bar.label, bar.value) for bar in bars] == [("Paringin", 5), ("63.11.01", 2), ("Tanpa desa", 2)]


def test_the_window_starts_at_local_midnight():
    first, since = stats.window(30, WITA, datetime(2026, 11, 27, 20, 0, tzinfo=UTC))  # 04:00 on the 28th in WITA
    assert first == date(2026, 10, 30)
    assert since == datetime(2026, 10, 29, 16, 0, tzinfo=UTC)
    assert since + timedelta(days=30) > datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def test_shades_split_the_figures_into_four_ranges_and_skip_empty_ones():
    assert charts.shade_ranges(8) == [(1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8)]
    assert charts.shade_ranges(2) == [(2, 1, 1), (4, 2, 2)]
    assert charts.shade_ranges(0) == []


def test_a_choropleth_shades_each_area_by_its_figure_with_a_legend():
    square = (((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)),)
    east = (((0.0, 1.0), (0.0, 2.0), (1.0, 2.0), (1.0, 1.0)),)
    svg = charts.choropleth(
        [charts.Area("<Juai>", 8, (square,)), charts.Area("Halong", 0, (east,))], "Peta", "Terbanyak Juai", "Tidak ada"
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "Terbanyak Juai</desc>" in svg
    assert '<path class="chart-area chart-shade-4"' in svg and "<title>&lt;Juai&gt;: 8</title>" in svg
    assert '<path class="chart-area chart-shade-0"' in svg and "<title>Halong: 0</title>" in svg
    assert [text in svg for text in (">Tidak ada<", ">1–2<", ">7–8<")] == [True, True, True]
    assert "NaN" not in charts.choropleth([], "Peta", "kosong", "Tidak ada")


async def test_the_dashboard_colours_each_kecamatan_on_its_map(desk, client):
    await new_report(client)  # Desa Balang, Kec. Paringin
    await new_report(client, hazard="kebakaran", village_code=None, latitude=-2.5324, longitude=115.6)  # no village
    page = (await desk.get("/koordinator/dasbor", params={"hari": "14"})).text
    section = page[page.index('data-testid="district-map"'):]
    section = section[: section.index("</figure>")]
    assert section.count('<path class="chart-area') == 8  # Balangan's eight kecamatan
    assert "<title>Paringin: 1</title>" in section and "<title>Juai: 0</title>" in section
    assert "terbanyak Paringin (1)" in section and "1 laporan tanpa desa tidak tampak di peta." in section


async def test_the_kecamatan_boundaries_are_served_as_cached_geojson(client):
    response = await client.get("/wilayah/kecamatan.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    assert "max-age=3600" in response.headers["cache-control"] and "set-cookie" not in response.headers
    features = response.json()["features"]
    assert [f["properties"]["code"] for f in features] == [f"63.11.0{n}" for n in range(1, 9)]
    paringin = next(f for f in features if f["properties"]["code"] == "63.11.06")
    assert paringin["properties"]["name"] == "Paringin" and paringin["geometry"]["type"] == "MultiPolygon"
    longitude, latitude = paringin["geometry"]["coordinates"][0][0][0]
    assert 115 < longitude < 116 and -3 < latitude < -2  # GeoJSON order: longitude first
