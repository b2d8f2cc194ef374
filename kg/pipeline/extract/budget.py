"""Bounded work: a time budget per article, and extraction workers that end with their build.

Every step of extraction is linear in the length of an article (docs/SAFETY.md has
the figures), so time is bounded by the size limit. The budget is the second line:
an article that still takes longer than ``KG_ARTICLE_SECONDS`` (default 60 s) is
given up and reported, and the build goes on.

How the budget is enforced depends on the thread that extracts:

- in the main thread of a process (``kg build``, ``--jobs N`` workers) a
  ``SIGALRM`` timer raises :class:`ArticleTimeout` wherever the article is: in
  kg's rules, in a regular expression (the ``re`` engine checks for signals as it
  runs), or in spaCy's tokenizer, which calls back into Python at every affix;
- anywhere else (a Dask worker runs tasks in threads, and only the main thread
  receives signals) the deadline is checked between the parts of a long article,
  between the pipeline's steps and before every sentence's rules, so one step that
  runs long is not interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

from kg.errors import InputError, KgError

ARTICLE_SECONDS = 60.0
"""Default time budget of one article (seconds); ``KG_ARTICLE_SECONDS`` overrides it."""
ARTICLE_SECONDS_ENV = "KG_ARTICLE_SECONDS"


class ArticleTimeout(KgError):
    """The article took longer than its time budget."""


def article_seconds(value: float | None = None) -> float:
    """The time budget of one article: ``value`` if given, else ``$KG_ARTICLE_SECONDS``,
    else 60. 0 means no budget. InputError for a value that is not a number ≥ 0."""
    if value is None:
        raw = os.environ.get(ARTICLE_SECONDS_ENV, "").strip()
        if not raw:
            return ARTICLE_SECONDS
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value >= 0 or value == float("inf"):
            raise InputError(
                f"{ARTICLE_SECONDS_ENV}={raw!r} is not a number of seconds (0: no limit)"
            )
        return value
    if not value >= 0 or value == float("inf"):
        raise InputError(f"the time budget of an article must be seconds ≥ 0, not {value!r}")
    return float(value)


def check(deadline: float | None) -> None:
    """Raise :class:`ArticleTimeout` if ``deadline`` (a ``time.monotonic()`` value) passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise ArticleTimeout("the time budget of the article has passed")


def _can_alarm() -> bool:
    """SIGALRM can be used: a timer exists, this is the main thread, and the handler in
    place was installed from Python (one installed in C could not be put back)."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None
    )


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[float | None]:
    """Limit the time of the block to ``seconds`` (0: no limit); yields the deadline for
    :func:`check` (None without a limit).

    In the main thread a ``SIGALRM`` timer interrupts the block with
    :class:`ArticleTimeout`; the handler and a timer set before are restored after.
    Elsewhere only the calls to :func:`check` with the deadline enforce it.
    """
    if not seconds:
        yield None
        return
    deadline = time.monotonic() + seconds
    if not _can_alarm():
        yield deadline
        return
    armed = [True]

    def on_alarm(signum, frame):
        if armed[0]:
            armed[0] = False
            raise ArticleTimeout(f"interrupted after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    before, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if before:  # a timer someone else had set: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(1e-3, before - (time.monotonic() - started)))


# --- extraction workers that end with their build -------------------------------------

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Make this worker process end when the process ``parent_pid`` (the build) ends.

    A pool's workers otherwise outlive a build killed with ``kill -9``, each still
    extracting. On Linux the kernel sends SIGKILL when the parent dies
    (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread also checks every
    second that the parent is still this process's parent and ends the process if not.
    Used as the initializer of ``kg build --jobs N``'s worker processes.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="kg-parent-watchdog", daemon=True
    ).start()


def _watch_parent(parent_pid: int, every: float = 1.0) -> None:
    while True:
        time.sleep(every)
        if os.getppid() != parent_pid:
            os._exit(1)
