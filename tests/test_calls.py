"""Calls for help as plain functions: what is stored and queued, answers moving along, officers told
of new reports. Who is targeted (radius, skill, availability, approval) is in test_targeting.py."""

import asyncio
import json

import asyncpg
import pytest
from tests.push_helpers import fast, local_push, subscribed
from tests.test_targeting import volunteer

from lapor_bencana import live
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.audit.tables import AuditEvent
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.push import outbox
from lapor_bencana.push.tables import PushJob
from lapor_bencana.push.worker import Worker
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers import calls, skills
from lapor_bencana.volunteers.calls import Answer, CallError, CallRequest, allowed
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient, Response
from tests.accounts import make_user

KITCHEN = skills.mask(["dapur_umum"])
R = Response


async def flood(**changes) -> Incident:
    incident = Incident(
        code="AB12CD34", hazard="banjir", title="Banjir – Balang", village="63.11.06.2005",
        latitude=-2.3325, longitude=115.4712, occurred_at=now(), radius_km=10.0, **changes,
    )
    await incident.save().run()
    return incident


@pytest.fixture
async def coordinator(app):
    return Context(actor=await make_user("sari", Role.KOORDINATOR), client_address="10.0.0.1")


def request(**changes) -> CallRequest:
    return CallRequest(**{"skills": KITCHEN, "radius_km": 10.0, "people_needed": 3, "message": "", "lives_at_risk": False, **changes})


def test_a_call_needs_a_skill_a_sane_radius_and_head_count():
    _, errors = calls.validate({"skills": [], "radius_km": "500", "people_needed": "0", "message": "x" * 201}, 10.0)
    assert set(errors) == {"skills", "radius_km", "people_needed", "message"}
    assert errors["skills"] == "Pilih paling sedikit satu keahlian yang dibutuhkan."
    assert calls.validate({"skills": ["terbang"]}, 10.0)[1]["skills"] == "Keahlian tidak dikenal."
    assert calls.validate({"skills": ["sar"], "radius_km": "abc"}, 10.0)[1] == {"radius_km": "Jangkauan 1 sampai 200 km."}


def test_blank_radius_is_the_incidents_and_lives_at_risk_is_a_checkbox():
    wanted, errors = calls.validate({"skills": ["sar", "medis"], "radius_km": "", "people_needed": "", "lives_at_risk": "on"}, 12.5)
    assert errors == {}
    assert wanted == CallRequest(skills.mask(["sar", "medis"]), 12.5, 1, "", True)


async def test_a_call_stores_its_recipients_and_queues_one_message_per_device(coordinator, settings, push_service):
    near = await volunteer("dekat", lat=-2.3400, lon=115.4800)  # ~1.3 km
    by_district = await volunteer("tanpa_posisi", district="63.11.06")
    await volunteer("jauh", lat=-2.60, lon=115.47)
    for device in range(2):
        await subscribed(push_service, settings, near)
    await subscribed(push_service, settings, by_district)

    sent = await calls.create_call(await flood(), request(message="Bawa  panci besar"), coordinator)

    assert (sent.targets, sent.messages) == (2, 3)
    call = await CallForHelp.objects().first().run()
    assert (call.people_needed, call.message, call.created_by) == (3, "Bawa  panci besar", coordinator.actor.id)
    rows = {r["user"]: r for r in await CallRecipient.select().where(CallRecipient.call == call.id)}
    assert set(rows) == {near, by_district}
    assert rows[near]["distance_km"] == pytest.approx(1.29, abs=0.05) and rows[by_district]["distance_km"] is None
    assert {r["response"] for r in rows.values()} == {""}
    jobs = await PushJob.select().where(PushJob.call_id == call.id)
    assert len(jobs) == 3
    assert {(j["urgency"], j["ttl"], j["topic"]) for j in jobs} == {("normal", 6 * 3600, "kejadian-AB12CD34")}
    bodies = {json.loads(j["payload"])["body"] for j in jobs}
    assert bodies == {
        "Dibutuhkan 3 orang: Dapur umum. Sekitar 1 km dari Anda. Bawa  panci besar",
        "Dibutuhkan 3 orang: Dapur umum. Bawa  panci besar",
    }
    event = await AuditEvent.objects().where(AuditEvent.action == "call.create").first().run()
    assert (event.entity_type, event.entity_id) == ("incident", str(call.incident))
    assert json.loads(event.after) == {
        "call": call.id, "skills": ["dapur_umum"], "radius_km": 10.0, "people_needed": 3,
        "lives_at_risk": False, "targets": 2, "messages": 3,
    }


