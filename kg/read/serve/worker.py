"""The processes that hold the graph and run the queries (the *graph process* and its workers).

Why a module of its own: this code runs in other processes than the server's, with
their own rules: the graph process loads the graph once and forks a worker each
time the server asks, hands the server, over its pipe, a socket to each one and a
pidfd to stop it with. Forking from a loaded store takes a few milliseconds and
shares the graph's pages, so a worker that timed out, ran out of memory or crashed
is replaced at once, and a heavy query can have a process of its own without a
second copy of the graph. Each worker runs one query at a time, with a memory cap
(``RLIMIT_DATA``), a 512 MB stack and, on Linux, no network. The server's side of
these processes is :mod:`kg.read.serve.pool`.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

from kg.read.serve.config import MB
from kg.read.serve.messages import PLAIN, line, memory_message, one_line, size_text
from kg.read.serve.negotiation import MIME, negotiate

WORKER_STACK = 512 * MB  # the stack of the thread that runs a worker's queries


def _rough_size(result: Any) -> int:
    """A lower bound of the serialised answer's size, to refuse a huge one before writing it."""
    if result.kind == "select":
        return sum(len(str(t)) + 8 for row in result.rows for t in row if t is not None)
    if result.kind == "graph":
        return sum(len(str(t)) for t in result.triples)
    return 0


def _answer(store: Any, req: dict, memory_mb: int) -> tuple[int, str, bytes, dict[str, str], bool]:
    """(status, content type, body, headers, whether the worker may go on)."""
    from kg.errors import QueryError
    from kg.read.results import serialize

    text = PLAIN
    limit = req.get("max_bytes")
    too_large = (
        507,
        text,
        line(
            f"answer too large: over {size_text(limit or 0)} (kg serve --max-bytes); "
            "ask for fewer rows (LIMIT) or fewer or shorter values"
        ),
        {},
        True,
    )
    try:
        result = store.query(
            req["query"],
            max_rows=req["max_rows"],
            default_graph=req.get("default_graph") or None,
            named_graphs=req.get("named_graphs") or None,
            use_prefixes=True,
        )
        fmt = negotiate(result.kind, req.get("accept", ""), req.get("formats"))
        if limit and _rough_size(result) > limit:
            return too_large
        body = serialize(result, fmt)
    except QueryError as exc:
        return 400, text, line(str(exc)), {}, True
    except MemoryError:
        return 503, text, line(memory_message(memory_mb)), {}, False
    except Exception as exc:  # never a stack trace in a response
        return 500, text, line(f"query failed: {type(exc).__name__}"), {}, True
    if limit and len(body) > limit:
        return too_large
    headers = {}
    if result.truncated:
        headers["X-KG-Truncated"] = f"true; the answer was cut at {req['max_rows']} rows"
    return 200, MIME[fmt], body, headers, True


def isolate_network() -> bool:
    """Put this process (and every process it forks) in a new, empty network namespace.

    Linux only, best effort: ``unshare(CLONE_NEWNET)`` works as root; other users
    try ``CLONE_NEWUSER | CLONE_NEWNET`` (needs unprivileged user namespaces).
    The process must not have started threads. True when it worked: then no
    socket of this process can reach any address, not even 127.0.0.1.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clone_newnet, clone_newuser = 0x40000000, 0x10000000
        return libc.unshare(clone_newnet) == 0 or libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def _memory() -> tuple[int, int]:
    """(resident, data segment) bytes of this process."""
    rss = data = 0
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmData:"):
                    data = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return rss, data


def graph_process(
    conn: Any, path: str, memory_mb: int | None, heavy_after: float
) -> None:  # pragma: no cover - a child process
    """Load the graph once, then fork a worker each time the server asks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # until a worker listens for it
    isolated = isolate_network()  # before anything could start a thread
    try:
        from kg.read.results import serialize  # noqa: F401 - imported once, here, for every worker
        from kg.read.store import OxigraphStore, prefixes

        store = OxigraphStore.from_path(path)
        prefixes()
    except Exception as exc:
        conn.send(("error", one_line(exc)))
        return
    rss, data = _memory()
    cap = memory_mb or max(1024, math.ceil(3 * rss / MB))
    needs = math.ceil((data + 64 * MB) / MB)
    if cap < needs:
        conn.send(
            (
                "error",
                f"--worker-memory {cap} MB is less than a worker holding this graph needs ({needs} MB)",
            )
        )
        return
    conn.send(
        (
            "ready",
            {"quads": len(store), "isolated": isolated, "memory_mb": cap, "rss_mb": rss // MB},
        )
    )
    while True:
        if conn.poll(0.5):
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            _fork_worker(conn, store, cap, heavy_after, message[1])
        _reap()


def _reap() -> None:  # pragma: no cover - in the graph process
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _fork_worker(
    conn: Any, store: Any, cap: int, heavy_after: float, err_path: str
) -> None:  # pragma: no cover - in the graph process
    mine, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            conn.close()
            theirs.close()
            _worker(Connection(mine.detach()), store, cap, heavy_after, err_path)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    mine.close()
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = -1
    server = os.getppid()
    conn.send(("forked", pid, pidfd >= 0))
    reduction.send_handle(conn, theirs.fileno(), server)
    theirs.close()
    if pidfd >= 0:
        reduction.send_handle(conn, pidfd, server)
        os.close(pidfd)


def _worker(
    conn: Any, store: Any, cap: int, heavy_after: float, err_path: str
) -> None:  # pragma: no cover - a worker process
    """Cap the memory, then answer queries on a thread with a large stack."""
    import resource

    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    try:  # what Rust prints when it aborts ("memory allocation of N bytes failed") lands here
        fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
    except OSError:
        pass
    try:
        limit = cap * MB + WORKER_STACK
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):
        pass
    state: dict[str, Any] = {"since": None, "tid": None}

    def yield_cpu(signum: int = 0, frame: Any = None) -> None:
        """The query left the light lane: let light queries have the CPU first."""
        try:
            os.setpriority(os.PRIO_PROCESS, state["tid"], 10)
        except (OSError, TypeError):
            pass

    signal.signal(signal.SIGUSR1, yield_cpu)  # sent by the server when it moves the query
    threading.stack_size(WORKER_STACK)
    thread = threading.Thread(target=_worker_loop, args=(conn, store, cap, state), daemon=True)
    thread.start()
    niced = False
    while thread.is_alive():
        thread.join(0.25)
        since = state["since"]
        if not niced and since is not None and time.monotonic() - since > heavy_after:
            yield_cpu()  # a heavy query yields the CPU to light ones
            niced = True


def _worker_loop(
    conn: Any, store: Any, cap: int, state: dict[str, Any]
) -> None:  # pragma: no cover - a worker process
    state["tid"] = threading.get_native_id()
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        try:
            os.ftruncate(2, 0)
        except OSError:
            pass
        state["since"] = time.monotonic()
        reply = _answer(store, req, cap)
        state["since"] = None
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
        if not reply[4]:
            return
