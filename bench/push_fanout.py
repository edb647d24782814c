"""Web Push fan-out: one call for help to 1,000, 10,000 and 100,000 subscriptions.

    .venv/bin/python bench/push_fanout.py           # the full run: 10-20 minutes on 2 cores
    .venv/bin/python bench/push_fanout.py --quick   # one run of each, 1,000 and 10,000 only
    .venv/bin/python bench/push_fanout.py --sizes 1000,10000 --runs 3

A minimal push service runs in a process of its own, listening on two ports (two push-service
origins) and answering every POST with 201 without decrypting anything. Each measurement runs in
a fresh child process, so the peak memory reported is that measurement's own. For the same
subscriptions and the same payload:

  ours       the real path in ONE process, as the app's embedded worker or one `lapor push
             worker` runs it: jobs enqueued for the users in a SQLite outbox, then drained by the
             push worker with its default settings (claim, encrypt, VAPID, POST, record results)
  ours ×2    the same with two worker processes (`lapor push worker` twice) sharing the outbox,
             the scaled set-up; the enqueueing is timed too
  db only    the same enqueue, claims and result writes, with nothing sent
  send only  our sender over the same jobs held in memory: encryption, VAPID, HTTP, no database
  crypto     payload encryption plus one VAPID header per origin, no HTTP, no database, in one
             process: the limit for one core
  crypto ×2  the same split between two processes: the limit for two cores
  naive      a loop of pywebpush.webpush(), as its README shows it

All run at 1,000 and 10,000 (five times, the naive loop three times at 10,000); ours alone at
100,000, three times, to show how time and memory grow. CPU time per message (all threads of the
measuring processes, the push service's not counted) varies much less than wall time on a
shared machine. Peak RSS is the measuring process's high-water mark (VmHWM), imports included
(for the ×2 rows, the larger of the two). Figures are medians over the runs; ratios compare with
baselines measured in the same run: "vs crypto (1 process)" with crypto, "vs crypto, as many
processes" with crypto ×2 for the ×2 rows.
docs/performance.md keeps a copy of the results with their discussion.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

PAYLOAD = (
    '{"judul":"Panggilan: banjir di Paringin","isi":"Dibutuhkan 6 relawan untuk evakuasi warga di'
    ' Desa Lasung Batu. Bawa pelampung dan senter.","panggilan":12345,"url":"/relawan/panggilan/12345"}'
)
SUBJECT = "mailto:dinsos@balangankab.go.id"
TTL_S = 3600
LOAD_AT_START = os.getloadavg()[0]


# --- the push service: one process, two ports --------------------------------------------------


class _Accept201:
    """HTTP/1.1 with keep-alive, just enough for POSTs with a Content-Length body."""

    def __init__(self) -> None:
        self.buffer = b""

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")

    def connection_lost(self, exc) -> None:
        pass

    def eof_received(self) -> None:
        pass


def serve(ready) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers = [await loop.create_server(_Accept201, "127.0.0.1", 0) for _ in range(2)]
        ready.put([server.sockets[0].getsockname()[1] for server in servers])
        await asyncio.Event().wait()

    _event_loop_runner()(main())


def _event_loop_runner():
    # uvloop when installed, as uvicorn (and so the app's embedded worker) uses it.
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


# --- the data ----------------------------------------------------------------------------------


def make_template(path: Path, count: int, ports: list[int]) -> None:
    """A migrated SQLite database with ``count`` users, each with one browser subscription."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from lapor_bencana import database
    from lapor_bencana.push.vapid import b64url

    async def migrate() -> None:
        database.bind(database.create_engine(f"sqlite:///{path}"))
        await database.migrate()

    asyncio.run(migrate())
    created = "2026-01-01 00:00:00+00:00"

    def subscription(number: int) -> tuple:
        point = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        endpoint = f"http://127.0.0.1:{ports[number % 2]}/push/{number}"
        return (number, number, endpoint, b64url(point), b64url(os.urandom(16)), created)

    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.executemany(
            "INSERT INTO app_user (id, username, phone, full_name, organisation, role, password_hash,"
            " approved, active, failed_logins, locked_until, created_at, is_demo)"
            " VALUES (?, ?, NULL, 'Relawan', '', 'relawan', '-', 1, 1, 0, NULL, ?, 0)",
            ((number, f"relawan{number}", created) for number in range(1, count + 1)),
        )
        connection.executemany(
            "INSERT INTO push_subscription (id, user, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (subscription(number) for number in range(1, count + 1)),
        )
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # Everything into the main file: the measurements start from a copy of that file alone.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def subscriptions(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT endpoint, p256dh, auth FROM push_subscription ORDER BY id").fetchall()


