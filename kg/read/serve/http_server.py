"""The HTTP side of ``kg serve``: the SPARQL 1.1 Protocol over the standard library's server.

Why a module of its own: it is where requests are read and answers written, with
the rules that belong to HTTP: connections are capped and must send their request in
time (slowloris), the Host must name this server and a cross-origin caller must be
allowed (:mod:`kg.read.serve.access`), a query is checked before any worker sees it
(updates, SERVICE, size, nesting: :func:`kg.read.guard.check_query`), and errors are
one plain line, never a traceback. Queries are answered by the worker pool
(:mod:`kg.read.serve.pool`).

Endpoints: ``/sparql`` (and ``/query``): GET ``?query=``, POST form-encoded
``query=`` or POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` are honoured; GET without a query: the Service Description
(:mod:`kg.read.serve.description`). ``/rdf-graphs/service?graph=IRI`` or
``?default``: Graph Store Protocol reads. ``/``: the query page (YASGUI, served
from ``/static/``: no CDN, works offline). ``/queries``: the named competency
questions as JSON. Connections are kept alive (HTTP/1.1); every answer but a 204
has a Content-Length.
"""

from __future__ import annotations

import io
import json
import math
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.read.serve.access import normal_origin, own_names, split_host
from kg.read.serve.config import ServeConfig
from kg.read.serve.description import (
    GRAPHS_QUERY,
    GSP_PATH,
    graph_query,
    plain_iri,
    service_description,
)
from kg.read.serve.messages import PLAIN, line, one_line
from kg.read.serve.negotiation import MIME, negotiate
from kg.read.serve.page import STATIC_PREFIX, render_page, static_files
from kg.read.serve.pool import Busy, QueryTimeout, TooManyHeavy, WorkerPool

