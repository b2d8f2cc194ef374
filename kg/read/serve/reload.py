"""Reloads: every worker switches to the current generation of a build's outputs, together.

Why a module of its own: ``kg serve`` serves one generation of a build folder (see
:mod:`kg.pipeline.outputs`) until a reload, on SIGHUP or by itself with ``--watch``;
switching means loading a whole new pool before any query sees it, then retiring
the old one once no query can still be running on it. That lifecycle is apart from
serving requests.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.read.serve.config import ServeConfig
from kg.read.serve.pool import WorkerPool

if TYPE_CHECKING:
    from kg.read.serve.http_server import SparqlServer


def pool_for(config: ServeConfig, path: Path) -> WorkerPool:
    return WorkerPool(
        path,
        config.workers,
        memory_mb=config.worker_memory,
        heavy_after=config.heavy_after,
        max_heavy=config.max_heavy,
    )


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
                pool = pool_for(server.config, path)
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