# --- one measurement, in a child process --------------------------------------------------------


def measure(mode: str, template: Path, count: int, vapid_key: str, results) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="push-bench-"))
    try:
        figures = MODES[mode](template, count, vapid_key, workdir)
        figures.setdefault("rss_peak_kb", _memory_kb("VmHWM"))
        results.put(figures)
    except BaseException:
        results.put({"error": traceback.format_exc()})
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _Clock:
    """Wall time and this process's CPU time (all its threads) since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def figures(self, **more) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu_s": time.process_time() - self.cpu, **more}


def _settings(database: Path, workdir: Path, vapid_key: str):
    from lapor_bencana.config import Settings

    return Settings(
        database_url=f"sqlite:///{database}",
        data_dir=workdir,
        vapid_private_key=vapid_key,
        vapid_subject=SUBJECT,
        push_worker_embedded=False,
    )


def _local_push(settings):
    """The push service of this benchmark is on 127.0.0.1, which no setting can let in."""
    from lapor_bencana.push.endpoints import EndpointPolicy

    return EndpointPolicy(allowed_hosts=settings.push_allowed_hosts, allow_loopback=True)


def _message():
    from lapor_bencana.push.outbox import PushMessage
    from lapor_bencana.push.tables import Urgency

    return PushMessage(payload=PAYLOAD, ttl=TTL_S, urgency=Urgency.HIGH, call_id=12345)


def _copy(template: Path, workdir: Path) -> Path:
    copy = workdir / "lapor.sqlite3"
    shutil.copy(template, copy)
    return copy


async def _on_database(path: Path, work):
    """``work()`` with the database bound and started on this event loop, as the app and
    ``lapor push worker`` run it (for SQLite, its connections are then kept on the loop)."""
    from lapor_bencana import database

    engine = database.create_engine(f"sqlite:///{path}")
    database.bind(engine)
    await database.start(engine)
    try:
        return await work()
    finally:
        await database.stop(engine)


def run_ours(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    from lapor_bencana.push import outbox
    from lapor_bencana.push.worker import Worker

    database = _copy(template, workdir)
    settings = _settings(database, workdir, vapid_key)

    async def fan_out() -> dict:
        clock = _Clock()
        queued = await outbox.enqueue_for_users(_message(), range(1, count + 1))
        enqueue_s = time.perf_counter() - clock.wall
        worker = Worker(settings, policy=_local_push(settings))
        await worker.run(until_idle=True)
        assert queued == count and worker.outcomes == {"sent": count}, worker.outcomes
        return clock.figures(enqueue_s=enqueue_s)

    return _event_loop_runner()(_on_database(database, fan_out))


def run_ours_twice(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    from lapor_bencana.push import outbox

    database = _copy(template, workdir)
    queued = []
    figures, reports = _side_by_side(
        _worker_process,
        [(database, workdir, vapid_key)] * 2,
        # Enqueued while the clock runs, as in ours; the workers start on the full outbox.
        before_go=lambda: queued.append(
            asyncio.run(_on_database(database, lambda: outbox.enqueue_for_users(_message(), range(1, count + 1))))
        ),
    )
    assert queued == [count] and sum(report["sent"] for report in reports) == count, reports
    return figures


def _side_by_side(target, arguments: list[tuple], before_go=lambda: None) -> tuple[dict, list[dict]]:
    """Runs ``target(*arguments[i], ready, go, finished)`` in one process each, started and ready
    before the clock starts; the clock stops when the last has reported on ``finished``."""
    spawn = multiprocessing.get_context("spawn")
    ready, go, finished = spawn.Queue(), spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=target, args=(*each, ready, go, finished)) for each in arguments]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get()
    clock = _Clock()
    before_go()
    go.set()
    reports = [finished.get() for _ in processes]
    figures = clock.figures()
    for process in processes:
        process.join()
    figures["cpu_s"] += sum(report["cpu_s"] for report in reports)
    # Each process's own peak: they share no memory.
    figures["rss_peak_kb"] = max(report["rss_peak_kb"] for report in reports)
    return figures, reports


def _worker_process(database: Path, workdir: Path, vapid_key: str, ready, go, finished) -> None:
    from lapor_bencana.push.worker import Worker

    settings = _settings(database, workdir, vapid_key)
    worker = Worker(settings, policy=_local_push(settings))
    ready.put(True)
    go.wait()
    cpu_before = time.process_time()
    _event_loop_runner()(_on_database(database, lambda: worker.run(until_idle=True)))
    finished.put(
        {"sent": worker.outcomes["sent"], "cpu_s": time.process_time() - cpu_before, "rss_peak_kb": _memory_kb("VmHWM")}
    )


def run_db_only(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    from lapor_bencana.config import Settings
    from lapor_bencana.push import outbox
    from lapor_bencana.push.outbox import Outcome
    from lapor_bencana.push.tables import JobStatus

    database = _copy(template, workdir)
    batch = Settings.model_fields["push_batch_size"].default
    sent = Outcome(JobStatus.SENT, 201)

    async def database_work() -> dict:
        clock = _Clock()
        await outbox.enqueue_for_users(_message(), range(1, count + 1))
        while jobs := await outbox.claim("bench", batch, 60):
            await outbox.record("bench", [(job, sent) for job in jobs])
        return clock.figures()

    return _event_loop_runner()(_on_database(database, database_work))


def run_send_only(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    from lapor_bencana.push.outbox import ClaimedJob
    from lapor_bencana.push.sender import Sender
    from lapor_bencana.push.vapid import VapidSigner, keys_from_text
    from lapor_bencana.timeutil import now

    settings = _settings(workdir / "unused.sqlite3", workdir, vapid_key)
    created = now()
    jobs = [
        ClaimedJob(number, 1, PAYLOAD, TTL_S, "high", None, created, number, endpoint, p256dh, auth)
        for number, (endpoint, p256dh, auth) in enumerate(subscriptions(template)[:count])
    ]

    async def send() -> dict:
        slots = asyncio.Semaphore(settings.push_concurrency)
        signer = VapidSigner(keys_from_text(vapid_key), SUBJECT)
        policy = _local_push(settings)

        async def one(job, body) -> int:
            async with slots:
                return (await sender.send(job, TTL_S, body)).status

        clock = _Clock()
        statuses = []
        async with Sender(signer, policy, concurrency=settings.push_concurrency, timeout_s=10) as sender:
            # As the worker does: each batch encrypted in one go, then sent.
            for start in range(0, len(jobs), settings.push_batch_size):
                batch = jobs[start : start + settings.push_batch_size]
                statuses += await asyncio.gather(*map(one, batch, sender.seal(batch)))
        assert set(statuses) == {201}, set(statuses)
        return clock.figures()

    return _event_loop_runner()(send())


def run_crypto(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    rows, encrypt_all = subscriptions(template)[:count], _encrypter()
    clock = _Clock()
    encrypt_all(rows, vapid_key)
    return clock.figures()


def run_crypto_twice(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    rows = subscriptions(template)[:count]
    figures, _ = _side_by_side(_crypto_process, [(rows[0::2], vapid_key), (rows[1::2], vapid_key)])
    return figures


def _crypto_process(rows: list, vapid_key: str, ready, go, finished) -> None:
    encrypt_all = _encrypter()
    ready.put(True)
    go.wait()
    cpu_before = time.process_time()
    encrypt_all(rows, vapid_key)
    finished.put({"cpu_s": time.process_time() - cpu_before, "rss_peak_kb": _memory_kb("VmHWM")})


def _encrypter():
    """The crypto-only work, imported before any clock starts."""
    from yarl import URL

    from lapor_bencana.push.encryption import encrypt
    from lapor_bencana.push.vapid import VapidSigner, b64url_decode, keys_from_text

    def encrypt_all(rows: list, vapid_key: str) -> None:
        payload = PAYLOAD.encode()
        signer = VapidSigner(keys_from_text(vapid_key), SUBJECT)
        for origin in {str(URL(endpoint).origin()) for endpoint, _, _ in rows}:
            signer.authorization(origin)
        for _, p256dh, auth in rows:
            encrypt(payload, b64url_decode(p256dh), b64url_decode(auth))

    return encrypt_all


def run_naive(template: Path, count: int, vapid_key: str, workdir: Path) -> dict:
    from pywebpush import webpush

    rows = [
        {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        for endpoint, p256dh, auth in subscriptions(template)[:count]
    ]
    clock = _Clock()
    for subscription in rows:
        # A fresh claims dict each time: webpush() writes the first endpoint's "aud" into it.
        webpush(subscription, PAYLOAD, vapid_private_key=vapid_key, vapid_claims={"sub": SUBJECT}, ttl=TTL_S)
    return clock.figures()


MODES = {
    "ours": run_ours,
    "ours ×2": run_ours_twice,
    "db only": run_db_only,
    "send only": run_send_only,
    "crypto": run_crypto,
    "crypto ×2": run_crypto_twice,
    "naive": run_naive,
}


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# --- the plan and the report --------------------------------------------------------------------


def plan(quick: bool, sizes: list[int], most_runs: int) -> list[tuple[int, str, int]]:
    """(subscriptions, mode, runs). Modes of one size alternate, so that noise falls on all alike."""
    if quick:
        return [(count, mode, 1) for count in (1_000, 10_000) for mode in MODES]
    steps = [
        *[(1_000, mode, 5) for mode in MODES],
        # The naive loop takes over 40 s a run at 10,000.
        *[(10_000, mode, 3 if mode == "naive" else 5) for mode in MODES],
        (100_000, "ours", 3),
    ]
    return [(count, mode, min(runs, most_runs)) for count, mode, runs in steps if count in sizes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each, 1,000 and 10,000 only")
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="subscription counts to run, of 1000,10000,100000"
    )
    parser.add_argument("--runs", type=int, default=5, help="at most this many runs of each")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from lapor_bencana.push.vapid import generate_private_key

    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Queue()
    service = spawn.Process(target=serve, args=(ready,), daemon=True)
    service.start()
    ports = ready.get(timeout=30)
    vapid_key = generate_private_key()
    scratch = Path(tempfile.mkdtemp(prefix="push-bench-"))
    figures: dict[tuple[int, str], list[dict]] = {}
    try:
        steps = plan(arguments.quick, sizes, arguments.runs)
        for count in sorted({count for count, _, _ in steps}):
            template = scratch / f"template-{count}.sqlite3"
            print(f"preparing {count:,} subscriptions…", file=sys.stderr, flush=True)
            make_template(template, count, ports)
            rounds = max(runs for c, _, runs in steps if c == count)
            for round_number in range(rounds):
                for mode in [mode for c, mode, runs in steps if c == count and round_number < runs]:
                    figures.setdefault((count, mode), []).append(_run_child(spawn, mode, template, count, vapid_key))
                    latest = figures[(count, mode)][-1]
                    print(f"  {count:>7,} {mode:<9} {latest['seconds']:7.2f} s", file=sys.stderr, flush=True)
            template.unlink()
    finally:
        service.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    print(report(figures))


def _run_child(spawn, mode: str, template: Path, count: int, vapid_key: str) -> dict:
    results = spawn.Queue()
    child = spawn.Process(target=measure, args=(mode, template, count, vapid_key, results))
    child.start()
    figures = results.get()
    child.join()
    if "error" in figures:
        raise SystemExit(f"{mode} with {count:,} subscriptions failed:\n{figures['error']}")
    return figures


def report(figures: dict[tuple[int, str], list[dict]]) -> str:
    def median(count: int, mode: str, key: str = "seconds") -> float | None:
        runs = figures.get((count, mode))
        return statistics.median(run[key] for run in runs) if runs else None

    lines = [
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average at the start"
        f" {LOAD_AT_START:.1f} and at the end"
        f" {os.getloadavg()[0]:.1f}. Medians of {', '.join(sorted({f'{len(r)}' for r in figures.values()}))} runs.",
        "",
        "| subscriptions | what | wall time | messages/s | vs naive | vs crypto (1 process) | vs crypto, as many"
        " processes | CPU per message | peak RSS |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (count, mode), runs in figures.items():
        seconds = median(count, mode)
        naive, crypto = median(count, "naive"), median(count, "crypto")
        crypto_alike = median(count, "crypto ×2") if mode.endswith("×2") else crypto
        cpu_us = median(count, mode, "cpu_s") / count * 1e6
        peak = statistics.median(run["rss_peak_kb"] for run in runs) / 1024
        lines.append(
            f"| {count:,} | {mode} | {seconds:.2f} s | {count / seconds:,.0f} |"
            f" {_ratio(naive, seconds)} | {_ratio(crypto, seconds)} | {_ratio(crypto_alike, seconds)} |"
            f" {cpu_us:,.0f} µs | {peak:.0f} MB |"
        )
    lines += ["", "Where the time of *ours* goes (medians):", ""]
    for count in sorted({count for count, mode in figures if mode == "ours"}):
        total, enqueue = median(count, "ours"), median(count, "ours", "enqueue_s")
        line = f"- {count:,}: enqueueing {enqueue:.2f} s, then the worker {total - enqueue:.2f} s"
        database, sending = median(count, "db only"), median(count, "send only")
        if database and sending:
            line += (
                f"; the database work alone takes {database:.2f} s and the sending alone {sending:.2f} s,"
                f" so running both in one process costs {total - sending:.2f} s over the sending"
            )
        lines.append(line + ".")
    return "\n".join(lines)


def _ratio(baseline: float | None, seconds: float) -> str:
    return f"{baseline / seconds:.2f}×" if baseline else "–"


if __name__ == "__main__":
    main()
