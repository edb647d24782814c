"""The push worker: drains the outbox, many messages at once over one connection pool.

It holds at most ``push_batch_size`` claimed jobs and runs at most ``push_concurrency`` requests,
claiming more as jobs finish, so a push service that hangs ties up one request slot until its
timeout and never the rest. Results are written in small batches as they come in.

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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

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
# Results are written once this many are waiting, or once the oldest has waited this long: the
# bound on how late a delivered message is marked sent (and so could be sent again after a crash).
FLUSH_SIZE = 100
FLUSH_EVERY_S = 0.2
HANDED_BACK = Outcome(JobStatus.PENDING, attempted=False)


@dataclass
class WorkerStats:
    outcomes: Counter = field(default_factory=Counter)
    database_s: float = 0.0


class Worker:
    def __init__(self, settings: Settings, name: str | None = None) -> None:
        self.settings = settings
        self.id = name or f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.stats = WorkerStats()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Claims nothing more; jobs not yet started are handed back, requests under way finish."""
        self._stop.set()

    async def run(self, *, until_idle: bool = False) -> None:
        """Sends until stopped, or with ``until_idle`` until no job is due."""
        settings = self.settings
        signer = VapidSigner(keys_from_text(settings.effective_vapid_private_key), settings.vapid_subject)
        policy = EndpointPolicy.from_settings(settings)
        async with Sender(
            signer, policy, concurrency=settings.push_concurrency, timeout_s=settings.push_timeout_s
        ) as sender:
            await self._drain(sender, until_idle)

    async def _drain(self, sender: Sender, until_idle: bool) -> None:
        loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self.settings.push_concurrency)
        self._results: asyncio.Queue[tuple[ClaimedJob, Outcome]] = asyncio.Queue()
        tasks: set[asyncio.Task] = set()
        waiting: list[tuple[ClaimedJob, Outcome]] = []
        next_claim = flushed = loop.time()
        try:
            while True:
                room = self.settings.push_batch_size - len(tasks)
                if not self._stop.is_set() and room >= len(tasks) and (loop.time() >= next_claim or not tasks):
                    jobs = await self._claim(room)
                    if len(jobs) < room:
                        next_claim = loop.time() + self.settings.push_poll_s
                    self._start(sender, jobs, tasks)
                if not tasks:
                    # The last jobs may have finished during the previous flush.
                    waiting += self._ready_results()
                    await self._flush(waiting)
                    if until_idle or self._stop.is_set():
                        return
                    await self._idle(next_claim - loop.time())
                    continue
                waiting += await self._collect(FLUSH_EVERY_S)
                if len(waiting) >= FLUSH_SIZE or loop.time() - flushed >= FLUSH_EVERY_S or not tasks:
                    await self._flush(waiting)
                    flushed = loop.time()
        finally:
            # Only reached with tasks left when the worker itself is cancelled: a crash, for the
            # jobs' purposes; their leases run out and another worker sends them.
            for task in tasks:
                task.cancel()

    def _start(self, sender: Sender, jobs: list[ClaimedJob], tasks: set[asyncio.Task]) -> None:
        # A job is sent, answered and recorded within its lease, or not started at all: a request
        # takes at most push_timeout_s, and half as long again is left for writing the result.
        # (The settings demand a lease of two timeouts, so half a timeout remains to start it in.)
        start_by = time.monotonic() + self.settings.push_lease_s - 1.5 * self.settings.push_timeout_s
        for job in jobs:
            task = asyncio.create_task(self._attempt(sender, job, start_by))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def _claim(self, limit: int) -> list[ClaimedJob]:
        started = time.monotonic()
        try:
            return await outbox.claim(self.id, limit, self.settings.push_lease_s)
        except Exception as error:  # a database that is briefly away must not end the worker
            log.warning("push jobs not claimed", worker=self.id, error=str(error))
            return []
        finally:
            self.stats.database_s += time.monotonic() - started

    async def _flush(self, waiting: list[tuple[ClaimedJob, Outcome]]) -> None:
        if not waiting:
            return
        started = time.monotonic()
        try:
            await outbox.record(self.id, waiting)
        except Exception as error:  # kept, and written with the next results
            log.warning("push results not recorded", worker=self.id, error=str(error), count=len(waiting))
            return
        finally:
            self.stats.database_s += time.monotonic() - started
        counts = Counter("handed_back" if not o.attempted else str(o.status) for _, o in waiting)
        self.stats.outcomes.update(counts)
        if counts.keys() - {JobStatus.SENT.value}:
            log.info("push results", worker=self.id, **counts)
        waiting.clear()

    async def _collect(self, timeout: float) -> list[tuple[ClaimedJob, Outcome]]:
        try:
            async with asyncio.timeout(timeout):
                first = await self._results.get()
        except TimeoutError:
            return []
        return [first, *self._ready_results()]

    def _ready_results(self) -> list[tuple[ClaimedJob, Outcome]]:
        results = []
        while not self._results.empty():
            results.append(self._results.get_nowait())
        return results

    async def _idle(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                await self._stop.wait()
        except TimeoutError:
            pass

    async def _attempt(self, sender: Sender, job: ClaimedJob, start_by: float) -> None:
        try:
            async with self._slots:
                late = self._stop.is_set() or time.monotonic() > start_by
                outcome = HANDED_BACK if late else await self._deliver(sender, job)
        except Exception as error:  # a bug must not leave the job claimed until its lease ends
            log.exception("push delivery failed unexpectedly", job=job.id)
            outcome = self._retry(job, None, f"{type(error).__name__}: {error}", None)
        self._results.put_nowait((job, outcome))

    async def _deliver(self, sender: Sender, job: ClaimedJob) -> Outcome:
        if job.endpoint is None:
            return Outcome(JobStatus.GONE, error="subscription removed")
        ttl = job.remaining_ttl(now())
        if ttl <= 0:
            return Outcome(JobStatus.EXPIRED)
        try:
            reply = await sender.send(job, ttl)
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
async def embedded(settings: Settings) -> AsyncIterator[None]:
    """The app's own worker, for the app's lifespan. The VAPID key is loaded (made, on a first run)
    here, so that start-up says so rather than the first call for help."""
    keys_from_text(settings.effective_vapid_private_key)
    if not settings.push_worker_embedded:
        yield
        return
    worker = Worker(settings)
    task = asyncio.create_task(worker.run(), name=f"push worker {worker.id}")
    try:
        yield
    finally:
        worker.stop()
        await task
