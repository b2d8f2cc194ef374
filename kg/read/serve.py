"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a built graph.

The standard library's ``ThreadingHTTPServer`` takes the requests; queries run
in worker *processes*. One process loads the graph and forks the workers, so a
worker starts in milliseconds and shares the graph's memory; each worker runs
one query at a time, with a memory cap (``RLIMIT_DATA``), a 512 MB stack and,
on Linux, no network (a new network namespace, so even a SERVICE call that got
past the checks could reach nothing). A query that passes its deadline, runs
out of memory or crashes gets a one-line error and its worker is replaced.

A query that runs longer than ``heavy_after`` seconds is *heavy*: its worker
leaves the pool (a fresh one takes its place, so light queries always have
``workers`` processes) and runs at a lower CPU priority; at most ``max_heavy``
heavy queries run at once, beyond that a query that turns heavy is stopped
with 503 and Retry-After. Earlier, while other queries wait for a worker, a
query that runs far longer than recent ones leaves the pool the same way (at
most ``workers`` such), or the longest running is stopped when none is left. Queries waiting
for a worker are served in order of arrival.

Nothing here can change the data or call another endpoint: updates, LOAD and
SERVICE are refused before any query runs (:func:`kg.read.sparql.check_query`),
as are queries over 256 KB or nested deeper than 200. Requests must name this
server in their Host header (DNS rebinding), cross-origin callers must be
allowed (``allow_origins``), connections are capped and must send their
request in time (slowloris).

The prefixes of kg's dumps (kgo:, kgr:, ent:, skos: ...) may be used without PREFIX lines.

