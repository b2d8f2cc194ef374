"""The server's side of the query workers: a pool of processes, replaced when they fail.

Why a module of its own: the HTTP handler only asks :meth:`WorkerPool.run` for an
answer within a deadline; how the answer is got (a worker process taken in order of
arrival, the query sent over its pipe, a worker that timed out, ran out of memory or
crashed stopped and replaced, the graph process started again if it died) is this
module's business. Which query keeps a worker is the lane's
(:mod:`kg.read.serve.lane`); what runs inside the processes is
:mod:`kg.read.serve.worker`.
"""

from __future__ import annotations

import collections
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import InputError, KgError
from kg.read.serve.lane import Lane, TooManyHeavy
from kg.read.serve.messages import PLAIN, line, memory_message, one_line
from kg.read.serve.worker import graph_process

__all__ = ["Busy", "GraphProcess", "QueryTimeout", "TooManyHeavy", "Worker", "WorkerPool"]


class QueryTimeout(Exception):
    """The query ran past its deadline (its worker is stopped and replaced)."""


class Busy(Exception):
    """No worker became free before the deadline."""


class Worker:
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
        self.worker: Worker | None = None
        self.gone = False


class GraphProcess:
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
            target=graph_process,
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

    def fork(self) -> Worker:
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
        return Worker(Connection(fd), pid, pidfd, err_path)

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
    """``size`` workers for light queries, and up to ``max_heavy`` more for heavy ones.

    Queries waiting for a worker are served in order of arrival; which query keeps its
    worker and which leaves the pool is the :class:`~kg.read.serve.lane.Lane`'s choice."""

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
        self.start_timeout = start_timeout
        self._memory_request = memory_mb
        self._errdir = tempfile.mkdtemp(prefix="kg-serve-")
        self._idle: list[Worker] = []  # guarded by _lock
        self._waiting: collections.deque[_Waiter] = collections.deque()  # first come, first served
        self._lock = threading.Lock()
        self._lane = Lane(self._lock, self.size, heavy_after, max_heavy)
        self._workers: set[Worker] = set()
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
            raise InputError(f"cannot start the query workers: {one_line(exc)}") from None
        except BaseException:
            self.close()
            raise

    def _start_graph(self) -> GraphProcess:
        return GraphProcess(
            self._ctx,
            self._path,
            self._memory_request,
            self.heavy_after,
            self._errdir,
            self.start_timeout,
        )

    def _fork(self) -> Worker:
        w = self._graph.fork()
        with self._lock:
            self._workers.add(w)
        return w

    def _drop(self, w: Worker, replace: bool) -> None:
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
    def heavy_after(self) -> float:
        """Seconds after which a query is heavy."""
        return self._lane.heavy_after

    @property
    def max_heavy(self) -> int:
        """Heavy queries at once."""
        return self._lane.max_heavy

    @property
    def max_moved(self) -> int:
        """Queries moved out of the pool at once while others waited."""
        return self._lane.max_moved

    @property
    def heavy(self) -> int:
        """Heavy queries running now."""
        return self._lane.heavy

    def _give(self, w: Worker) -> None:
        """An idle light worker: to the query that has waited longest, else to the idle list."""
        with self._lock:
            while self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.gone:
                    waiter.worker = w
                    waiter.event.set()
                    return
            self._idle.append(w)

    def _acquire(self, deadline: float) -> Worker:
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
        return self._lane.move_after()

    def _move_one(self) -> None:
        """A query is waiting: move the light query running longest out of the pool (a
        fresh worker is forked in its place; the query goes on in its own process at a low
        priority), or stop the longest running one; see :meth:`Lane.pick`."""
        picked = self._lane.pick()
        if picked is None:
            return
        w, replace = picked
        if w.state == "moved":
            w.signal(signal.SIGUSR1)  # it runs on at a low priority
        if replace:
            self._replace()

    def _wait(self, w: Worker, timeout: float) -> Any:
        """The worker's reply; a query that reaches heavy_after must get a heavy slot."""
        while True:
            elapsed = time.monotonic() - w.since
            if elapsed >= timeout:
                raise QueryTimeout
            if w.state == "shed":
                raise TooManyHeavy
            if w.state != "heavy" and elapsed >= self.heavy_after:
                ok, was = self._lane.promote(w)
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
        self._lane.start(w)
        died = None
        failed = True
        try:
            reply = self._wait(w, timeout)
            failed = False
        except (EOFError, OSError):
            died = w.why_stopped()
        finally:
            state = self._lane.finish(w)  # from here on no other thread moves this worker
            # a worker that left the pool was replaced when it left; stopped or not kept,
            # a light one is replaced now; a heavy one may hold much memory: never reused
            if failed:  # timed out, stopped for being heavy, or dead
                self._drop(w, replace=state == "light")
        if died == "memory":
            return 503, PLAIN, line(memory_message(self.memory_mb)), {}
        if died is not None:
            return (
                500,
                PLAIN,
                line("the query crashed its worker process (replaced); simplify the query"),
                {},
            )
        status, ctype, body, headers, keep = reply
        if state == "light":
            self._lane.record(time.monotonic() - w.since)
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