async def test_the_payload_is_the_service_workers_contract_and_lives_at_risk_is_urgent(coordinator, settings, push_service):
    someone = await volunteer("dekat", lat=-2.3400, lon=115.4800)
    await subscribed(push_service, settings, someone)
    incident = await flood()
    sent = await calls.create_call(incident, request(lives_at_risk=True), coordinator)
    job = await PushJob.objects().first().run()
    assert job.urgency == "high"
    assert json.loads(job.payload) == {
        "title": "Panggilan bantuan: Banjir di Desa Balang",
        "body": "Nyawa terancam. Dibutuhkan 3 orang: Dapur umum. Sekitar 1 km dari Anda.",
        "url": "/kejadian/AB12CD34",
        "tag": "kejadian-AB12CD34",
        "kind": "call",
        "call": sent.call.id,
    }


async def test_a_call_that_matches_nobody_is_stored_with_no_recipients(coordinator):
    sent = await calls.create_call(await flood(), request(), coordinator)
    assert (sent.targets, sent.messages) == (0, 0)
    assert await CallForHelp.count() == 1 and await CallRecipient.count() == 0


async def test_no_call_for_a_closed_incident(coordinator):
    with pytest.raises(CallError, match="sudah selesai"):
        await calls.create_call(await flood(status=IncidentStatus.SELESAI), request(), coordinator)
    assert await CallForHelp.count() == 0


@pytest.mark.parametrize(
    ("current", "new", "ok"),
    [
        (R.NONE, R.WILLING, True), (R.NONE, R.ON_THE_WAY, True), (R.NONE, R.ARRIVED, True), (R.NONE, R.DONE, False),
        (R.NONE, R.CANNOT, True), (R.WILLING, R.WILLING, True), (R.ON_THE_WAY, R.WILLING, False),
        (R.WILLING, R.DONE, False), (R.ON_THE_WAY, R.DONE, False), (R.ARRIVED, R.DONE, True),
        (R.ARRIVED, R.ARRIVED, True), (R.ARRIVED, R.CANNOT, False), (R.ARRIVED, R.ON_THE_WAY, False),
        (R.CANNOT, R.WILLING, True), (R.CANNOT, R.ON_THE_WAY, True), (R.DONE, R.DONE, True),
        (R.DONE, R.WILLING, False), (R.DONE, R.CANNOT, False),
    ],
)
def test_answers_move_forward_and_done_only_after_arriving(current, new, ok):
    assert allowed(current, new) is ok


def test_an_arrival_keeps_its_position_and_a_bad_one_is_dropped():
    assert calls.parse_answer({"response": "tiba", "latitude": "-2.33", "longitude": "115.47"}) == Answer(R.ARRIVED, -2.33, 115.47)
    assert calls.parse_answer({"response": "tiba", "latitude": "999", "longitude": ""}) == Answer(R.ARRIVED)
    assert calls.parse_answer({"response": "berangkat", "latitude": "-2.33", "longitude": "115.47"}) == Answer(R.ON_THE_WAY)
    for bad in ({}, {"response": ""}, {"response": "kabur"}):
        with pytest.raises(CallError, match="Pilih salah satu jawaban"):
            calls.parse_answer(bad)


async def test_answers_set_their_times_and_are_audited(coordinator):
    someone = await volunteer("dekat", lat=-2.3400, lon=115.4800)
    incident = await flood()
    await calls.create_call(incident, request(), coordinator)
    actor = Context(actor=await User.objects().where(User.id == someone).first().run())

    await calls.answer(incident, actor.actor, Answer(R.ON_THE_WAY), actor)
    with pytest.raises(CallError, match="Tiba"):
        await calls.answer(incident, actor.actor, Answer(R.DONE), actor)
    await calls.answer(incident, actor.actor, Answer(R.ARRIVED, -2.333, 115.471), actor)
    await calls.answer(incident, actor.actor, Answer(R.DONE), actor)
    row = await CallRecipient.objects().where(CallRecipient.user == someone).first().run()
    assert (row.response, row.arrival_latitude, row.arrival_longitude) == ("selesai", -2.333, 115.471)
    assert row.responded_at and row.arrived_at and row.done_at and row.arrived_at <= row.done_at
    with pytest.raises(CallError, match="sudah tercatat selesai"):
        await calls.answer(incident, actor.actor, Answer(R.CANNOT), actor)
    assert await AuditEvent.count().where(AuditEvent.action == "call.answer") == 3


async def test_one_not_called_may_volunteer_and_joins_the_latest_call(coordinator):
    incident = await flood()
    walk_in = await make_user("relawan_datang")
    with pytest.raises(CallError, match="Belum ada panggilan"):
        await calls.answer(incident, walk_in, Answer(R.WILLING), Context(actor=walk_in))
    await calls.create_call(incident, request(), coordinator)
    latest = await calls.create_call(incident, request(people_needed=1), coordinator)
    with pytest.raises(CallError, match="Bersedia"):
        await calls.answer(incident, walk_in, Answer(R.ON_THE_WAY), Context(actor=walk_in))
    await calls.answer(incident, walk_in, Answer(R.WILLING), Context(actor=walk_in))
    row = await CallRecipient.objects().where(CallRecipient.user == walk_in.id).first().run()
    assert (row.call, row.response, row.distance_km) == (latest.call.id, "bersedia", None)


