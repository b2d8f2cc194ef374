"""The light lane and the heavy queries: which query keeps a worker, which must leave it.

Why a module of its own: it is the endpoint's scheduling policy, apart from the
mechanics of processes and pipes (:mod:`kg.read.serve.pool`). The pool keeps
``workers`` processes for light queries. A query that runs longer than
``heavy_after`` seconds is *heavy*: its worker leaves the pool (a fresh one takes its
place, so light queries always have ``workers`` processes) and runs at a lower CPU
priority; at most ``max_heavy`` heavy queries run at once, beyond that a query that
turns heavy is stopped (:class:`TooManyHeavy`: 503 and Retry-After). Earlier, while
other queries wait for a worker, a query that runs far longer than recent ones
leaves the pool the same way (at most ``workers`` such: *moved*), or the longest
running is stopped (*shed*) when none is left.

A worker handle carries ``since`` (when its query started, ``time.monotonic()``)
and ``state``: light; moved (left the pool while others waited); heavy (ran past
``heavy_after``); shed (to be stopped: it held a worker others waited for, and no
process was free). The :class:`Lane` changes states and counts them under the
pool's lock, which it is given.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

# While other queries wait, a query may hold a light worker for 3 times what 9 in 10
# recent queries took (at least 0.1 s, at most heavy_after; 0.25 s until 50 are known);
# when no process is left to move it to, the query that has run longest is stopped if it
# has run SHED_MIN seconds and twice that time (a light query slowed by a busy CPU is not).
MOVE_FACTOR, MOVE_MIN, MOVE_FIRST, SHED_MIN = 3.0, 0.1, 0.25, 0.25


class TooManyHeavy(Exception):
    """A query turned heavy when ``max_heavy`` already ran, or was shed."""


class Lane:
    """The states of the queries a pool of ``size`` light workers runs, and their counts.

    Every method takes ``lock`` (the pool's) itself: call them without holding it."""

    def __init__(
        self, lock: threading.Lock, size: int, heavy_after: float, max_heavy: int | None
    ) -> None:
        self._lock = lock
        self.heavy_after = heavy_after
        self.max_heavy = size if max_heavy is None else max(0, max_heavy)
        self.max_moved = size  # queries moved out of the pool while others waited
        self.heavy = 0  # queries that ran past heavy_after, at most max_heavy
        self.moved = 0  # light queries moved out of the pool while others waited
        self._busy: set[Any] = set()  # workers running a query that started as light
        self._recent: collections.deque[float] = collections.deque(maxlen=200)  # seconds

    def start(self, w: Any) -> None:
        """``w`` starts a query, in the light lane."""
        w.since = time.monotonic()
        w.state = "light"
        with self._lock:
            self._busy.add(w)

    def finish(self, w: Any) -> str:
        """``w``'s query is over (answered, failed or stopped): its final state. From here
        on no other thread moves this worker."""
        with self._lock:
            self._busy.discard(w)
            state = w.state
            if state == "heavy":
                self.heavy -= 1
            elif state == "moved":
                self.moved -= 1
        return state

    def record(self, seconds: float) -> None:
        """How long a light query took (for :meth:`move_after`)."""
        with self._lock:
            self._recent.append(seconds)

    def move_after(self) -> float:
        """Seconds a query may hold a light worker that another query waits for."""
        with self._lock:
            recent = sorted(self._recent)
        if len(recent) < 50:
            return min(MOVE_FIRST, self.heavy_after)
        p90 = recent[int(0.9 * (len(recent) - 1))]
        return min(max(MOVE_MIN, MOVE_FACTOR * p90), self.heavy_after)

    def pick(self) -> tuple[Any, bool] | None:
        """A query is waiting: the light query running longest, if for longer than
        :meth:`move_after`, is marked *moved* (at most ``max_moved`` such at once). When
        those are all taken, the query that has run longest, moved or not, is marked *shed*
        if it has run for ``max(SHED_MIN, 2 x move_after)``: long queries are shed, light
        ones flow. (worker, whether a light worker must be forked in its place), or None."""
        limit = self.move_after()
        now = time.monotonic()
        with self._lock:
            lane = [w for w in self._busy if w.state == "light" and now - w.since >= limit]
            if not lane:
                return None
            if self.moved < self.max_moved:
                w = min(lane, key=lambda w: w.since)
                w.state = "moved"
                self.moved += 1
                return w, True
            shed_after = max(SHED_MIN, 2 * limit)
            old = [
                w
                for w in self._busy
                if w.state in ("light", "moved") and now - w.since >= shed_after
            ]
            if not old:
                return None
            w = min(old, key=lambda w: w.since)
            replace = w.state == "light"  # a moved one was replaced when it moved
            if w.state == "moved":
                self.moved -= 1
            w.state = "shed"  # its own thread answers 503 at its next look
            return w, replace

    def promote(self, w: Any) -> tuple[bool, str]:
        """``w``'s query reached ``heavy_after``: make it heavy if a heavy slot is free.
        (whether it was, the state it had)."""
        with self._lock:
            was = w.state
            ok = self.heavy < self.max_heavy
            if ok:
                w.state = "heavy"
                self.heavy += 1
                if was == "moved":
                    self.moved -= 1
        return ok, was
