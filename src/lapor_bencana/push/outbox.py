"""The durable outbox of push messages: enqueueing, claiming with a lease, recording what happened.

A job goes ``pending`` → ``sending`` (claimed by one worker until its lease ends) → ``sent``, ``gone``,
``failed`` or ``expired``; a retry puts it back to ``pending`` with a later ``next_attempt_at``. A
worker's results only apply to jobs it still holds, so a worker whose lease ran out cannot overwrite
what another did since. A job whose worker died is claimed again when the lease ends.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.engine.postgres import PostgresEngine

from lapor_bencana import database
from lapor_bencana.push.encryption import MAX_PLAINTEXT
from lapor_bencana.push.tables import JobStatus, PushJob, PushSubscription, Urgency
from lapor_bencana.timeutil import now

# Long enough to get through the queue and a retry; FCM keeps a message at most four weeks.
MIN_TTL_S = 60
MAX_TTL_S = 28 * 24 * 3600
# RFC 8030 §5.4: a topic is at most 32 characters of the URL-safe base64 alphabet.
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Bound on the ids in one statement, well inside SQLite's and PostgreSQL's parameter limits.
CHUNK = 500
LIVE = (JobStatus.PENDING, JobStatus.SENDING)


@dataclass(frozen=True)
class PushMessage:
    """What to send. ``payload`` is the text the service worker receives (JSON by convention);
    ``ttl`` is how long, in seconds, it is worth delivering."""

    payload: str
    ttl: int
    urgency: Urgency = Urgency.NORMAL
    topic: str | None = None
    call_id: int | None = None

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > MAX_PLAINTEXT:
            raise ValueError(f"a push payload holds at most {MAX_PLAINTEXT} bytes")
        if not MIN_TTL_S <= self.ttl <= MAX_TTL_S:
            raise ValueError(f"ttl must be between {MIN_TTL_S} and {MAX_TTL_S} seconds")
        if self.topic is not None and not _TOPIC.match(self.topic):
            raise ValueError("a topic is 1-32 characters of A-Z, a-z, 0-9, '-' and '_'")
        Urgency(self.urgency)


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    attempts: int
    payload: str
    ttl: int
    urgency: str
    topic: str | None
    created_at: datetime
    # None when the subscription was removed after the job was claimed.
    subscription_id: int | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    call_id: int | None = None

    def remaining_ttl(self, at: datetime) -> int:
        return int(self.ttl - (at - self.created_at).total_seconds())


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one attempt. A ``pending`` outcome is a retry after ``retry_in`` seconds;
    ``attempted`` is false for a job handed back unsent."""

    status: JobStatus
    http_status: int | None = None
    error: str = ""
    retry_in: float = 0.0
    attempted: bool = True


async def enqueue(message: PushMessage, subscription_ids: Iterable[int]) -> int:
    """One job per subscription; answers how many were queued (unknown ids are skipped)."""
    return await _enqueue(message, "id", subscription_ids)


async def enqueue_for_users(message: PushMessage, user_ids: Iterable[int]) -> int:
    """One job per subscription of each user (a volunteer may have several devices)."""
    # Quoted: "user" is a reserved word in PostgreSQL.
    return await _enqueue(message, "user", user_ids)


async def _enqueue(message: PushMessage, column: str, ids: Iterable[int]) -> int:
    queued = 0
    at = now()
    async with _write_transaction():
        for chunk in _chunks(sorted(set(ids))):
            rows = await PushJob.raw(_insert_jobs_sql(column, chunk), *_job_values(message, at))
            queued += len(rows)
    return queued


def _insert_jobs_sql(column: str, ids: Sequence[int]) -> str:
    # Straight from the subscriptions in the database: a fan-out to thousands builds no row objects.
    typed = _typed_placeholder
    return (
        "INSERT INTO push_job (subscription, call_id, payload, ttl, urgency, topic, status, attempts,"
        " next_attempt_at, last_error, created_at)"
        f" SELECT id, {typed('INTEGER')}, {typed('TEXT')}, {typed('INTEGER')}, {typed('VARCHAR')},"
        f" {typed('VARCHAR')}, {typed('VARCHAR')}, 0, {typed('TIMESTAMPTZ')}, '', {typed('TIMESTAMPTZ')}"
        f' FROM push_subscription WHERE "{column}" IN ({_id_list(ids)}) RETURNING id'
    )


def _job_values(message: PushMessage, at: datetime) -> tuple:
    return (
        message.call_id,
        message.payload,
        message.ttl,
        str(message.urgency),
        message.topic,
        str(JobStatus.PENDING),
        at,
        at,
    )


def _typed_placeholder(sql_type: str) -> str:
    # PostgreSQL cannot infer the type of a parameter in a SELECT list; SQLite has no such types.
    return f"CAST({{}} AS {sql_type})" if _is_postgres() else "{}"


