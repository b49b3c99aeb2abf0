"""How long the request being answered may still wait for its store: Slack gives up at 3 s.

A request sets its deadline once, in the thread that runs it (`waiting_until`). Every store call
made in that thread then waits for a connection, a lock or a statement no longer than what is
left, and a change that would commit after the deadline is rolled back instead: past it Slack
has told the person that the request failed, so it must not happen. Once the request has been
answered (the deadline is lifted), what it still does is bounded by the store's own timeouts.

Real time, not the coach's clock: these are waits of the process, not moments of anyone's plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from time import monotonic


def _never() -> bool:
    return False


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock, until `lifted()` says the wait no longer matters."""

    at: float
    lifted: Callable[[], bool] = field(default=_never, compare=False)

    @classmethod
    def within(cls, seconds: float, lifted: Callable[[], bool] = _never) -> Deadline:
        return cls(monotonic() + seconds, lifted)

    def remaining(self) -> float | None:
        """Seconds left (0 or less once passed), or None once lifted."""
        if self.lifted():
            return None
        return self.at - monotonic()


_current: ContextVar[Deadline | None] = ContextVar("store_deadline", default=None)


@contextmanager
def waiting_until(deadline: Deadline | None) -> Iterator[None]:
    """Store calls in this block (in this thread) keep to `deadline`."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


def remaining() -> float | None:
    """Seconds the current request may still wait, or None when nothing bounds it."""
    deadline = _current.get()
    return None if deadline is None else deadline.remaining()


def passed() -> bool:
    left = remaining()
    return left is not None and left <= 0
