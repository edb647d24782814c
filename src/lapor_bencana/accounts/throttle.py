"""Slowing down, then locking, repeated failed sign-ins: per account and per client address.

Each attempt is counted *before* its password is checked, with a compare-and-swap on the counter,
so that a burst of parallel guesses cannot all slip through before the first failure is written; a
correct password then clears the count (an account) or takes its attempt back (an address).
Failures are forgotten once ``LOCK_FOR`` passes without another, which is also how long a lock
lasts: a lock that has been served starts the count afresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.columns.combination import Where
from piccolo.table import Table

from lapor_bencana.accounts.tables import SignInThrottle, User

FIRST_WAIT = timedelta(seconds=30)
LOCK_FOR = timedelta(minutes=15)
# Concurrent attempts on one counter retry their swap; past this many, the attempt is refused.
SWAP_ATTEMPTS = 5


@dataclass(frozen=True)
class Policy:
    slow_after: int
    lock_after: int

    def wait_after(self, failures: int) -> timedelta:
        """How long the next attempt must wait after ``failures`` recent failures."""
        if failures >= self.lock_after:
            return LOCK_FOR
        if failures >= self.slow_after:
            return min(FIRST_WAIT * 2 ** (failures - self.slow_after), LOCK_FOR)
        return timedelta(0)


# Two free tries, then 30 s and 1 min waits, then 15 minutes.
ACCOUNT = Policy(slow_after=3, lock_after=5)
# Generous: in a disaster whole villages share one carrier's NAT address.
ADDRESS = Policy(slow_after=10, lock_after=30)


@dataclass(frozen=True)
class Counter:
    failed_logins: int
    last_failed_login_at: datetime | None
    locked_until: datetime | None

    def wait_left(self, now: datetime) -> timedelta:
        if self.locked_until is None or self.locked_until <= now:
            return timedelta(0)
        return self.locked_until - now

    def counted(self, now: datetime, policy: Policy) -> Counter:
        recent = self.last_failed_login_at is not None and now - self.last_failed_login_at < LOCK_FOR
        failures = (self.failed_logins if recent else 0) + 1
        wait = policy.wait_after(failures)
        return Counter(failures, now, now + wait if wait else None)


@dataclass(frozen=True)
class Attempt:
    """An attempt counted (``allowed``) or refused because the counter is waiting ``wait``."""

    allowed: bool
    counter: Counter
    wait: timedelta
    policy: Policy

    @property
    def locks(self) -> bool:
        """Whether this attempt, should it fail, locks the counter for the full period."""
        return self.counter.failed_logins >= self.policy.lock_after


async def count_account(user_id: int, now: datetime) -> Attempt:
    return await _count(User, User.id == user_id, ACCOUNT, now)


async def clear_account(user_id: int) -> None:
    await User.update(
        {User.failed_logins: 0, User.last_failed_login_at: None, User.locked_until: None}
    ).where(User.id == user_id).run()


async def count_key(key: str, policy: Policy, now: datetime) -> Attempt:
    """Counts an attempt against a client address or an unknown name (``SignInThrottle``)."""
    return await _count(SignInThrottle, SignInThrottle.key == key, policy, now, create=lambda: _create(key, now))


async def take_back(key: str) -> None:
    """A correct password: the attempt counted against this key was not a failure after all."""
    await SignInThrottle.update({SignInThrottle.failed_logins: SignInThrottle.failed_logins - 1}).where(
        (SignInThrottle.key == key) & (SignInThrottle.failed_logins > 0)
    ).run()


async def _count(
    table: type[Table],
    condition: Where,
    policy: Policy,
    now: datetime,
    create: Callable[[], Awaitable[None]] | None = None,
) -> Attempt:
    columns = (table.failed_logins, table.last_failed_login_at, table.locked_until)
    current = Counter(0, None, None)
    for _attempt in range(SWAP_ATTEMPTS):
        row = await table.select(*columns).where(condition).first().run()
        if row is None:
            if create is None:
                break
            await create()
            continue
        current = Counter(**row)
        if wait := current.wait_left(now):
            return Attempt(False, current, wait, policy)
        after = current.counted(now, policy)
        swapped = await (
            table.update(dict(zip(columns, (after.failed_logins, after.last_failed_login_at, after.locked_until))))
            .where(condition & (table.failed_logins == current.failed_logins))
            .returning(table.id)
            .run()
        )
        if swapped:
            return Attempt(True, after, after.wait_left(now), policy)
    return Attempt(False, current, FIRST_WAIT, policy)


async def _create(key: str, now: datetime) -> None:
    # A row whose last failure is older than LOCK_FOR counts nothing and locks nothing any more.
    await SignInThrottle.delete().where(SignInThrottle.last_failed_login_at < now - LOCK_FOR).run()
    await SignInThrottle.insert(SignInThrottle(key=key)).on_conflict(action="DO NOTHING").run()
