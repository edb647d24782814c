"""Selecting the volunteers to call among 100,000 (issue: volunteers and web push; target ≤ 50 ms).

    .venv/bin/python bench/targeting.py                  # SQLite in a temporary file
    LAPOR_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/targeting.py

Volunteers are spread uniformly over Kalimantan Selatan with random skills; the call is for a
flood in Paringin needing two skills within 10 km (and 25 km). Each figure is the median of
several runs and is also given as a ratio to a one-row primary-key select in the same run.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lapor_bencana import database  # noqa: E402
from lapor_bencana.accounts.tables import Role, User  # noqa: E402
from lapor_bencana.volunteers import skills  # noqa: E402
from lapor_bencana.volunteers.tables import VolunteerProfile  # noqa: E402
from lapor_bencana.volunteers.targeting import Place, select_targets  # noqa: E402

COUNT = int(os.environ.get("BENCH_VOLUNTEERS", "100000"))
RUNS = 9
BATCH = 1000
KALSEL = {"lat": (-4.2, -1.3), "lon": (114.3, 116.6)}
PARINGIN = Place(-2.3325, 115.4712, "63.11.06")
NEEDED = skills.mask(["dapur_umum", "evakuasi"])


async def populate(rng: random.Random) -> None:
    for start in range(0, COUNT, BATCH):
        users = [
            User(username=f"relawan{n}", full_name=f"Relawan {n}", role=Role.RELAWAN, password_hash="x", approved=True)
            for n in range(start, min(start + BATCH, COUNT))
        ]
        rows = await User.insert(*users).returning(User.id).run()
        profiles = [
            VolunteerProfile(
                user=row["id"],
                skills=rng.getrandbits(len(skills.SKILLS)) or 1,
                latitude=rng.uniform(*KALSEL["lat"]),
                longitude=rng.uniform(*KALSEL["lon"]),
                radius_km=rng.choice([5.0, 10.0, 15.0, 25.0, 50.0]),
                available=rng.random() < 0.8,
            )
            for row in rows
        ]
        await VolunteerProfile.insert(*profiles).run()


async def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = await work()
    return (time.perf_counter() - started) * 1000, result


async def measure(url: str) -> list[str]:
    engine = database.create_engine(url)
    database.bind(engine)
    await database.start(engine)
    try:
        await database.migrate()
        await populate(random.Random(20261127))
        await engine.run_ddl("ANALYZE")
        lines = []
        baseline = [
            (await timed(lambda: User.select(User.id).where(User.id == 1).first().run()))[0] for _ in range(RUNS)
        ]
        base = statistics.median(baseline)
        lines.append(f"| {engine.engine_type} | one-row select by primary key (baseline) | {base:.2f} ms | 1.0 | — |")
        for radius in (10.0, 25.0):
            samples = [await timed(lambda: select_targets(PARINGIN, NEEDED, radius)) for _ in range(RUNS)]
            median = statistics.median(ms for ms, _ in samples)
            found = len(samples[0][1])
            lines.append(
                f"| {engine.engine_type} | targets within {radius:.0f} km ({found} of {COUNT:,} volunteers) "
                f"| {median:.1f} ms | {median / base:.0f} | ≤ 50 ms |"
            )
        return lines
    finally:
        await database.stop(engine)


def main() -> None:
    header = [
        "## Selecting volunteers to call",
        "",
        f"Measured by `bench/targeting.py`: {COUNT:,} volunteers over Kalimantan Selatan, median of {RUNS} runs.",
        "",
        "| engine | what | median | ÷ baseline | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += asyncio.run(measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}"))
    if postgres := os.environ.get("LAPOR_BENCH_POSTGRES_URL"):
        rows += asyncio.run(measure(postgres))
    print("\n".join(header + rows))


if __name__ == "__main__":
    main()
