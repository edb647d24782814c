"""Delivering queued messages through a real (local) push service: what arrives, and what the worker
does with each kind of answer."""

import asyncio
import json
from datetime import timedelta

from tests.push_helpers import eventually, fast, local_push, new_volunteer, subscribed
from tests.push_service import HANG, PushService

from lapor_bencana.push import outbox
from lapor_bencana.push.endpoints import EndpointPolicy
from lapor_bencana.push.outbox import PushMessage
from lapor_bencana.push.tables import JobStatus, PushJob, PushSubscription, Urgency
from lapor_bencana.push.vapid import keys_from_text
from lapor_bencana.push.worker import MAX_ATTEMPTS, Worker

CALL = PushMessage(
    payload=json.dumps(
        {"judul": "Panggilan: kebakaran rumah di Paringin", "isi": "Butuh 4 relawan — segera 🚒", "panggilan": 12},
        ensure_ascii=False,
    ),
    ttl=900,
    urgency=Urgency.HIGH,
    topic="panggilan-12",
    call_id=12,
)


async def deliver_all(settings, policy: EndpointPolicy | None = None, **changes) -> Worker:
    worker = Worker(fast(settings, **changes), policy=policy or local_push(settings))
    await worker.run(until_idle=True)
    return worker


async def job() -> PushJob:
    return await PushJob.objects().first()


async def test_a_message_arrives_decrypted_exactly_as_sent(app, settings, push_service):
    user_id = await new_volunteer()
    subscriber = await subscribed(push_service, settings, user_id)
    assert await outbox.enqueue_for_users(CALL, [user_id]) == 1
    await deliver_all(settings)
    assert push_service.payloads(subscriber) == [CALL.payload.encode()]
    received = push_service.received[subscriber.endpoint][0]
    assert received.headers["Urgency"] == "high"
    assert received.headers["Topic"] == "panggilan-12"
    assert 890 <= int(received.headers["TTL"]) <= 900
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == settings.vapid_subject
    sent = await job()
    assert (sent.status, sent.last_status, sent.attempts, sent.call_id) == (JobStatus.SENT, 201, 1, 12)
    assert sent.finished_at is not None and sent.next_attempt_at is None and sent.claimed_by is None
    assert (await PushSubscription.objects().first()).last_success_at is not None


async def test_every_device_of_every_user_gets_one_copy(app, settings, push_service):
    first, second = await new_volunteer(), await new_volunteer()
    devices = [await subscribed(push_service, settings, first) for _ in range(2)]
    devices.append(await subscribed(push_service, settings, second))
    bystander = await subscribed(push_service, settings)
    assert await outbox.enqueue_for_users(CALL, [first, second, first, 987654]) == 3
    await deliver_all(settings)
    assert [len(push_service.payloads(device)) for device in devices] == [1, 1, 1]
    assert push_service.payloads(bystander) == []


async def test_jobs_can_name_subscriptions_directly(app, settings, push_service):
    subscribers = [await subscribed(push_service, settings) for _ in range(3)]
    ids = [row["id"] for row in await PushSubscription.select(PushSubscription.id).order_by(PushSubscription.id)]
    assert await outbox.enqueue(CALL, ids[:2] + [987654]) == 2
    await deliver_all(settings)
    assert [len(push_service.payloads(s)) for s in subscribers] == [1, 1, 0]


async def test_each_push_service_gets_a_token_for_its_own_origin_reused_for_its_messages(app, settings, push_service):
    other_service = PushService(keys_from_text(settings.effective_vapid_private_key).application_server_key)
    await other_service.start()
    try:
        here = [await subscribed(push_service, settings) for _ in range(3)]
        there = [await subscribed(other_service, settings) for _ in range(3)]
        await outbox.enqueue(CALL, [row["id"] for row in await PushSubscription.select(PushSubscription.id)])
        await deliver_all(settings)
        for service, subscribers in ((push_service, here), (other_service, there)):
            received = [service.received[s.endpoint][0] for s in subscribers]
            assert {r.claims["aud"] for r in received} == {service.origin}
            assert len({r.token for r in received}) == 1
    finally:
        await other_service.stop()
    assert push_service.origin != other_service.origin


async def test_it_removes_the_subscription_on_410_and_404(app, settings, push_service):
    user_id = await new_volunteer()
    gone_410, gone_404, still_there = [await subscribed(push_service, settings, user_id) for _ in range(3)]
    push_service.answer(gone_410, 410)
    push_service.answer(gone_404, 404)
    await outbox.enqueue_for_users(CALL, [user_id])
    await deliver_all(settings)
    remaining = await PushSubscription.select(PushSubscription.endpoint)
    assert [row["endpoint"] for row in remaining] == [still_there.endpoint]
    assert len(push_service.payloads(still_there)) == 1
    gone = await PushJob.select(PushJob.last_status).where(PushJob.status == JobStatus.GONE)
    assert sorted(row["last_status"] for row in gone) == [404, 410]