async def test_no_answers_once_the_incident_is_closed(coordinator):
    someone = await make_user("relawan_x")
    incident = await flood()
    await calls.create_call(incident, request(), coordinator)
    await Incident.update({Incident.status: IncidentStatus.SELESAI}).where(Incident.id == incident.id)
    incident.status = IncidentStatus.SELESAI
    with pytest.raises(CallError, match="sudah selesai"):
        await calls.answer(incident, someone, Answer(R.WILLING), Context(actor=someone))


async def test_counts_follow_the_jobs_and_the_worker_announces_finished_calls(coordinator, settings, push_service):
    ok, gone = await volunteer("sampai", lat=-2.3330, lon=115.4720), await volunteer("hilang", lat=-2.3331, lon=115.4721)
    delivered = await subscribed(push_service, settings, ok)
    lost = await subscribed(push_service, settings, gone)
    push_service.answer(lost, 410)
    incident = await flood()
    sent = await calls.create_call(incident, request(), coordinator)
    assert await calls.delivery_counts([sent.call.id]) == {sent.call.id: calls.Counts(sent=2)}

    announced: list[set[int]] = []

    async def finished(call_ids):
        announced.append(call_ids)

    await Worker(fast(settings), on_calls_finished=finished, policy=local_push(settings)).run(until_idle=True)
    assert await calls.delivery_counts([sent.call.id]) == {sent.call.id: calls.Counts(sent=2, delivered=1, failed=1)}
    assert announced and set().union(*announced) == {sent.call.id}
    published = []
    await calls.announce_deliveries({sent.call.id}, lambda event, **data: published.append((event, data)))
    assert published == [("incident-changed", {"incident": incident.id})]
    assert json.loads(push_service.payloads(delivered)[0])["call"] == sent.call.id


async def test_officers_of_the_kecamatan_are_told_of_a_new_report_but_not_its_reporter(app, settings, push_service):
    officer = await volunteer("petugas_paringin", district="63.11.06", role=Role.PETUGAS)
    reporting_officer = await volunteer("petugas_pelapor", district="63.11.06", role=Role.PETUGAS)
    elsewhere = await volunteer("petugas_juai", district="63.11.01", role=Role.PETUGAS)
    for user_id in (officer, reporting_officer, elsewhere):
        await subscribed(push_service, settings, user_id)
    report = {"id": 7, "code": "QW12ER34", "hazard": "banjir", "village": "63.11.06.2005", "reporter": reporting_officer}
    assert await calls.tell_officers_of_report(report) == 1
    job = await PushJob.objects().first().run()
    assert json.loads(job.payload) == {
        "title": "Laporan baru: Banjir di Desa Balang",
        "body": "Belum diverifikasi. Mohon dicek di lapangan bila memungkinkan.",
        "url": "/laporan/QW12ER34",
        "tag": "laporan-QW12ER34",
        "kind": "report",
        "report": "QW12ER34",
    }
    assert (job.call_id, job.topic) == (None, "laporan-QW12ER34")
    assert await calls.tell_officers_of_report(report | {"village": None}) == 0


async def test_a_failing_outbox_never_breaks_the_report(app, monkeypatch):
    await volunteer("petugas_paringin", district="63.11.06", role=Role.PETUGAS)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "enqueue_for_users", broken)
    report = {"id": 7, "code": "QW12ER34", "hazard": "banjir", "village": "63.11.06.2005", "reporter": None}
    assert await calls.tell_officers_of_report(report) == 0


async def test_a_large_call_is_stored_in_slices(coordinator, monkeypatch):
    ids = [await volunteer(f"relawan_{n}", district="63.11.06") for n in range(5)]
    monkeypatch.setattr(outbox, "CHUNK", 2)
    sent = await calls.create_call(await flood(), request(), coordinator)
    assert sent.targets == 5
    assert sorted(r["user"] for r in await CallRecipient.select(CallRecipient.user)) == sorted(ids)


async def test_a_separate_worker_process_announces_through_postgresql(app, database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("with SQLite the app's own process is the only one")
    received: asyncio.Queue = asyncio.Queue()
    listener = await asyncpg.connect(database_url)
    try:
        await listener.add_listener(live.CHANNEL, lambda *args: received.put_nowait(args[-1]))
        await live.publish_through_database("incident-changed", incident=5)
        assert json.loads(await asyncio.wait_for(received.get(), 5)) == {"event": "incident-changed", "incident": 5}
    finally:
        await listener.close()
