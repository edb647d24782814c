"""The outbox's own rules: what a message may be, who holds a job, whose results count."""

import asyncio
from datetime import timedelta

import pytest
from tests.push_helpers import jobs_by_status, subscribed

from lapor_bencana.push import outbox
from lapor_bencana.push.encryption import MAX_PLAINTEXT
from lapor_bencana.push.outbox import Outcome, PushMessage
from lapor_bencana.push.tables import JobStatus, PushJob, PushSubscription
from lapor_bencana.timeutil import now

MESSAGE = PushMessage(payload='{"judul": "Uji"}', ttl=600)
SENT = Outcome(JobStatus.SENT, 201)


@pytest.mark.parametrize(
    "fields",
    [
        {"payload": "x" * (MAX_PLAINTEXT + 1), "ttl": 600},
        {"payload": "é" * (MAX_PLAINTEXT // 2 + 1), "ttl": 600},
        {"payload": "{}", "ttl": 0},
        {"payload": "{}", "ttl": 29 * 24 * 3600},
        {"payload": "{}", "ttl": 600, "topic": "has space"},
        {"payload": "{}", "ttl": 600, "topic": "x" * 33},
        {"payload": "{}", "ttl": 600, "urgency": "urgent"},
    ],
)
def test_a_message_that_no_push_service_would_take_is_refused(fields):
    with pytest.raises(ValueError):
        PushMessage(**fields)


def test_the_largest_message_fits():
    assert PushMessage(payload="x" * MAX_PLAINTEXT, ttl=600, topic="A-z_09" * 5)


async def one_job(push_service, settings) -> None:
    await subscribed(push_service, settings)
    await outbox.enqueue(MESSAGE, [row["id"] for row in await PushSubscription.select(PushSubscription.id)])


async def test_a_claimed_job_belongs_to_its_worker_until_the_lease_ends(app, settings, push_service):
    await one_job(push_service, settings)
    [claimed] = await outbox.claim("first", 10, lease_s=0.3)
    assert claimed.attempts == 1 and claimed.endpoint is not None
    assert await outbox.claim("second", 10, lease_s=60) == []
    await asyncio.sleep(0.4)
    [reclaimed] = await outbox.claim("second", 10, lease_s=60)
    assert (reclaimed.id, reclaimed.attempts) == (claimed.id, 2)


async def test_results_of_a_worker_whose_lease_ended_are_ignored(app, settings, push_service):
    await one_job(push_service, settings)
    [late] = await outbox.claim("first", 10, lease_s=0.1)
    await asyncio.sleep(0.2)
    [current] = await outbox.claim("second", 10, lease_s=60)
    await outbox.record("first", [(late, Outcome(JobStatus.FAILED, 500, "too late"))])
    job = await PushJob.objects().first()
    assert (job.status, job.claimed_by) == (JobStatus.SENDING, "second")
    await outbox.record("second", [(current, SENT)])
    assert await jobs_by_status() == {"sent": 1}


async def test_a_job_handed_back_is_due_again_at_once_without_counting_an_attempt(app, settings, push_service):
    await one_job(push_service, settings)
    [job] = await outbox.claim("first", 10, lease_s=60)
    await outbox.record("first", [(job, Outcome(JobStatus.PENDING, attempted=False))])
    [again] = await outbox.claim("second", 10, lease_s=60)
    assert again.attempts == 1


async def test_a_retry_waits_until_its_time(app, settings, push_service):
    await one_job(push_service, settings)
    [job] = await outbox.claim("first", 10, lease_s=60)
    await outbox.record("first", [(job, Outcome(JobStatus.PENDING, 503, retry_in=30))])
    assert await outbox.claim("first", 10, lease_s=60) == []
    stored = await PushJob.objects().first()
    assert timedelta(seconds=25) < stored.next_attempt_at - now() <= timedelta(seconds=30)
    assert (stored.status, stored.last_status, stored.claimed_by) == (JobStatus.PENDING, 503, None)


async def test_the_longest_due_jobs_are_claimed_and_no_more_than_asked(app, settings, push_service):
    for _ in range(3):
        await subscribed(push_service, settings)
    for row in await PushSubscription.select(PushSubscription.id).order_by(PushSubscription.id):
        await outbox.enqueue(MESSAGE, [row["id"]])
    ids = [row["id"] for row in await PushJob.select(PushJob.id).order_by(PushJob.id)]
    await PushJob.update({PushJob.next_attempt_at: now() - timedelta(minutes=5)}).where(PushJob.id == ids[-1])
    assert {job.id for job in await outbox.claim("first", 2, lease_s=60)} == {ids[-1], ids[0]}