Endpoints: ``/sparql`` (and ``/query``): GET ``?query=``, POST form-encoded
``query=`` or POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` are honoured. ``/``: a small query page (no CDN, works
offline). ``/queries``: the named competency questions as JSON.
"""

from __future__ import annotations

import collections
import io
import json
import math
import multiprocessing as mp
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import InputError, KgError
from kg.read.formats import ANSWER_FORMATS, DEFAULT, aliases

ENDPOINT_PATHS = ("/sparql", "/query")

# format names that a ``format=`` / ``output=`` parameter or an Accept media type maps
# to, and the Content-Type of each format: read from kg's one table (kg.read.formats)
SELECT_ALIASES = aliases("select")
GRAPH_ALIASES = aliases("graph")
MIME = {f.name: f.media_type for f in ANSWER_FORMATS}

MB = 1024 * 1024
WORKER_STACK = 512 * MB  # the stack of the thread that runs a worker's queries
# While other queries wait, a query may hold a light worker for 3 times what 9 in 10
# recent queries took (at least 0.1 s, at most heavy_after; 0.25 s until 50 are known);
# when no process is left to move it to, the query that has run longest is stopped if it
# has run SHED_MIN seconds and twice that time (a light query slowed by a busy CPU is not).
MOVE_FACTOR, MOVE_MIN, MOVE_FIRST, SHED_MIN = 3.0, 0.1, 0.25, 0.25
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServeConfig:
    graph: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0  # seconds per query
    max_rows: int = 10000
    max_body: int = 1_000_000  # bytes of a POST body
    workers: int = 2
    quiet: bool = False
    # who may call: Host names besides this server's own, and cross-origin callers
    allow_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()  # CORS: no other origin by default; "*" for any
    # what one query may take
    worker_memory: int | None = None  # MB per worker; None: max(1024, 3 x the graph's RSS)
    max_bytes: int = 64 * MB  # bytes of an answer
    max_query_bytes: int = 256 * 1024
    max_depth: int = 200  # nesting of { ( [ << in a query
    heavy_after: float = 2.0  # seconds: a query running longer is heavy
    max_heavy: int | None = None  # heavy queries at once; None: as many as workers
    # connections
    max_connections: int = 256
    header_timeout: float = 10.0  # seconds to send the request line and headers
    body_timeout: float = 30.0  # seconds to send the body once the headers are in
    write_timeout: float = 60.0  # seconds to take an answer
    # which outputs: one generation of a build folder until a reload (SIGHUP), or
    # checked every `watch` seconds and switched to when a build made a new one
    watch: float | None = None


# ---------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------


def _accept_list(accept: str) -> list[str]:
    """Media types of an Accept header, best first (stable for equal q)."""
    items = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)]


def negotiate(kind: str, accept: str = "", formats: list[str] | None = None) -> str:
    """The result format for a query kind ("select", "ask", "graph")."""
    names = GRAPH_ALIASES if kind == "graph" else SELECT_ALIASES
    default = DEFAULT.get(kind, DEFAULT["select"])
    for f in formats or []:
        key = f.strip().lower()
        if key in names:
            return names[key]
    for media in _accept_list(accept or ""):
        if media in names:
            return names[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


# ---------------------------------------------------------------------------
# The worker processes
# ---------------------------------------------------------------------------
#
# The server spawns one process that loads the graph (the "graph process"); it
# forks the workers on request and hands the server, over its pipe, a socket to
# each one and a pidfd to stop it with. Forking from a loaded store takes a few
# milliseconds and shares the graph's pages, so a worker that timed out, ran out
# of memory or crashed is replaced at once, and a heavy query can have a
# process of its own without a second copy of the graph.


def _line(message: str) -> bytes:
    return (" ".join(message.split()) + "\n").encode("utf-8")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _bytes(n: int) -> str:
    return f"{n // MB} MB" if n % MB == 0 else f"{n:,} bytes"


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
    from kg.read.sparql import serialize

    text = "text/plain; charset=utf-8"
    limit = req.get("max_bytes")
    too_large = (
        507,
        text,
        _line(
            f"answer too large: over {_bytes(limit or 0)} (kg serve --max-bytes); "
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
        return 400, text, _line(str(exc)), {}, True
    except MemoryError:
        return 503, text, _line(_memory_message(memory_mb)), {}, False
    except Exception as exc:  # never a stack trace in a response
        return 500, text, _line(f"query failed: {type(exc).__name__}"), {}, True
    if limit and len(body) > limit:
        return too_large
    headers = {}
    if result.truncated:
        headers["X-KG-Truncated"] = f"true; the answer was cut at {req['max_rows']} rows"
    return 200, MIME[fmt], body, headers, True


def _memory_message(memory_mb: int) -> str:
    return (
        f"query needed more than {memory_mb} MB of memory (the limit of a query worker, "
        "kg serve --worker-memory); its worker was replaced"
    )


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


def _graph_process(
    conn: Any, path: str, memory_mb: int | None, heavy_after: float
) -> None:  # pragma: no cover - a child process
    """Load the graph once, then fork a worker each time the server asks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # until a worker listens for it
    isolated = isolate_network()  # before anything could start a thread
    try:
        from kg.read.sparql import serialize  # noqa: F401 - imported once, here, for every worker
        from kg.read.store import OxigraphStore, prefixes

        store = OxigraphStore.from_path(path)
        prefixes()
    except Exception as exc:
        conn.send(("error", _one_line(exc)))
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


class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


class TooManyHeavy(Exception):
    pass


class _Worker:
    """The server's end of a worker: its pipe, and a pidfd to stop it with."""

    def __init__(self, conn: Connection, pid: int, pidfd: int | None, err_path: str) -> None:
        self.conn = conn
        self.pid = pid
        self.pidfd = pidfd
        self.err_path = err_path
        self.since = 0.0  # when the query it runs started (monotonic)
        # light; moved (left the pool while others waited); heavy (ran past heavy_after);
        # shed (to be stopped: it held a worker others waited for, and no process was free)
        self.state = "light"

    def why_stopped(self) -> str:
        """Why the worker closed its pipe mid-query: "memory", "stack" or "crash"."""
        try:
            with open(self.err_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 16384))
                said = f.read().decode("utf-8", "replace")
        except OSError:
            said = ""
        if "memory allocation of" in said or "MemoryError" in said:
            return "memory"
        if "overflowed its stack" in said:
            return "stack"
        return "crash"

    def signal(self, signum: int) -> None:
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signum)
            elif self.pid:
                os.kill(self.pid, signum)
        except OSError:  # gone
            pass

    def stop(self) -> None:
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:  # already gone
                pass
            try:
                os.close(self.pidfd)
            except OSError:
                pass
            self.pidfd = None
        elif self.pid:  # no pidfd (not Linux): the graph process reaps only every 0.5 s
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        self.pid = 0
        try:
            self.conn.close()
        except OSError:
            pass
        try:
            os.unlink(self.err_path)
        except OSError:
            pass


class _Waiter:
    """A query waiting for a light worker."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: _Worker | None = None
        self.gone = False


class _GraphProcess:
    """The process that holds the loaded graph and forks the workers."""

    def __init__(
        self,
        ctx: Any,
        path: str,
        memory_mb: int | None,
        heavy_after: float,
        errdir: str,
        timeout: float,
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_graph_process,
            args=(child, path, memory_mb, heavy_after),
            daemon=True,
            name="kg-serve-graph",
        )
        self.proc.start()
        child.close()
        self.errdir = errdir
        self.lock = threading.Lock()
        self.count = 0
        if not self.conn.poll(timeout):
            self.stop()
            raise InputError("the query workers did not load the graph in time")
        try:
            status, info = self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise InputError("the query worker stopped while loading the graph") from None
        if status != "ready":
            self.stop()
            raise InputError(f"cannot serve the graph: {info}")
        self.info: dict[str, Any] = info

    def fork(self) -> _Worker:
        """A new worker (raises OSError or EOFError when the graph process is gone)."""
        with self.lock:
            self.count += 1
            err_path = os.path.join(self.errdir, f"worker-{self.count}.err")
            self.conn.send(("fork", err_path))
            if not self.conn.poll(60):
                raise OSError("the graph process did not answer")
            _, pid, has_pidfd = self.conn.recv()
            fd = reduction.recv_handle(self.conn)
            pidfd = reduction.recv_handle(self.conn) if has_pidfd else None
        return _Worker(Connection(fd), pid, pidfd, err_path)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` workers for light queries, and up to ``max_heavy`` more for heavy ones."""

    def __init__(
        self,
        path: Path,
        size: int = 2,
        start_timeout: float = 300.0,
        *,
        memory_mb: int | None = None,
        heavy_after: float = 2.0,
        max_heavy: int | None = None,
    ) -> None:
        self._ctx = mp.get_context("spawn")
        self._path = str(path)
        self.size = max(1, size)
        self.heavy_after = heavy_after
        self.max_heavy = self.size if max_heavy is None else max(0, max_heavy)
        self.max_moved = self.size  # queries moved out of the pool while others waited
        self.start_timeout = start_timeout
        self._memory_request = memory_mb
        self._errdir = tempfile.mkdtemp(prefix="kg-serve-")
        self._idle: list[_Worker] = []  # guarded by _lock
        self._waiting: collections.deque[_Waiter] = collections.deque()  # first come, first served
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._heavy = 0  # queries that ran past heavy_after, at most max_heavy
        self._moved = 0  # light queries moved out of the pool while others waited
        self._busy: set[_Worker] = set()  # workers running a query that started as light
        self._recent: collections.deque[float] = collections.deque(maxlen=200)  # seconds
        self._missing = 0  # light workers to fork once the graph process is back
        self._recovering = False
        self._closed = False
        try:
            self._graph = self._start_graph()
            info = self._graph.info
            self.quads: int = info["quads"]
            self.isolated: bool = info["isolated"]
            self.memory_mb: int = info["memory_mb"]
            for _ in range(self.size):
                self._give(self._fork())
        except (OSError, EOFError) as exc:
            self.close()
            raise InputError(f"cannot start the query workers: {_one_line(exc)}") from None
        except BaseException:
            self.close()
            raise

    def _start_graph(self) -> _GraphProcess:
        return _GraphProcess(
            self._ctx,
            self._path,
            self._memory_request,
            self.heavy_after,
            self._errdir,
            self.start_timeout,
        )

    def _fork(self) -> _Worker:
        w = self._graph.fork()
        with self._lock:
            self._workers.add(w)
        return w

    def _drop(self, w: _Worker, replace: bool) -> None:
        with self._lock:
            self._workers.discard(w)
        w.stop()
        if replace:
            self._replace()

    def _replace(self) -> None:
        """Fork a light worker for one that left the pool (heavy, stopped or dead)."""
        if self._closed:
            return
        try:
            self._give(self._fork())
            return
        except (OSError, EOFError, ValueError):
            pass
        with self._lock:
            self._missing += 1
            if self._recovering:
                return
            self._recovering = True
        threading.Thread(target=self._recover, daemon=True).start()

    def _recover(self) -> None:
        """The graph process is gone: load the graph again, then fork the missing workers."""
        for attempt in range(5):
            if self._closed:
                break
            try:
                old, self._graph = self._graph, self._start_graph()
                old.stop()
                while not self._closed:
                    with self._lock:
                        if not self._missing:
                            break
                        self._missing -= 1
                    self._give(self._fork())
                break
            except (KgError, OSError, EOFError, ValueError):
                time.sleep(2 * (attempt + 1))
        with self._lock:
            self._recovering = False

    @property
    def heavy(self) -> int:
        return self._heavy

    def _give(self, w: _Worker) -> None:
        """An idle light worker: to the query that has waited longest, else to the idle list."""
        with self._lock:
            while self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.gone:
                    waiter.worker = w
                    waiter.event.set()
                    return
            self._idle.append(w)

    def _acquire(self, deadline: float) -> _Worker:
        """An idle light worker, in order of arrival; while waiting, move a long-running
        query out of the way."""
        with self._lock:
            if self._idle and not self._waiting:
                return self._idle.pop()
            waiter = _Waiter()
            self._waiting.append(waiter)
        while True:
            if waiter.event.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
                assert waiter.worker is not None
                return waiter.worker
            if time.monotonic() >= deadline:
                with self._lock:
                    if waiter.worker is None:
                        waiter.gone = True
                        raise Busy
                return waiter.worker
            self._move_one()

    def move_after(self) -> float:
        """Seconds a query may hold a light worker that another query waits for."""
        with self._lock:
            recent = sorted(self._recent)
        if len(recent) < 50:
            return min(MOVE_FIRST, self.heavy_after)
        p90 = recent[int(0.9 * (len(recent) - 1))]
        return min(max(MOVE_MIN, MOVE_FACTOR * p90), self.heavy_after)

    def _move_one(self) -> None:
        """A query is waiting: the light query running longest, if for longer than
        :meth:`move_after`, leaves the pool and a fresh worker is forked in its place. It goes
        on in its own process at a low priority, at most ``max_moved`` such at once. When
        those are all taken, the query that has run longest, moved or not, is stopped (503,
        Retry-After) if it has run for ``max(SHED_MIN, 2 x move_after)``: long queries are
        shed, light ones flow."""
        limit = self.move_after()
        now = time.monotonic()
        with self._lock:
            lane = [w for w in self._busy if w.state == "light" and now - w.since >= limit]
            if not lane:
                return
            if self._moved < self.max_moved:
                w = min(lane, key=lambda w: w.since)
                w.state = "moved"
                self._moved += 1
                replace = True
            else:
                shed_after = max(SHED_MIN, 2 * limit)
                old = [
                    w
                    for w in self._busy
                    if w.state in ("light", "moved") and now - w.since >= shed_after
                ]
                if not old:
                    return
                w = min(old, key=lambda w: w.since)
                replace = w.state == "light"  # a moved one was replaced when it moved
                if w.state == "moved":
                    self._moved -= 1
                w.state = "shed"  # its own thread answers 503 at its next look
        if w.state == "moved":
            w.signal(signal.SIGUSR1)  # it runs on at a low priority
        if replace:
            self._replace()

    def _wait(self, w: _Worker, timeout: float) -> Any:
        """The worker's reply; a query that reaches heavy_after must get a heavy slot."""
        while True:
            elapsed = time.monotonic() - w.since
            if elapsed >= timeout:
                raise QueryTimeout
            if w.state == "shed":
                raise TooManyHeavy
            if w.state != "heavy" and elapsed >= self.heavy_after:
                with self._lock:
                    was = w.state
                    ok = self._heavy < self.max_heavy
                    if ok:
                        w.state = "heavy"
                        self._heavy += 1
                        if was == "moved":
                            self._moved -= 1
                if not ok:
                    raise TooManyHeavy
                if was == "light":
                    self._replace()  # light queries keep their workers
            left = timeout - elapsed
            step = left if w.state == "heavy" else min(left, self.heavy_after - elapsed, 0.05)
            if w.conn.poll(max(0.0, step)):
                return w.conn.recv()

    def run(self, request: dict, timeout: float) -> tuple[int, str, bytes, dict[str, str]]:
        deadline = time.monotonic() + timeout
        for _ in range(3):  # a worker that died while idle is replaced, and the query sent again
            w = self._acquire(deadline)
            try:
                w.conn.send(request)
                break
            except (OSError, ValueError):
                self._drop(w, replace=True)
        else:
            raise Busy
        w.since = time.monotonic()
        w.state = "light"
        with self._lock:
            self._busy.add(w)
        died = None
        failed = True
        try:
            reply = self._wait(w, timeout)
            failed = False
        except (EOFError, OSError):
            died = w.why_stopped()
        finally:
            with self._lock:  # from here on no other thread moves this worker
                self._busy.discard(w)
                state = w.state
                if state == "heavy":
                    self._heavy -= 1
                elif state == "moved":
                    self._moved -= 1
            # a worker that left the pool was replaced when it left; stopped or not kept,
            # a light one is replaced now; a heavy one may hold much memory: never reused
            if failed:  # timed out, stopped for being heavy, or dead
                self._drop(w, replace=state == "light")
        if died == "memory":
            return 503, "text/plain; charset=utf-8", _line(_memory_message(self.memory_mb)), {}
        if died is not None:
            return (
                500,
                "text/plain; charset=utf-8",
                _line("the query crashed its worker process (replaced); simplify the query"),
                {},
            )
        status, ctype, body, headers, keep = reply
        if state == "light":
            with self._lock:
                self._recent.append(time.monotonic() - w.since)
        if state == "light" and keep:
            self._give(w)
        else:
            self._drop(w, replace=state == "light")
        return status, ctype, body, headers

    def processes(self) -> int:
        """Worker processes alive now (not counting the graph process)."""
        with self._lock:
            return len(self._workers)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            w.stop()
        graph = getattr(self, "_graph", None)
        if graph is not None:
            graph.stop()
        shutil.rmtree(self._errdir, ignore_errors=True)


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``name[:port]`` or ``[v6][:port]`` as (lower-case name, port); None when malformed."""
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else None
    else:
        name, sep, port = value.rpartition(":")
        if not sep:
            name, port = value, None
        elif ":" in name:  # an IPv6 address without brackets
            return None
    if port is not None and not (port.isascii() and port.isdigit() and len(port) <= 5):
        return None
    name = name.rstrip(".").lower()
    if not name or any(c.isspace() or c in "/\\@" for c in name):
        return None
    return name, (int(port) if port is not None else None)


def _own_names(host: str) -> set[str]:
    """The names by which clients may call a server bound to ``host``."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return {*LOOPBACK_NAMES, host}
    if host in ("", "0.0.0.0", "::"):
        names = {*LOOPBACK_NAMES}
        try:
            hostname = socket.gethostname()
            names |= {hostname.lower(), socket.getfqdn().lower()}
            names |= {a.lower() for a in socket.gethostbyname_ex(hostname)[2]}
        except OSError:
            pass
        return names
    return {host}


