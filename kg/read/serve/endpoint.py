"""Starting and stopping ``kg serve``: a bound server, its pool and its reloader.

Why a module of its own: it puts the parts together (the graph resolved and leased
once, the pool, the HTTP server, the reloader) and owns the process's signals while
it serves: Ctrl-C and SIGTERM stop it, SIGHUP reloads.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from kg.errors import InputError
from kg.read.serve.config import ServeConfig
from kg.read.serve.http_server import SparqlServer
from kg.read.serve.page import named_examples
from kg.read.serve.reload import Reloader, pool_for


def make_server(config: ServeConfig) -> SparqlServer:
    """A bound server with its worker pool (call ``serve_forever``, then ``close``).

    The graph is resolved once (:func:`kg.read.store.graph_file`): for a build folder, the
    current generation, which the server leases so that later builds keep it on disk;
    every worker, including those that replace a dead one, serves that generation until
    :class:`Reloader` switches them all together."""
    from kg.pipeline.outputs import hold
    from kg.read.store import graph_file

    path = graph_file(config.graph)
    examples = named_examples()
    lease = hold(path)
    try:
        pool = pool_for(config, path)
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
