"""Workers that stop, crash or run side by side: every message is delivered once, never twice."""

import asyncio
import os
import signal
import subprocess
import sys

from tests.push_helpers import eventually, fast, jobs_by_status, local_push, new_volunteer, subscribed
from tests.push_service import HANG

from lapor_bencana.app import create_app
from lapor_bencana.push import outbox
from lapor_bencana.push.outbox import PushMessage
from lapor_bencana.push.tables import JobStatus, PushJob, PushSubscription
from lapor_bencana.push.worker import Worker

MESSAGE = PushMessage(payload='{"judul": "Uji"}', ttl=600)


async def enqueue_to_everyone() -> int:
    return await outbox.enqueue(MESSAGE, [row["id"] for row in await PushSubscription.select(PushSubscription.id)])


def delivered_once_each(service, subscribers) -> bool:
    return all(len(service.payloads(s)) == 1 for s in subscribers)


async def test_a_stopped_worker_hands_back_what_it_had_not_started(app, settings, push_service):
    stuck = await subscribed(push_service, settings)
    push_service.answer(stuck, HANG)
    others = [await subscribed(push_service, settings) for _ in range(9)]
    await enqueue_to_everyone()
    # One request slot, taken by the hanging request: the other nine jobs are claimed but wait.
    first = Worker(fast(settings, push_concurrency=1, push_timeout_s=1.0), policy=local_push(settings))
    running = asyncio.create_task(first.run())
    await eventually(lambda: push_service.arrivals[stuck.endpoint])
    first.stop()
    await running
    assert first.outcomes == {"handed_back": 9, "pending": 1}
    handed_back = await PushJob.select(PushJob.attempts, PushJob.claimed_by).where(
        PushJob.subscription != None
    )  # noqa: E711
    assert sorted(row["attempts"] for row in handed_back) == [0] * 9 + [1]
    assert {row["claimed_by"] for row in handed_back} == {None}

    second = Worker(fast(settings), policy=local_push(settings))
    running = asyncio.create_task(second.run())
    await eventually(lambda: delivered_once_each(push_service, [stuck, *others]))
    second.stop()
    await running
    assert await jobs_by_status() == {"sent": 10}
    assert sum(len(push_service.arrivals[s.endpoint]) for s in others) == 9


async def test_a_killed_worker_process_loses_nothing_and_duplicates_nothing(app, settings, push_service, database_url):
    fast_ones = [await subscribed(push_service, settings) for _ in range(10)]
    stuck = [await subscribed(push_service, settings) for _ in range(10)]
    for subscriber in stuck:
        push_service.answer(subscriber, HANG)
    await enqueue_to_everyone()
    process = start_worker_process(settings, database_url, lease_s=4.0, timeout_s=2.0)
    try:
        # It sent and recorded ten; ten requests hang, unanswered, when it dies.
        await eventually(lambda: sent_count_is(10), timeout=20)
        await eventually(lambda: all(push_service.arrivals[s.endpoint] for s in stuck))
    finally:
        process.send_signal(signal.SIGKILL)
        print(process.communicate()[0].decode())  # pytest shows it when the test fails
    assert await jobs_by_status() == {"sent": 10, "sending": 10}

    # Until the dead worker's lease ends its jobs stay where they are; then the next one sends them.
    second = Worker(fast(settings), policy=local_push(settings))
    await second.run(until_idle=True)
    assert second.outcomes == {}
    running = asyncio.create_task(second.run())
    await eventually(lambda: delivered_once_each(push_service, stuck))
    second.stop()
    await running
    assert delivered_once_each(push_service, fast_ones + stuck)
    assert await jobs_by_status() == {"sent": 20}


async def test_concurrent_workers_never_send_a_job_twice(app, settings, push_service):
    user_id = await new_volunteer()
    subscribers = [await subscribed(push_service, settings, user_id) for _ in range(120)]
    await enqueue_to_everyone()
    quick = fast(settings, push_batch_size=8, push_concurrency=4)
    workers = [Worker(quick, policy=local_push(settings)) for _ in range(4)]
    await asyncio.gather(*(worker.run(until_idle=True) for worker in workers))
    assert delivered_once_each(push_service, subscribers)
    assert sum(len(push_service.arrivals[s.endpoint]) for s in subscribers) == 120
    assert sum(worker.outcomes["sent"] for worker in workers) == 120
    assert sum(1 for worker in workers if worker.outcomes["sent"]) >= 2
    assert await jobs_by_status() == {"sent": 120}


async def test_the_app_runs_its_own_worker_for_its_lifetime(settings, push_service):
    application = create_app(fast(settings, push_worker_embedded=True), push_endpoints=local_push(settings))
    async with application.lifespan():
        subscriber = await subscribed(push_service, settings)
        await enqueue_to_everyone()
        await eventually(lambda: push_service.payloads(subscriber))
        assert push_worker_tasks()
    assert not push_worker_tasks()


def push_worker_tasks() -> list[asyncio.Task]:
    return [task for task in asyncio.all_tasks() if task.get_name().startswith("push worker")]


async def sent_count_is(count: int) -> bool:
    return await PushJob.count().where(PushJob.status == JobStatus.SENT) == count


def start_worker_process(settings, database_url: str, *, lease_s: float, timeout_s: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "LAPOR_DATABASE_URL": database_url,
        "LAPOR_DATA_DIR": str(settings.data_dir),
        "LAPOR_PUSH_LEASE_S": str(lease_s),
        "LAPOR_PUSH_TIMEOUT_S": str(timeout_s),
        "LAPOR_PUSH_POLL_S": "0.05",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.worker_process"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def test_messages_wait_out_an_outage_of_the_push_service_and_arrive_once(app, settings, push_service):
    subscribers = [await subscribed(push_service, settings) for _ in range(5)]
    await push_service.go_down()
    await enqueue_to_everyone()
    worker = Worker(fast(settings, push_retry_base_s=0.05), policy=local_push(settings))
    running = asyncio.create_task(worker.run())

    async def tried_while_down(times: int) -> bool:
        rows = await PushJob.select(PushJob.attempts, PushJob.status)
        return all(row["attempts"] >= times and row["status"] == "pending" for row in rows)

    # Five refused attempts each: with the default 10 s backoff base that is an outage of minutes
    # (10 + 20 + 40 + 80 s between them), and every message is still waiting, none given up.
    await eventually(lambda: tried_while_down(5))
    await push_service.come_back()
    await eventually(lambda: delivered_once_each(push_service, subscribers))
    worker.stop()
    await running
    assert await jobs_by_status() == {"sent": 5}
