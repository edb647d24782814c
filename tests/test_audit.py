"""The audit trail on a real database: appends, the caller's transaction, concurrency, tampering."""

import asyncio
from datetime import UTC, datetime

import pytest

from lapor_bencana import audit, timeutil
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.audit import verification
from lapor_bencana.audit.chain import GENESIS_HASH, event_hash
from lapor_bencana.audit.tables import AuditEvent, AuditHead
from lapor_bencana.incidents.tables import Incident

# The same event as in test_audit_chain.py; its hash there was checked by hand.
KNOWN_TIME = datetime(2026, 1, 5, 2, 30, 0, 120000, tzinfo=UTC)
KNOWN_HASH = "6e698b69a887f053eb38166543a6a74cc310805017ff895122eee0322d05b1d9"


async def record_status_change(entity_id: int, before: str, after: str, actor=audit.SYSTEM) -> None:
    await audit.record(
        action="report.update",
        entity_type="report",
        entity_id=entity_id,
        actor=actor,
        before={"status": before},
        after={"status": after},
        client_address="10.0.0.5",
    )


async def record_events(count: int) -> None:
    for number in range(1, count + 1):
        await record_status_change(number, "baru", "terverifikasi")


async def sql(statement: str, *values) -> None:
    """Tampering as someone with database access would; ``{}`` marks a bound value."""
    await AuditEvent.raw(statement, *values).run()


async def forge(seq: int, after: str) -> None:
    """Edits an event and recomputes its hash, as a forger who read chain.py would."""
    event = await AuditEvent.select().where(AuditEvent.seq == seq).first().run()
    event["after"] = after
    await sql("UPDATE audit_event SET after = {}, hash = {} WHERE seq = {}", after, event_hash(event), seq)


async def test_appended_events_link_to_each_other_and_verify_counts_them(app):
    await record_events(3)
    events = await AuditEvent.select().order_by(AuditEvent.seq).run()
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["prev_hash"] == GENESIS_HASH
    assert events[1]["prev_hash"] == events[0]["hash"] and events[2]["prev_hash"] == events[1]["hash"]
    head = await AuditHead.select().first().run()
    assert (head["seq"], head["hash"]) == (3, events[2]["hash"])
    result = await audit.verify()
    assert result.ok and result.count == 3 and result.head_hash == events[2]["hash"]
    assert result.broken_seq is None and result.reason == ""


async def test_an_empty_trail_verifies(app):
    result = await audit.verify()
    assert result.ok and result.count == 0 and result.head_hash == GENESIS_HASH


async def test_the_same_event_hashes_identically_after_a_round_trip_through_each_engine(app, monkeypatch):
    monkeypatch.setattr(timeutil, "now", lambda: KNOWN_TIME)
    entry = await audit.record(
        action="report.verify",
        entity_type="report",
        entity_id=42,
        actor=audit.Actor(user_id=7, label="koordinator"),
        before={"status": "baru"},
        after={"status": "terverifikasi"},
        client_address="10.0.0.5",
    )
    assert (entry.seq, entry.occurred_at, entry.after) == (1, KNOWN_TIME, {"status": "terverifikasi"})
    stored = await AuditEvent.select().first().run()
    assert stored["occurred_at"] == KNOWN_TIME
    assert stored["hash"] == KNOWN_HASH
    assert event_hash(stored) == KNOWN_HASH


async def test_values_keep_unicode_floats_and_times_exactly_through_each_engine(app):
    after = {"desa": "Halong – Āé 🌊", "latitude": -2.3254871, "z": 1.0, "at": datetime(2026, 1, 5, tzinfo=UTC)}
    await audit.record(
        action="incident.create", entity_type="incident", entity_id="INC-1", actor=audit.RESIDENT, after=after
    )
    [entry] = await audit.history("incident", "INC-1")
    assert entry.after == {
        "desa": "Halong – Āé 🌊",
        "latitude": -2.3254871,
        "z": 1.0,
        "at": "2026-01-05T00:00:00.000000Z",
    }
    assert entry.before is None
    assert (await audit.verify()).ok