def _normal_origin(origin: str) -> str:
    return origin.strip().lower().rstrip("/")


def _raise_descriptor_limit(wanted: int) -> None:
    """Let the process hold ``wanted`` descriptors if the hard limit allows it."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):
        pass


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 reset connections under 50 concurrent clients

    def __init__(
        self, config: ServeConfig, pool: WorkerPool, examples: list[dict[str, str]]
    ) -> None:
        self.config = config
        self.pool = pool
        self.examples = examples
        self.page = render_page(examples)
        self._conn_lock = threading.Lock()
        self._active = 0
        self._receiving: dict[SparqlHandler, float] = {}  # handlers still reading a request
        self.hard_cap = config.max_connections + max(8, config.max_connections // 8)
        _raise_descriptor_limit(2 * self.hard_cap + 64)
        super().__init__((config.host, config.port), SparqlHandler)
        self.port = self.server_address[1]
        self.own_names = _own_names(config.host)
        self.allowed_hosts = [h for h in (_split_host(a) for a in config.allow_hosts) if h]
        self.allowed_origins = {_normal_origin(o) for o in config.allow_origins}

    def examples_json(self) -> bytes:
        return json.dumps(self.examples, ensure_ascii=False).encode("utf-8")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    # -- who may call ----------------------------------------------------------

    def host_allowed(self, value: str) -> bool:
        parsed = _split_host(value)
        if parsed is None:
            return False
        name, port = parsed
        for allowed, allowed_port in self.allowed_hosts:
            if name == allowed and (allowed_port is None or allowed_port == port):
                return True
        return name in self.own_names and (port == self.port or (port is None and self.port == 80))

    def origin_allowed(self, origin: str, host: str | None) -> tuple[bool, str | None]:
        """(allowed, the Access-Control-Allow-Origin to send): the page's own origin needs none."""
        o = _normal_origin(origin)
        if host is not None and o == "http://" + host.strip().lower():
            return True, None
        if "*" in self.allowed_origins:
            return True, "*"
        if o in self.allowed_origins:
            return True, origin.strip()
        return False, None

    # -- connections -----------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        victim = None
        with self._conn_lock:
            admit = self._active < self.config.max_connections
            if not admit and self._active < self.hard_cap:
                victim = self._oldest_receiving()
                admit = victim is not None
            if admit:
                self._active += 1
        if victim is not None:
            victim.drop()
        if not admit:
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._conn_lock:
                self._active -= 1
            self.shutdown_request(request)
            raise

    def _oldest_receiving(self, min_age: float = 1.0) -> SparqlHandler | None:
        """The connection that has been sending its request the longest (a slow client),
        if it has been at it for ``min_age`` seconds."""
        now = time.monotonic()
        oldest = min(self._receiving.items(), key=lambda kv: kv[1], default=None)
        if oldest is None or now - oldest[1] < min_age:
            return None
        del self._receiving[oldest[0]]
        return oldest[0]

    def receiving(self, handler: SparqlHandler, started: float | None) -> None:
        with self._conn_lock:
            if started is None:
                self._receiving.pop(handler, None)
            elif not handler.dropped:
                self._receiving[handler] = started

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._conn_lock:
                self._active -= 1

    def active_connections(self) -> int:
        with self._conn_lock:
            return self._active

    def _refuse(self, request: socket.socket) -> None:
        """503 at once, from the listening thread, without waiting for the client."""
        body = _line(
            f"too many connections ({self.config.max_connections}, kg serve --max-connections); try again"
        )
        head = (
            "HTTP/1.0 503 Service Unavailable\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        )
        try:
            request.setblocking(False)
            try:
                request.recv(65536)  # what already arrived, so closing does not reset the answer
            except OSError:
                pass
            request.send(head.encode("ascii") + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback (a thread that could not start, a socket error)."""
        if not self.config.quiet:
            exc = sys.exc_info()[1]
            sys.stderr.write(
                f"kg serve: {client_address[0]}: {_one_line(exc) if exc else 'error'}\n"
            )


class _DeadlineReader(io.RawIOBase):
    """The client's socket as a stream whose reads fail once the handler's deadline has
    passed: a client that sends a byte every few seconds (slowloris) meets it too."""

    def __init__(self, sock: socket.socket, handler: SparqlHandler) -> None:
        self._sock = sock
        self._handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(min(left, 30.0))
        return self._sock.recv_into(buffer)


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql/0.1"
    timeout = 60  # seconds a single read or write may stall (the deadlines below are shorter)

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.cors: dict[str, str] = {}
        self.dropped = False
        started = time.monotonic()
        self.deadline = started + self.server.config.header_timeout
        self.server.receiving(self, started)
        plain, self.rfile = self.rfile, io.BufferedReader(_DeadlineReader(self.connection, self))
        plain.close()

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.deadline = time.monotonic() + self.server.config.body_timeout  # the headers are in
        return ok

    def finish(self) -> None:
        self.server.receiving(self, None)
        try:
            super().finish()
        except OSError:
            pass

    def drop(self) -> None:
        """Close a client that is too slow to send its request, to make room for another."""
        self.dropped = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def received(self) -> None:
        """The whole request is in: this connection no longer counts as slow."""
        self.server.receiving(self, None)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if not self.server.config.quiet:
            sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.connection.settimeout(self.server.config.write_timeout)  # a total, for sendall
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Origin")
        for k, v in {**getattr(self, "cors", {}), **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", _line(message), headers)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own errors (bad request line, URI too long ...) as one plain line."""
        try:
            self.close_connection = True
            self._error(code, message or HTTPStatus(code).phrase)
        except OSError:
            pass

    # -- who may call ----------------------------------------------------------

    def _admit(self) -> bool:
        """The Host must name this server (DNS rebinding), and a cross-origin caller must be
        allowed (a page elsewhere posting a form), before anything else is done."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            self._error(403, "several Host headers: refused")
            return False
        if not hosts:
            if self.request_version != "HTTP/1.0":
                self._error(403, "a request without a Host header: refused")
                return False
        elif not self.server.host_allowed(hosts[0]):
            shown = hosts[0][:100]
            self._error(
                403,
                f"Host {shown!r} refused: this server answers to {self.server.url} "
                "(kg serve --allow-host NAME adds a name)",
            )
            return False
        origin = self.headers.get("Origin")
        if origin is not None:
            ok, allow = self.server.origin_allowed(origin, hosts[0] if hosts else None)
            if not ok:
                self._error(
                    403,
                    f"cross-origin request from {origin[:100]!r} refused "
                    "(kg serve --allow-origin ORIGIN allows it)",
                )
                return False
            if allow is not None:
                self.cors = {
                    "Access-Control-Allow-Origin": allow,
                    "Access-Control-Expose-Headers": "X-KG-Truncated, Retry-After",
                }
        return True

    # -- methods -------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._guarded(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guarded(self._post)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._guarded(self._options)

    def _refuse_method(self) -> None:
        self._guarded(
            lambda: self._error(
                405,
                f"{self.command} not allowed: this endpoint is read-only",
                {"Allow": "GET, HEAD, POST, OPTIONS"},
            )
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_method  # noqa: N815

    def _guarded(self, handler: Callable[[], None]) -> None:
        try:
            if self._admit():
                handler()
        except TimeoutError:  # the body did not arrive in time
            self.close_connection = True
            try:
                self._error(408, "the request did not arrive in time")
            except OSError:
                pass
        except Exception:  # never a stack trace in a response
            try:
                self._error(500, "internal error")
            except OSError:
                pass

    def _route(self) -> str | None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        if path not in ("/", "/queries", *ENDPOINT_PATHS):
            self._error(404, f"no such page: {parts.path} (the endpoint is /sparql)")
            return None
        return path

    def _options(self) -> None:
        self.received()
        if self._route() is None:
            return
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.cors:  # a preflight from an allowed origin
            headers.update(
                {
                    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept",
                    "Access-Control-Max-Age": "600",
                }
            )
        self._send(204, "", b"", headers)

    def _get(self) -> None:
        self.received()
        path = self._route()
        if path is None:
            return
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if path == "/queries":
            self._send(200, "application/json", self.server.examples_json())
            return
        if "update" in params:
            self._error(403, "updates are refused: this endpoint is read-only")
            return
        if "query" not in params:
            if path == "/" or "text/html" in self.headers.get("Accept", ""):
                self._send(200, "text/html; charset=utf-8", self.server.page)
            else:
                self._error(400, "missing query parameter: send ?query=... (SPARQL 1.1 Protocol)")
            return
        self._run(params)

    def _post(self) -> None:
        path = self._route()
        if path is None or path == "/queries":
            if path == "/queries":
                self._error(405, "POST not allowed here", {"Allow": "GET, HEAD"})
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._error(411, "a POST needs a Content-Length")
            return
        try:
            length = int(length_header)
        except ValueError:
            self._error(400, "bad Content-Length")
            return
        if length < 0:
            self._error(400, "bad Content-Length")
            return
        if length > self.server.config.max_body:
            self.close_connection = True
            # Read (and drop) a body up to 16 MB so the client sees the 413 instead of a
            # broken pipe; a larger one is cut off at once.
            if length <= 16 * 1024 * 1024:
                remaining = length
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            self._error(
                413, f"request too large: {length} bytes (limit {self.server.config.max_body})"
            )
            return
        body = self.rfile.read(length)
        self.received()
        if len(body) < length:
            self.close_connection = True
            self._error(400, "the body ended before its Content-Length")
            return
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._error(403, "updates are refused: this endpoint is read-only")
            return
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                self._error(400, "the form is not UTF-8")
                return
            if "update" in form:
                self._error(403, "updates are refused: this endpoint is read-only")
                return
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                self._error(400, "the query is not UTF-8")
                return
        else:
            self._error(
                415,
                "send the query as application/x-www-form-urlencoded (query=...) or application/sparql-query",
            )
            return
        if "query" not in params:
            self._error(400, "missing query parameter")
            return
        self._run(params)

    # -- running a query -----------------------------------------------------

    def _run(self, params: dict[str, list[str]]) -> None:
        from kg.errors import QueryError
        from kg.read.sparql import UnsafeQuery, check_query

        queries = params.get("query", [])
        if len(queries) != 1:
            self._error(400, "exactly one query parameter, please")
            return
        text = queries[0]
        if not text.strip():
            self._error(400, "empty query")
            return
        cfg = self.server.config
        try:
            check_query(text, max_bytes=cfg.max_query_bytes, max_depth=cfg.max_depth)
        except UnsafeQuery as exc:
            self._error(403, str(exc))
            return
        except QueryError as exc:
            self._error(400, str(exc))
            return
        request = {
            "query": text,
            "accept": self.headers.get("Accept", ""),
            "formats": params.get("format", []) + params.get("output", []),
            "max_rows": cfg.max_rows,
            "max_bytes": cfg.max_bytes,
            "default_graph": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        try:
            status, ctype, body, headers = self.server.pool.run(request, cfg.timeout)
        except QueryTimeout:
            self._error(503, f"query timed out after {cfg.timeout:g} s")
            return
        except TooManyHeavy:
            pool = self.server.pool
            self._error(
                503,
                f"too many long queries at once (at most {pool.max_heavy} may run longer than "
                f"{pool.heavy_after:g} s, and light queries come first); try again later",
                {"Retry-After": str(max(1, math.ceil(cfg.timeout)))},
            )
            return
        except Busy:
            self._error(503, "all query workers are busy; try again", {"Retry-After": "1"})
            return
        self._send(status, ctype, body, headers)


# ---------------------------------------------------------------------------
# The query page
# ---------------------------------------------------------------------------


def page_template() -> str:
    """The query page (kg/read/page.html, package data): HTML, CSS and JS in one real file,
    with __DEFAULT__, __EXAMPLES__ and __PREFIXES__ filled in by :func:`render_page`."""
    return (Path(__file__).parent / "page.html").read_text(encoding="utf-8")


DEFAULT_QUERY = """PREFIX kgo: <https://w3id.org/kg-iraq/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?event ?type ?date WHERE {
  ?event a ?type ; kgo:status ?status .
  OPTIONAL { ?event kgo:date ?date }
} ORDER BY ?date LIMIT 100
"""


def _examples() -> list[dict[str, str]]:
    from kg.read.sparql import named_queries

    try:
        return [{"name": q.name, "question": q.question, "text": q.text} for q in named_queries()]
    except (KgError, OSError):
        return []


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_page(examples: list[dict[str, str]]) -> bytes:
    from html import escape as html_escape

    from kg.read.store import prefixes

    page = (
        page_template()
        .replace("__DEFAULT__", html_escape(DEFAULT_QUERY))
        .replace("__EXAMPLES__", _script_json(examples))
        .replace("__PREFIXES__", _script_json(prefixes()))
    )
    return page.encode("utf-8")


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _pool(config: ServeConfig, path: Path) -> WorkerPool:
    return WorkerPool(
        path,
        config.workers,
        memory_mb=config.worker_memory,
        heavy_after=config.heavy_after,
        max_heavy=config.max_heavy,
    )


def make_server(config: ServeConfig) -> SparqlServer:
    """A bound server with its worker pool (call ``serve_forever``, then ``close``).

    The graph is resolved once (:func:`kg.read.store.graph_file`): for a build folder, the
    current generation, which the server leases so that later builds keep it on disk;
    every worker, including those that replace a dead one, serves that generation until
    :class:`Reloader` switches them all together."""
    from kg.pipeline.outputs import hold
    from kg.read.store import graph_file

    path = graph_file(config.graph)
    examples = _examples()
    lease = hold(path)
    try:
        pool = _pool(config, path)
    except BaseException:
        lease.release()
        raise
    try:
        server = SparqlServer(config, pool, examples)
    except OSError as exc:
        pool.close()
        lease.release()
        raise InputError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}"
        ) from None
    server.graph_path = path
    server.lease = lease
    server.reloader = Reloader(server)
    return server


class Reloader:
    """Switch every worker to the current generation of the outputs, together.

    A reload is explicit: :meth:`request` (``kg serve`` calls it on SIGHUP), or, with
    ``ServeConfig.watch``, a check every ``watch`` seconds of which generation the build
    folder's link names. The new pool loads the whole graph before the switch, so no
    query sees a half-loaded graph; queries already running finish on the old pool, which
    is closed once the longest of them would have timed out, and its lease released."""

    def __init__(self, server: SparqlServer) -> None:
        self.server = server
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._retired: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._run, name="kg-serve-reload", daemon=True)
        self.thread.start()

    def request(self) -> None:
        self._wanted.set()

    def _run(self) -> None:
        watch = self.server.config.watch
        while not self._stopped.is_set():
            asked = self._wanted.wait(watch if watch else 0.5)
            if self._stopped.is_set():
                return
            if asked or watch:
                self._wanted.clear()
                try:
                    self.reload()
                except KgError as exc:
                    self._log(f"reload failed, still serving the previous graph: {exc}")

    def reload(self) -> bool:
        """Switch to the current generation if it is not the one served; True if switched."""
        from kg.pipeline.outputs import hold
        from kg.read.store import graph_file

        with self._lock:
            server = self.server
            path = graph_file(server.config.graph)
            if path == server.graph_path:
                return False
            lease = hold(path)
            try:
                pool = _pool(server.config, path)
            except BaseException:
                lease.release()
                raise
            old_pool, old_lease = server.pool, server.lease
            server.pool, server.lease, server.graph_path = pool, lease, path
            self._log(f"now serving {path.parent.name} ({pool.quads} quads)")
            retire = threading.Thread(
                target=self._retire, args=(old_pool, old_lease), name="kg-serve-retire", daemon=True
            )
            self._retired.append(retire)
            retire.start()
            return True

    def _retire(self, pool: WorkerPool, lease: Any) -> None:
        # no query outlives the timeout: after it, nothing uses the old pool
        self._stopped.wait(self.server.config.timeout + 1)
        pool.close()
        lease.release()

    def _log(self, message: str) -> None:
        sys.stderr.write(f"kg serve: {message}\n")

    def stop(self) -> None:
        self._stopped.set()
        self.thread.join(5)
        for t in self._retired:
            t.join(10)


def close(server: SparqlServer) -> None:
    reloader = getattr(server, "reloader", None)
    if reloader is not None:
        reloader.stop()
    server.server_close()
    server.pool.close()
    lease = getattr(server, "lease", None)
    if lease is not None:
        lease.release()


def serve(config: ServeConfig, on_ready: Callable[[SparqlServer], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); SIGHUP reloads the current outputs."""
    server = make_server(config)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    def reload(signum: int, frame: Any) -> None:
        server.reloader.request()

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if main else None
    previous_hup = signal.signal(signal.SIGHUP, reload) if main else None
    try:
        if on_ready:
            on_ready(server)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        close(server)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_hup is not None:
            signal.signal(signal.SIGHUP, previous_hup)
