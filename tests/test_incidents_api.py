"""GET /api/v1/incidents and /api/v1/incidents.geojson: verified incidents, public fields only,
sessionless, in the OpenAPI document. Both databases."""

import json

import pytest
from jsonschema_rs import Draft202012Validator  # comes with schemathesis

from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents import assessments, triage
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.timeutil import now
from tests.test_triage import new_report

REPORTER = {"reporter_name": "Siti Aminah", "reporter_phone": "081234567890", "description": "Rumah Pak Harun terendam"}
PROPERTIES = {
    "code", "hazard", "hazard_label", "title", "status", "emergency_status", "village_code", "village_name",
    "district_name", "occurred_at", "verified_at", "updated_at", "latitude", "longitude", "figures",
}


@pytest.fixture
async def incidents(client):
    sari = await create_user(username="sari", password="rahasia-123", full_name="Sari Koordinator", role=Role.KOORDINATOR, phone="081311112222")
    await create_user(username="relawan", password="rahasia-123", full_name="Rudi Relawan", role=Role.RELAWAN, phone="085799998888")
    ctx = triage.Context(actor=sari, client_address="127.0.0.1")
    flood = await triage.verify((await new_report(client, **REPORTER)).id, ctx)
    await assessments.record(flood.id, {"displaced": 120, "affected_people": 300, "needs_note": "Selimut untuk Bu Siti"}, ctx, verified=True)
    await assessments.record(flood.id, {"displaced": 999}, ctx, verified=False)
    handled = await triage.verify((await new_report(client, hazard="kebakaran", latitude=-2.4, **REPORTER)).id, ctx)
    await triage.change_status(handled.id, IncidentStatus.DITANGANI, ctx)
    closed = await triage.verify((await new_report(client, hazard="tanah_longsor", latitude=None, longitude=None)).id, ctx)
    await triage.change_status(closed.id, IncidentStatus.SELESAI, ctx)
    unverified = Incident(code="BELUMVER", hazard="banjir", title="Belum diverifikasi", status=IncidentStatus.DILAPORKAN, occurred_at=now())
    await unverified.save().run()
    return {"flood": flood, "handled": handled, "closed": closed, "unverified": unverified}


def assert_no_personal_data(text: str) -> None:
    for private in ("Siti", "Aminah", "081234567890", "6281234567890", "Harun", "Rudi", "085799998888", "Sari", "081311112222", "needs_note", "reporter"):
        assert private not in text, private


async def test_the_list_has_verified_incidents_with_their_latest_verified_figures(client, incidents):
    response = await client.get("/api/v1/incidents")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "set-cookie" not in response.headers
    listed = {item["code"]: item for item in response.json()["incidents"]}
    assert set(listed) == {incidents[name].code for name in ("flood", "handled", "closed")}
    flood = listed[incidents["flood"].code]
    assert set(flood) == PROPERTIES
    assert flood["status"] == "terverifikasi" and flood["hazard_label"] == "Banjir"
    assert flood["village_name"] == "Balang" and flood["district_name"] == "Paringin"
    assert flood["latitude"] == -2.333 and flood["longitude"] == 115.471  # rounded to about 100 m
    assert flood["figures"]["displaced"] == 120 and flood["figures"]["affected_people"] == 300
    assert flood["figures"]["dead"] is None
    assert listed[incidents["handled"].code]["figures"] is None
    assert listed[incidents["handled"].code]["status"] == "ditangani"
    assert_no_personal_data(response.text)


async def test_the_geojson_is_a_feature_collection_in_longitude_latitude_order(client, incidents):
    response = await client.get("/api/v1/incidents.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    assert "set-cookie" not in response.headers
    collection = json.loads(response.text)
    assert collection["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {incidents[name].code for name in ("flood", "handled", "closed")}
    for feature in features.values():
        assert feature["type"] == "Feature" and set(feature) == {"type", "id", "geometry", "properties"}
        assert set(feature["properties"]) == PROPERTIES
    flood = features[incidents["flood"].code]
    assert flood["geometry"] == {"type": "Point", "coordinates": [115.471, -2.333]}
    longitude, latitude = features[incidents["handled"].code]["geometry"]["coordinates"]
    assert (longitude, latitude) == (115.471, -2.4)
    assert features[incidents["closed"].code]["geometry"] is None
    assert_no_personal_data(response.text)


async def test_both_are_public_and_described_in_the_openapi_document(client, incidents):
    schema = (await client.get("/schema/openapi.json")).json()
    assert {"/api/v1/incidents", "/api/v1/incidents.geojson"} <= set(schema["paths"])
    assert "application/geo+json" in schema["paths"]["/api/v1/incidents.geojson"]["get"]["responses"]["200"]["content"]
    public = schema["components"]["schemas"]["PublicIncident"]["properties"]
    assert set(public) == PROPERTIES
    # The answers, with figures and without, with and without a position, fit the documented schemas.
    for path, name in (("/api/v1/incidents", "IncidentList"), ("/api/v1/incidents.geojson", "FeatureCollection")):
        validator = Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": schema["components"]})
        assert [error.message for error in validator.iter_errors((await client.get(path)).json())] == []