async def test_verify_names_the_event_whose_after_value_was_edited_with_sql(app):
    await record_events(4)
    await sql("UPDATE audit_event SET after = {} WHERE seq = 2", '{"status":"ditolak"}')
    assert (await AuditEvent.select(AuditEvent.after).where(AuditEvent.seq == 2).first().run()) == {
        "after": '{"status":"ditolak"}'
    }
    result = await audit.verify()
    assert not result.ok
    assert result.broken_seq == 2 and result.count == 1
    assert "event 2 was changed" in result.reason


async def test_verify_detects_an_event_deleted_from_the_middle(app):
    await record_events(4)
    await sql("DELETE FROM audit_event WHERE seq = 3")
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 3
    assert "event 3 is missing" in result.reason


async def test_verify_detects_the_newest_event_deleted(app):
    await record_events(4)
    await sql("DELETE FROM audit_event WHERE seq = 4")
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 4 and result.count == 3
    assert "events 4 to 4 are missing" in result.reason


async def test_verify_detects_every_event_deleted(app):
    await record_events(2)
    await sql("DELETE FROM audit_event")
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 1
    assert "events 1 to 2 are missing" in result.reason


async def test_verify_detects_a_deleted_chain_head(app):
    await record_events(2)
    await AuditHead.delete(force=True).run()
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 3 and result.count == 2
    assert "chain head is missing" in result.reason
    with pytest.raises(audit.AuditChainBroken):
        await record_events(1)
    assert await AuditEvent.count() == 2


async def test_verify_detects_the_newest_event_replaced_by_a_consistent_forgery(app):
    await record_events(3)
    await forge(3, '{"status":"ditolak"}')
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 3 and result.count == 2
    assert "not the one the chain head records" in result.reason


async def test_verify_detects_a_rehashed_event_whose_successor_still_links_to_the_old_hash(app):
    await record_events(4)
    await forge(2, '{"status":"ditolak"}')
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 3
    assert "event 3 does not link to event 2" in result.reason


async def test_verify_detects_reordered_events(app):
    await record_events(4)
    await sql("UPDATE audit_event SET seq = 100 WHERE seq = 2")
    await sql("UPDATE audit_event SET seq = 2 WHERE seq = 3")
    await sql("UPDATE audit_event SET seq = 3 WHERE seq = 100")
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 2


async def test_verify_detects_an_event_appended_past_the_head(app):
    await record_events(2)
    await AuditHead.update({AuditHead.seq: 1}, force=True).run()
    result = await audit.verify()
    assert not result.ok and result.broken_seq == 2 and result.count == 1
    assert "without passing through the chain head" in result.reason


async def test_a_change_and_its_event_commit_together(app):
    async with audit.transaction():
        incident = Incident(code="INC-1", hazard="banjir", title="Banjir Paringin", occurred_at=timeutil.now())
        await incident.save().run()
        await audit.record(
            action="incident.create",
            entity_type="incident",
            entity_id=incident.id,
            actor=audit.SYSTEM,
            after={"code": "INC-1"},
        )
    assert await Incident.count() == 1
    assert [entry.entity_id for entry in await audit.history("incident", incident.id)] == [str(incident.id)]


async def test_rollback_of_the_callers_transaction_leaves_no_event(app):
    await record_events(1)
    with pytest.raises(RuntimeError, match="fails after the audit"):
        async with audit.transaction():
            await Incident(code="INC-1", hazard="banjir", title="Banjir", occurred_at=timeutil.now()).save().run()
            await record_status_change(1, "terverifikasi", "selesai")
            raise RuntimeError("the change fails after the audit event was appended")
    assert await Incident.count() == 0
    assert await AuditEvent.count() == 1
    result = await audit.verify()
    assert result.ok and result.count == 1
    await record_events(1)
    assert (await audit.verify()).count == 2


async def test_record_joins_a_plain_engine_transaction_on_postgres_and_refuses_a_deferred_one_on_sqlite(app):
    engine = AuditEvent._meta.db
    if engine.engine_type == "sqlite":
        with pytest.raises(audit.AuditUsageError, match="audit.transaction"):
            async with engine.transaction():
                await record_events(1)
        assert await AuditEvent.count() == 0
    else:
        with pytest.raises(RuntimeError, match="roll back"):
            async with engine.transaction():
                await record_events(1)
                raise RuntimeError("roll back")
        assert await AuditEvent.count() == 0


