"""The waiting times of sign-in throttling, and its counters under concurrent attempts."""

import asyncio
from datetime import UTC, datetime, timedelta

from lapor_bencana.accounts import throttle
from lapor_bencana.accounts.tables import SignInThrottle
from lapor_bencana.accounts.throttle import ACCOUNT, ADDRESS, LOCK_FOR, Counter

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def test_an_account_waits_30_s_then_1_min_then_is_locked_for_15_min():
    waits = [ACCOUNT.wait_after(failures) for failures in range(1, 8)]
    seconds = [wait.total_seconds() for wait in waits]
    assert seconds == [0, 0, 30, 60, 900, 900, 900]


def test_an_address_gets_more_room_and_its_waits_never_pass_the_lock():
    waits = [ADDRESS.wait_after(failures) for failures in range(1, 40)]
    assert waits[:9] == [timedelta(0)] * 9
    assert waits[9] == timedelta(seconds=30)
    assert max(waits) == LOCK_FOR == waits[29]


def test_failures_older_than_a_lock_are_forgotten():
    recent = Counter(4, NOW - timedelta(minutes=14), None).counted(NOW, ACCOUNT)
    stale = Counter(4, NOW - LOCK_FOR, None).counted(NOW, ACCOUNT)
    assert (recent.failed_logins, recent.locked_until) == (5, NOW + LOCK_FOR)
    assert (stale.failed_logins, stale.locked_until) == (1, None)


def test_the_wait_left_counts_down_to_nothing():
    counter = Counter(3, NOW, NOW + timedelta(seconds=30))
    assert counter.wait_left(NOW + timedelta(seconds=10)) == timedelta(seconds=20)
    assert counter.wait_left(NOW + timedelta(seconds=30)) == timedelta(0)


async def test_parallel_guesses_are_each_counted_so_only_a_few_get_through(app):
    attempts = await asyncio.gather(*(throttle.count_key("nama:budi", ACCOUNT, NOW) for _ in range(12)))
    # The first three are let through; the third sets a wait that turns all the others away.
    assert sum(attempt.allowed for attempt in attempts) == 3
    [row] = await SignInThrottle.select(SignInThrottle.failed_logins).run()
    assert row["failed_logins"] == 3


async def test_a_correct_password_takes_back_the_attempt_of_its_address(app):
    for _ in range(2):
        await throttle.count_key("alamat:10.0.0.1", ADDRESS, NOW)
    await throttle.take_back("alamat:10.0.0.1")
    [row] = await SignInThrottle.select(SignInThrottle.failed_logins).run()
    assert row["failed_logins"] == 1


async def test_stale_rows_are_cleared_when_a_new_name_is_tried(app):
    await throttle.count_key("nama:lama", ACCOUNT, NOW)
    await throttle.count_key("nama:baru", ACCOUNT, NOW + LOCK_FOR + timedelta(seconds=1))
    keys = [row["key"] for row in await SignInThrottle.select(SignInThrottle.key).run()]
    assert keys == ["nama:baru"]
