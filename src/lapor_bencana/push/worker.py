"""The push worker: drains the outbox, many messages at once over one connection pool.

It holds at most ``push_batch_size`` claimed jobs and runs at most ``push_concurrency`` requests,
claiming more while half a batch is still in hand, so a push service that hangs ties up one request
slot until its timeout and never the rest. A separate task writes results as they come in, after
a moment for more to arrive: all that arrived meanwhile go into one write, so writes grow with the
load and stay few.

Runs inside the app (:func:`embedded`, the default) or as ``lapor push worker`` processes; any
number of workers may share one database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog

from lapor_bencana.config import Settings
from lapor_bencana.push import outbox
from lapor_bencana.push.endpoints import EndpointPolicy, EndpointRefused
from lapor_bencana.push.outbox import ClaimedJob, Outcome
from lapor_bencana.push.sender import Reply, Sender
from lapor_bencana.push.tables import JobStatus
from lapor_bencana.push.vapid import VapidSigner, keys_from_text
from lapor_bencana.timeutil import now

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8
MAX_RETRY_DELAY_S = 3600.0
# Results that could not be written are tried this many more times when the worker stops; then
# their jobs keep their claim until the lease ends and another worker takes them.
LAST_WRITE_TRIES = 3
HANDED_BACK = Outcome(JobStatus.PENDING, attempted=False)
# While a fan-out is under way, results are written at most this often, unless this many are waiting.
GATHER_S = 0.02
GATHER_RESULTS = 100
# Put after the last result: the recorder writes what is left and ends.
_DONE = None


# Told the calls for help whose messages ended (delivered or failed) in one write of results.
CallsFinished = Callable[[set[int]], Awaitable[None]]


class Worker:
    def __init__(
        self,
        settings: Settings,
        name: str | None = None,
        on_calls_finished: CallsFinished | None = None,
        policy: EndpointPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy or EndpointPolicy.from_settings(settings)
        self.on_calls_finished = on_calls_finished
        self.id = name or f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        # How the jobs this worker finished ended, by status ("handed_back" for those returned unsent).
        self.outcomes: Counter[str] = Counter()
        self._stopping = False
        # Set by stop(), and by a finished job when the claimer may want more.
        self._wake = asyncio.Event()

    def stop(self) -> None:
        """Claims nothing more; jobs not yet started are handed back, requests under way finish."""
        self._stopping = True
        self._wake.set()

    async def run(self, *, until_idle: bool = False) -> None:
        """Sends until stopped, or with ``until_idle`` until no job is due."""
        settings = self.settings
        signer = VapidSigner(keys_from_text(settings.effective_vapid_private_key), settings.vapid_subject)
        self._slots = asyncio.Semaphore(settings.push_concurrency)
        self._results: asyncio.Queue = asyncio.Queue()
        recorder = asyncio.create_task(self._record_results())
        try:
            async with Sender(
                signer, self.policy, concurrency=settings.push_concurrency, timeout_s=settings.push_timeout_s
            ) as sender:
                await self._claim_and_send(sender, until_idle)
        finally:
            self._results.put_nowait(_DONE)
            await recorder

    async def _claim_and_send(self, sender: Sender, until_idle: bool) -> None:
        loop = asyncio.get_running_loop()
        batch = self.settings.push_batch_size
        refill_at = batch // 2
        tasks: set[asyncio.Task] = set()

        def finished(task: asyncio.Task) -> None:
            tasks.discard(task)
            if len(tasks) <= refill_at:
                self._wake.set()

        next_claim = loop.time()
        try:
            while not self._stopping:
                hungry = len(tasks) <= refill_at
                if hungry and (loop.time() >= next_claim or (until_idle and not tasks)):
                    jobs = await self._claim(batch - len(tasks))
                    if not jobs:
                        if until_idle and not tasks:
                            return
                        next_claim = loop.time() + self.settings.push_poll_s
                    for task in self._start(sender, jobs):
                        tasks.add(task)
                        task.add_done_callback(finished)
                    continue
                self._wake.clear()
                await self._sleep(max(next_claim - loop.time(), 0.0) if hungry else None)
            while tasks:
                await asyncio.wait(set(tasks))
        finally:
            # Only reached with tasks left when the worker itself is cancelled: a crash, for the
            # jobs' purposes; their leases run out and another worker sends them.
            for task in tasks:
                task.cancel()

    def _start(self, sender: Sender, jobs: list[ClaimedJob]) -> list[asyncio.Task]:
        # A job is sent, answered and recorded within its lease, or not started at all: a request
        # takes at most push_timeout_s, and half as long again is left for writing the result.
        # (The settings demand a lease of two timeouts, so half a timeout remains to start it in.)
        start_by = time.monotonic() + self.settings.push_lease_s - 1.5 * self.settings.push_timeout_s
        # All of a claim's messages are encrypted at once, before any is sent (see Sender.seal).
        bodies = sender.seal(jobs)
        return [
            asyncio.create_task(self._attempt(sender, job, body, start_by)) for job, body in zip(jobs, bodies, strict=True)
        ]

    async def _claim(self, limit: int) -> list[ClaimedJob]:
        try:
            return await outbox.claim(self.id, limit, self.settings.push_lease_s)
        except Exception as error:  # a database that is briefly away must not end the worker
            log.warning("push jobs not claimed", worker=self.id, error=str(error))
            return []

    async def _record_results(self) -> None:
        waiting: list[tuple[ClaimedJob, Outcome]] = []
        while True:
            arrived = await self._next_results(retry_in=self.settings.push_poll_s if waiting else None)
            done = _DONE in arrived
            waiting += [result for result in arrived if result is not _DONE]
            await self._write(waiting)
            if done:
                for _ in range(LAST_WRITE_TRIES):
                    if not waiting:
                        break
                    await asyncio.sleep(self.settings.push_poll_s)
                    await self._write(waiting)
                return

    async def _next_results(self, retry_in: float | None) -> list:
        """Everything that has arrived, waiting for at least one result (or ``retry_in`` seconds)."""
        try:
            async with asyncio.timeout(retry_in):
                first = await self._results.get()
        except TimeoutError:
            return []
        if first is not _DONE and self._results.qsize() < GATHER_RESULTS:
            # A moment for more to arrive: fewer, larger writes, each one transaction (on SQLite, the
            # write lock other workers then wait for).
            await asyncio.sleep(GATHER_S)
        arrived = [first]
        while not self._results.empty():
            arrived.append(self._results.get_nowait())
        return arrived

    async def _write(self, waiting: list[tuple[ClaimedJob, Outcome]]) -> None:
        if not waiting:
            return
        try:
            await outbox.record(self.id, waiting)
        except Exception as error:  # kept, and written with the next results
            log.warning("push results not recorded", worker=self.id, error=str(error), count=len(waiting))
            return
        counts = Counter("handed_back" if not o.attempted else str(o.status) for _, o in waiting)
        self.outcomes.update(counts)
        if counts.keys() - {JobStatus.SENT.value}:
            log.info("push results", worker=self.id, **counts)
        finished_calls = {job.call_id for job, o in waiting if job.call_id is not None and o.status != JobStatus.PENDING}
        waiting.clear()
        if finished_calls and self.on_calls_finished is not None:
            try:
                await self.on_calls_finished(finished_calls)
            except Exception as error:  # only a screen's counts are late: the results are stored
                log.warning("call deliveries not announced", worker=self.id, error=str(error))

    async def _sleep(self, seconds: float | None) -> None:
        """Until woken (a job finished, or stop), or ``seconds`` have passed."""
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass

    async def _attempt(self, sender: Sender, job: ClaimedJob, body: bytes | None, start_by: float) -> None:
        try:
            async with self._slots:
                late = self._stopping or time.monotonic() > start_by
                outcome = HANDED_BACK if late else await self._deliver(sender, job, body)
        except Exception as error:  # a bug must not leave the job claimed until its lease ends
            log.exception("push delivery failed unexpectedly", job=job.id)
            outcome = self._retry(job, None, f"{type(error).__name__}: {error}", None)
        self._results.put_nowait((job, outcome))

    async def _deliver(self, sender: Sender, job: ClaimedJob, body: bytes | None) -> Outcome:
        if job.endpoint is None:
            return Outcome(JobStatus.GONE, error="subscription removed")
        ttl = job.remaining_ttl(now())
        if ttl <= 0:
            return Outcome(JobStatus.EXPIRED)
        try:
            reply = await sender.send(job, ttl, body)
        except EndpointRefused as refusal:
            return Outcome(JobStatus.FAILED, error=f"endpoint refused: {refusal}")
        return self._judge(job, reply)

    def _judge(self, job: ClaimedJob, reply: Reply) -> Outcome:
        status = reply.status
        if status is None:
            return self._retry(job, None, reply.error, None)
        if 200 <= status < 300:
            return Outcome(JobStatus.SENT, status)
        # RFC 8030 §7.3: the subscription expired or was unsubscribed; it will not come back.
        if status in (404, 410):
            return Outcome(JobStatus.GONE, status)
        # RFC 6585 §4 (429) and RFC 9110 §15.6 (5xx): the service is busy or failing for now.
        if status == 429 or status >= 500:
            return self._retry(job, status, reply.body, reply.retry_after)
        return Outcome(JobStatus.FAILED, status, reply.body)

    def _retry(self, job: ClaimedJob, status: int | None, error: str, retry_after: float | None) -> Outcome:
        if job.attempts >= MAX_ATTEMPTS:
            return Outcome(JobStatus.FAILED, status, f"gave up after {job.attempts} attempts: {error}")
        backoff = self.settings.push_retry_base_s * 2 ** (job.attempts - 1)
        delay = retry_after if retry_after is not None else backoff
        return Outcome(JobStatus.PENDING, status, error, retry_in=min(delay, MAX_RETRY_DELAY_S))


@asynccontextmanager
async def embedded(
    settings: Settings, policy: EndpointPolicy, on_calls_finished: CallsFinished | None = None
) -> AsyncIterator[None]:
    """The app's own worker, for the app's lifespan. The VAPID key is loaded (made, on a first run)
    here, so that start-up says so rather than the first call for help."""
    keys_from_text(settings.effective_vapid_private_key)
    if not settings.push_worker_embedded:
        yield
        return
    worker = Worker(settings, on_calls_finished=on_calls_finished, policy=policy)
    task = asyncio.create_task(worker.run(), name=f"push worker {worker.id}")
    try:
        yield
    finally:
        worker.stop()
        await task
