"""What ``kg serve`` is told: its address, its limits, and which outputs it serves.

Why a module of its own: every part of the endpoint (HTTP, pool, workers, reloads)
reads the same settings, and the command line builds them without loading the
rest of the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


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
    # CORS: any origin by default (a read-only endpoint on localhost; docs/SAFETY.md says
    # why), or only these ("https://example.org"); "none": no other origin
    allow_origins: tuple[str, ...] = ("*",)
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