ENDPOINT_PATHS = ("/sparql", "/query")


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
        self.static = static_files()
        self._graphs: tuple[Any, list[str]] | None = None  # (the pool asked, its named graphs)
        self._graphs_lock = threading.Lock()
        self._conn_lock = threading.Lock()
        self._active = 0
        self._receiving: dict[SparqlHandler, float] = {}  # handlers still reading a request
        self.hard_cap = config.max_connections + max(8, config.max_connections // 8)
        _raise_descriptor_limit(2 * self.hard_cap + 64)
        super().__init__((config.host, config.port), SparqlHandler)
        self.port = self.server_address[1]
        self.own_names = own_names(config.host)
        self.allowed_hosts = [h for h in (split_host(a) for a in config.allow_hosts) if h]
        self.allowed_origins = {
            normal_origin(o) for o in config.allow_origins if o.strip().lower() != "none"
        }

    def examples_json(self) -> bytes:
        return json.dumps(self.examples, ensure_ascii=False).encode("utf-8")

    def named_graphs(self) -> list[str]:
        """The named graphs of the graph served now, asked of a worker once per pool (a
        reload brings a new pool). Raises what :meth:`WorkerPool.run` raises, or
        RuntimeError when the worker could not answer."""
        pool = self.pool
        with self._graphs_lock:
            if self._graphs is not None and self._graphs[0] is pool:
                return self._graphs[1]
        request = {
            "query": GRAPHS_QUERY,
            "accept": "",
            "formats": ["json"],
            "max_rows": None,
            "max_bytes": self.config.max_bytes,
        }
        status, _, body, _ = pool.run(request, self.config.timeout)
        if status != 200:
            raise RuntimeError(body.decode("utf-8", "replace").strip())
        rows = json.loads(body)["results"]["bindings"]
        graphs = sorted(r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri")
        with self._graphs_lock:
            self._graphs = (pool, graphs)
        return graphs

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    # -- who may call ----------------------------------------------------------

    def host_allowed(self, value: str) -> bool:
        parsed = split_host(value)
        if parsed is None:
            return False
        name, port = parsed
        for allowed, allowed_port in self.allowed_hosts:
            if name == allowed and (allowed_port is None or allowed_port == port):
                return True
        return name in self.own_names and (port == self.port or (port is None and self.port == 80))

    def origin_allowed(self, origin: str, host: str | None) -> tuple[bool, str | None]:
        """(allowed, the Access-Control-Allow-Origin to send): the page's own origin needs none."""
        o = normal_origin(origin)
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
        body = line(
            f"too many connections ({self.config.max_connections}, kg serve --max-connections); try again"
        )
        head = (
            "HTTP/1.1 503 Service Unavailable\r\n"
            f"Content-Type: {PLAIN}\r\n"
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
                f"kg serve: {client_address[0]}: {one_line(exc) if exc else 'error'}\n"
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
    protocol_version = "HTTP/1.1"  # connections are kept alive between requests
    timeout = 60  # seconds a single read or write may stall (the deadlines below are shorter)

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.cors: dict[str, str] = {}
        self.vary_accept = False
        self.body_read = False
        self.requests = 0
        self.dropped = False
        started = time.monotonic()
        self.deadline = started + self.server.config.header_timeout
        self.server.receiving(self, started)
        plain, self.rfile = self.rfile, io.BufferedReader(_DeadlineReader(self.connection, self))
        plain.close()

    def handle_one_request(self) -> None:
        """One request of the connection: each has the whole header deadline (an idle
        kept-alive connection is closed when it passes) and counts as slow until it is in."""
        self.cors = {}
        self.vary_accept = False
        self.body_read = False
        if self.requests:
            started = time.monotonic()
            self.deadline = started + self.server.config.header_timeout
            self.server.receiving(self, started)
        self.requests += 1
        super().handle_one_request()

    def _body_left(self) -> bool:
        """Whether the request has a body this handler did not read (then the connection
        cannot carry another request)."""
        headers = getattr(self, "headers", None)
        if headers is None or self.body_read:
            return False
        if headers.get("Transfer-Encoding"):
            return True
        length = headers.get("Content-Length", "0").strip()
        return length != "0" and length != ""

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
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: dict[str, str] | None = None,
        cache: str = "no-store",
    ) -> None:
        self.connection.settimeout(self.server.config.write_timeout)  # a total, for sendall
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Origin, Accept" if self.vary_accept else "Origin")
        if self.close_connection or self._body_left():
            self.send_header("Connection", "close")  # sets close_connection
        for k, v in {**getattr(self, "cors", {}), **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, PLAIN, line(message), headers)

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
                    "Access-Control-Expose-Headers": "X-KG-Truncated, Retry-After, Content-Length",
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
        if path.startswith(STATIC_PREFIX) and path[len(STATIC_PREFIX) :] in self.server.static:
            return path
        if path not in ("/", "/queries", GSP_PATH, *ENDPOINT_PATHS):
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
            # Chrome's Private Network Access: a public page asking a server on this machine
            if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
                headers["Access-Control-Allow-Private-Network"] = "true"
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
        if path.startswith(STATIC_PREFIX):
            ctype, body = self.server.static[path[len(STATIC_PREFIX) :]]
            self._send(200, ctype, body, cache="max-age=3600")
            return
        if path == GSP_PATH:
            self._graph_store(params)
            return
        if "update" in params:
            self._error(403, "updates are refused: this endpoint is read-only")
            return
        if "query" not in params:
            self.vary_accept = path != "/"
            if path == "/" or "text/html" in self.headers.get("Accept", ""):
                self._send(200, "text/html; charset=utf-8", self.server.page)
            else:
                self._describe(params)
            return
        self._run(params)

    # -- what the endpoint says about itself, and whole graphs -----------------

    def _known_graphs(self) -> list[str] | None:
        try:
            return self.server.named_graphs()
        except (Busy, QueryTimeout, TooManyHeavy):
            self._error(503, "all query workers are busy; try again", {"Retry-After": "1"})
        except (RuntimeError, ValueError, KeyError):
            self._error(500, "the named graphs could not be listed")
        return None

    def _describe(self, params: dict[str, list[str]]) -> None:
        """The SPARQL 1.1 Service Description, in the RDF format asked for (Turtle by default)."""
        graphs = self._known_graphs()
        if graphs is None:
            return
        fmt = negotiate(
            "graph",
            self.headers.get("Accept", ""),
            params.get("format", []) + params.get("output", []),
        )
        host = self.headers.get("Host") or urlsplit(self.server.url).netloc
        endpoint = f"http://{host.strip()}{urlsplit(self.path).path}"
        body = service_description(endpoint, graphs, fmt)
        self._send(200, MIME[fmt], body)

    def _graph_store(self, params: dict[str, list[str]]) -> None:
        """A Graph Store Protocol read (indirect identification): ``?graph=IRI`` or ``?default``."""
        self.vary_accept = True
        names = params.get("graph", [])
        default = "default" in params
        if len(names) + default != 1:
            self._error(400, "name one graph: ?graph=IRI, or ?default for the default graph")
            return
        graph = None
        if names:
            graph = names[0]
            graphs = self._known_graphs()
            if graphs is None:
                return
            if graph not in graphs or not plain_iri(graph):
                self._error(
                    404,
                    f"no graph named {graph[:200]!r} here (GET /sparql lists the named graphs)",
                )
                return
        cfg = self.server.config
        request = {
            "query": graph_query(graph),
            "accept": self.headers.get("Accept", ""),
            "formats": params.get("format", []) + params.get("output", []),
            "max_rows": None,  # a whole graph, or none: bounded by --max-bytes
            "max_bytes": cfg.max_bytes,
        }
        answer = self._ask_pool(request)
        if answer is not None:
            self._send(*answer)

    def _post(self) -> None:
        path = self._route()
        if path is None or path not in ("/", *ENDPOINT_PATHS):
            if path is not None:  # the questions, the static files, the graph store
                self._error(405, "POST not allowed here (read-only)", {"Allow": "GET, HEAD"})
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
        self.body_read = True
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
        from kg.read.guard import UnsafeQuery, check_query

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
        self.vary_accept = True
        answer = self._ask_pool(request)
        if answer is not None:
            self._send(*answer)

    def _ask_pool(self, request: dict[str, Any]) -> tuple[int, str, bytes, dict[str, str]] | None:
        """A worker's answer, or None when the pool could not give one (answered here)."""
        cfg = self.server.config
        try:
            return self.server.pool.run(request, cfg.timeout)
        except QueryTimeout:
            self._error(503, f"query timed out after {cfg.timeout:g} s")
        except TooManyHeavy:
            pool = self.server.pool
            self._error(
                503,
                f"too many long queries at once (at most {pool.max_heavy} may run longer than "
                f"{pool.heavy_after:g} s, and light queries come first); try again later",
                {"Retry-After": str(max(1, math.ceil(cfg.timeout)))},
            )
        except Busy:
            self._error(503, "all query workers are busy; try again", {"Retry-After": "1"})
        return None