async def test_twenty_concurrent_appends_keep_the_chain_valid(app):
    async def change(number: int) -> None:
        async with audit.transaction():
            await Incident(
                code=f"INC-{number}", hazard="banjir", title="Banjir", occurred_at=timeutil.now()
            ).save().run()
            await record_status_change(number, "baru", "terverifikasi")

    await asyncio.gather(*(change(number) for number in range(20)))
    result = await audit.verify()
    assert result.ok and result.count == 20
    assert sorted(row["entity_id"] for row in await AuditEvent.select(AuditEvent.entity_id).run()) == sorted(
        str(number) for number in range(20)
    )


async def test_twenty_concurrent_appends_without_a_caller_transaction_keep_the_chain_valid(app):
    await asyncio.gather(*(record_status_change(number, "baru", "ditangani") for number in range(20)))
    result = await audit.verify()
    assert result.ok and result.count == 20


async def test_verify_reads_one_snapshot_while_changes_are_appended(app, monkeypatch):
    await record_events(5)
    # One event a query, so that the appends below land between the queries of the check.
    monkeypatch.setattr(verification, "BATCH_SIZE", 1)
    appends = [record_status_change(number, "baru", "selesai") for number in range(10)]
    result, *_ = await asyncio.gather(audit.verify(), *appends)
    assert result.ok, result.reason
    assert 5 <= result.count <= 15
    assert (await audit.verify()).count == 15


async def test_history_lists_one_entitys_events_newest_first_with_their_actor(app):
    user = await create_user(username="siti", password="rahasia123", full_name="Siti", role=Role.KOORDINATOR)
    await record_status_change(1, "baru", "terverifikasi", actor=user)
    await record_status_change(2, "baru", "ditolak")
    await record_status_change(1, "terverifikasi", "selesai", actor=audit.RESIDENT)
    entries = await audit.history("report", 1)
    assert [(e.before, e.after) for e in entries] == [
        ({"status": "terverifikasi"}, {"status": "selesai"}),
        ({"status": "baru"}, {"status": "terverifikasi"}),
    ]
    assert entries[0].actor == audit.RESIDENT
    assert entries[1].actor == audit.Actor(user_id=user.id, label="siti")
    assert entries[0].occurred_at >= entries[1].occurred_at
    assert entries[1].client_address == "10.0.0.5"
    assert entries[0].changes == [audit.Change("status", "terverifikasi", "selesai")]


async def test_secret_fields_never_enter_the_trail(app):
    await audit.record(
        action="user.update",
        entity_type="user",
        entity_id=1,
        actor=audit.SYSTEM,
        before={"password_hash": "$argon2id$old"},
        after={"password_hash": "$argon2id$new"},
    )
    [entry] = await audit.history("user", 1)
    assert entry.before == {"password_hash": "***"} and entry.after == {"password_hash": "***"}
    assert "argon2" not in str(await AuditEvent.select().run())


async def test_bad_names_are_refused_before_anything_is_written(app):
    bad_names = (
        ("verify", "report"),
        ("Report.Verify", "report"),
        ("report.verify\n", "report"),
        ("report.verify", ""),
    )
    for action, entity_type in bad_names:
        with pytest.raises(ValueError):
            await audit.record(action=action, entity_type=entity_type, entity_id=1, actor=audit.SYSTEM)
    with pytest.raises(TypeError):
        await audit.record(
            action="report.update", entity_type="report", entity_id=1, actor=audit.SYSTEM, after={"x": object()}
        )
    assert await AuditEvent.count() == 0


def test_changed_fields_keeps_only_the_fields_that_differ():
    before = {"status": "baru", "dead": 0, "title": "Banjir", "latitude": 1}
    after = {"status": "terverifikasi", "dead": 0, "title": "Banjir", "latitude": 1.0, "incident": 3}
    assert audit.changed_fields(before, after) == (
        {"incident": None, "latitude": 1, "status": "baru"},
        {"incident": 3, "latitude": 1.0, "status": "terverifikasi"},
    )


def test_changed_fields_compares_times_as_instants():
    utc = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    assert audit.changed_fields({"at": utc}, {"at": utc.astimezone(timeutil.zone_for_region("63.11"))}) == ({}, {})