async def test_it_retries_after_429_honouring_retry_after(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    push_service.answer(subscriber, (429, {"Retry-After": "1"}))
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    # The backoff alone would retry after 0.2 s; the push service asked for 1 s.
    await run_until(settings, lambda: push_service.payloads(subscriber))
    first, second = push_service.arrivals[subscriber.endpoint]
    assert second - first >= 1.0
    delivered = await job()
    assert (delivered.status, delivered.attempts, delivered.last_status) == (JobStatus.SENT, 2, 201)


async def test_it_retries_server_errors_with_exponential_backoff(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    push_service.answer(subscriber, 500, 503)
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    await run_until(settings, lambda: push_service.payloads(subscriber), push_retry_base_s=0.3)
    first, second, third = push_service.arrivals[subscriber.endpoint]
    assert second - first >= 0.3
    assert third - second >= 0.6
    assert (await job()).attempts == 3


async def test_it_gives_up_after_the_last_attempt(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    push_service.answer(subscriber, *[500] * MAX_ATTEMPTS)
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    await run_until(settings, lambda: jobs_finished(), push_retry_base_s=0.01)
    failed = await job()
    assert (failed.status, failed.attempts, failed.last_status) == (JobStatus.FAILED, MAX_ATTEMPTS, 500)
    assert failed.last_error.startswith("gave up")
    assert len(push_service.arrivals[subscriber.endpoint]) == MAX_ATTEMPTS


async def test_a_hanging_push_service_times_out_without_holding_up_the_others(app, settings, push_service):
    hanging = await subscribed(push_service, settings)
    push_service.answer(hanging, HANG)
    others = [await subscribed(push_service, settings) for _ in range(20)]
    await outbox.enqueue(CALL, [row["id"] for row in await PushSubscription.select(PushSubscription.id)])
    # Two request slots: the hanging request holds one, all twenty others pass through the other.
    quick = fast(settings, push_concurrency=2, push_timeout_s=3.0, push_lease_s=10.0)
    worker = Worker(quick, policy=local_push(settings))
    running = asyncio.create_task(worker.run())
    try:
        await eventually(lambda: all(push_service.payloads(other) for other in others))
        hanging_job = await PushJob.objects().where(PushJob.subscription.endpoint == hanging.endpoint).first()
        assert hanging_job.status == JobStatus.SENDING
        await eventually(lambda: push_service.payloads(hanging))
    finally:
        worker.stop()
        await running
    await hanging_job.refresh()
    assert (hanging_job.status, hanging_job.attempts) == (JobStatus.SENT, 2)
    assert len(push_service.arrivals[hanging.endpoint]) == 2


async def test_an_expired_message_is_not_sent(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    await PushJob.update({PushJob.created_at: PushJob.created_at - timedelta(seconds=CALL.ttl + 1)}, force=True)
    await deliver_all(settings)
    assert (await job()).status == JobStatus.EXPIRED
    assert push_service.arrivals[subscriber.endpoint] == []


async def test_an_endpoint_the_policy_no_longer_accepts_is_never_contacted(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    await deliver_all(settings, EndpointPolicy.from_settings(settings))
    failed = await job()
    assert failed.status == JobStatus.FAILED and "endpoint refused" in failed.last_error
    assert push_service.arrivals[subscriber.endpoint] == []


async def test_a_refusal_from_the_push_service_fails_the_message_without_retrying(app, settings, push_service):
    subscriber = await subscribed(push_service, settings)
    push_service.answer(subscriber, 403)
    await outbox.enqueue(CALL, [(await PushSubscription.objects().first()).id])
    await deliver_all(settings)
    failed = await job()
    assert (failed.status, failed.attempts, failed.last_status) == (JobStatus.FAILED, 1, 403)
    assert await PushSubscription.count() == 1


async def test_a_subscription_with_a_broken_key_holds_up_none_of_the_others(app, settings, push_service):
    # Messages are encrypted a claim at a time: one that cannot be must not take the others down.
    subscribers = [await subscribed(push_service, settings) for _ in range(3)]
    broken = await PushSubscription.objects().where(PushSubscription.endpoint == subscribers[1].endpoint).first()
    await PushSubscription.update({PushSubscription.p256dh: "AAAA"}).where(PushSubscription.id == broken.id)
    await outbox.enqueue(CALL, [row["id"] for row in await PushSubscription.select(PushSubscription.id)])
    await deliver_all(settings)
    assert [len(push_service.payloads(s)) for s in subscribers] == [1, 0, 1]
    retrying = await PushJob.objects().where(PushJob.subscription == broken.id).first()
    assert retrying.status == JobStatus.PENDING and "ValueError" in retrying.last_error


async def jobs_finished() -> bool:
    return not await PushJob.exists().where(PushJob.status.is_in([JobStatus.PENDING, JobStatus.SENDING]))


async def run_until(settings, condition, **changes) -> None:
    worker = Worker(fast(settings, **changes), policy=local_push(settings))
    running = asyncio.create_task(worker.run())
    try:
        await eventually(condition)
    finally:
        worker.stop()
        await running