async def claim(worker_id: str, limit: int, lease_s: float) -> list[ClaimedJob]:
    """Takes up to ``limit`` due jobs (new, retrying, or abandoned by a worker whose lease ended)
    for this worker, oldest due first."""
    at = now()
    due = (
        PushJob.select(PushJob.id)
        .where(PushJob.status.is_in(list(LIVE)) & (PushJob.next_attempt_at <= at))
        .order_by(PushJob.next_attempt_at)
        .limit(limit)
    )
    taking = {
        PushJob.status: JobStatus.SENDING,
        PushJob.claimed_by: worker_id,
        PushJob.next_attempt_at: at + timedelta(seconds=lease_s),
        PushJob.attempts: PushJob.attempts + 1,
    }
    async with _write_transaction():
        if _is_postgres():
            # Rows another worker is claiming right now are skipped, not waited for.
            ids = [row["id"] for row in await due.lock_rows("UPDATE", skip_locked=True)]
            if not ids:
                return []
            claimed = await PushJob.update(taking).where(PushJob.id.is_in(ids)).returning(PushJob.id)
        else:
            # SQLite has no row locks: the IMMEDIATE transaction holds the database's write lock.
            claimed = await PushJob.update(taking).where(PushJob.id.is_in(due)).returning(PushJob.id)
    # Read after the commit, so the write lock is not held for it: the jobs are this worker's now.
    return await _claimed_jobs([row["id"] for row in claimed]) if claimed else []


async def _claimed_jobs(ids: list[int]) -> list[ClaimedJob]:
    rows = await PushJob.raw(
        "SELECT j.id, j.attempts, j.payload, j.ttl, j.urgency, j.topic, j.created_at,"
        " s.id AS subscription_id, s.endpoint, s.p256dh, s.auth, j.call_id"
        " FROM push_job AS j LEFT JOIN push_subscription AS s ON s.id = j.subscription"
        f" WHERE j.id IN ({_id_list(ids)}) ORDER BY j.id"
    )
    return [ClaimedJob(**row) for row in rows]


async def record(worker_id: str, results: Sequence[tuple[ClaimedJob, Outcome]]) -> None:
    """Stores what became of claimed jobs: one statement per distinct outcome, in one transaction."""
    if not results:
        return
    at = now()
    by_outcome: dict[Outcome, list[ClaimedJob]] = defaultdict(list)
    for job, outcome in results:
        by_outcome[outcome].append(job)
    async with _write_transaction():
        for outcome, jobs in by_outcome.items():
            sql, values = _record_statement(outcome, at, worker_id)
            for chunk in _chunks([job.id for job in jobs]):
                await PushJob.raw(sql.replace("{ids}", _id_list(chunk)), *values)
        await _note_successes(_subscriptions_with(by_outcome, JobStatus.SENT), at)
        await _forget(_subscriptions_with(by_outcome, JobStatus.GONE), at)


def _subscriptions_with(by_outcome: dict[Outcome, list[ClaimedJob]], status: JobStatus) -> set[int]:
    return {
        job.subscription_id
        for outcome, jobs in by_outcome.items()
        if outcome.status == status
        for job in jobs
        if job.subscription_id is not None
    }


def _record_statement(outcome: Outcome, at: datetime, worker_id: str) -> tuple[str, list]:
    """The UPDATE for one outcome (``{ids}`` still to be filled in) and its values. Only jobs this
    worker still holds change: one whose lease ran out may be another worker's by now."""
    sets = ["status = {}", "claimed_by = NULL", "last_status = {}", "last_error = {}", "next_attempt_at = {}"]
    values = [str(outcome.status), outcome.http_status, outcome.error[:200]]
    if outcome.status == JobStatus.PENDING:
        values.append(at + timedelta(seconds=outcome.retry_in))
        if not outcome.attempted:
            sets.append("attempts = attempts - 1")
    else:
        values += [None, at]
        sets.append("finished_at = {}")
    sql = f"UPDATE push_job SET {', '.join(sets)} WHERE id IN ({{ids}}) AND claimed_by = {{}} AND status = {{}}"
    return sql, [*values, worker_id, str(JobStatus.SENDING)]


async def _note_successes(subscription_ids: set[int], at: datetime) -> None:
    for chunk in _chunks(sorted(subscription_ids)):
        await PushSubscription.raw(
            f"UPDATE push_subscription SET last_success_at = {{}} WHERE id IN ({_id_list(chunk)})", at
        )


async def forget_subscriptions(subscription_ids: Iterable[int]) -> None:
    """Deletes the subscriptions; their undelivered jobs end as ``gone``."""
    async with _write_transaction():
        await _forget(set(subscription_ids), now())


async def _forget(subscription_ids: set[int], at: datetime) -> None:
    for chunk in _chunks(sorted(subscription_ids)):
        await PushJob.update(
            {
                PushJob.status: JobStatus.GONE,
                PushJob.claimed_by: None,
                PushJob.next_attempt_at: None,
                PushJob.finished_at: at,
            }
        ).where(PushJob.subscription.is_in(chunk) & PushJob.status.is_in(list(LIVE)))
        await PushSubscription.delete().where(PushSubscription.id.is_in(chunk))


def _write_transaction():
    return database.write_transaction(PushJob._meta.db)


def _is_postgres() -> bool:
    return isinstance(PushJob._meta.db, PostgresEngine)


def _id_list(ids: Iterable[int]) -> str:
    """Row ids written into the statement as integer literals (``int()`` makes sure of it): as
    parameters, Piccolo's per-value processing cost more than the statement itself in a fan-out."""
    return ", ".join(str(int(i)) for i in ids)


def _chunks(items: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
