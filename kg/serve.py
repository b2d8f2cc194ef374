"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a built graph.

The standard library's ``ThreadingHTTPServer`` takes the requests; queries run
in a small pool of worker *processes*, each holding the graph in a pyoxigraph
Store. A query that passes its deadline gets a 503 and its worker is killed
and replaced, so a runaway query cannot keep eating a core. Nothing here can
change the data: updates, LOAD and SERVICE are refused before any query runs.

The prefixes of kg's dumps (kgo:, kgr:, ent:, skos: ...) may be used without PREFIX lines.

Endpoints: ``/sparql`` (and ``/query``): GET ``?query=``, POST form-encoded
``query=`` or POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` are honoured. ``/``: a small query page (no CDN, works
offline). ``/queries``: the named competency questions as JSON.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import InputError, KgError

ENDPOINT_PATHS = ("/sparql", "/query")

# format names that a ``format=`` / ``output=`` parameter or an Accept media type maps to
SELECT_ALIASES = {
    "json": "json",
    "srj": "json",
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "xml": "xml",
    "srx": "xml",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "csv": "csv",
    "text/csv": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
}
GRAPH_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "json": "jsonld",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdfxml": "rdfxml",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
MIME = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


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
    aliases = GRAPH_ALIASES if kind == "graph" else SELECT_ALIASES
    default = "turtle" if kind == "graph" else "json"
    for f in formats or []:
        key = f.strip().lower()
        if key in aliases:
            return aliases[key]
    for media in _accept_list(accept or ""):
        if media in aliases:
            return aliases[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


# ---------------------------------------------------------------------------
# The worker processes
# ---------------------------------------------------------------------------


def _answer(store: Any, req: dict) -> tuple[int, str, bytes, dict[str, str]]:
    from kg.errors import QueryError
    from kg.sparql import serialize

    try:
        result = store.query(
            req["query"],
            max_rows=req["max_rows"],
            default_graph=req.get("default_graph") or None,
            named_graphs=req.get("named_graphs") or None,
            use_prefixes=True,
        )
        fmt = negotiate(result.kind, req.get("accept", ""), req.get("formats"))
        body = serialize(result, fmt)
    except QueryError as exc:
        return 400, "text/plain; charset=utf-8", _line(str(exc)), {}
    except Exception as exc:  # never a stack trace in a response
        return 500, "text/plain; charset=utf-8", _line(f"query failed: {type(exc).__name__}"), {}
    headers = {}
    if result.truncated:
        headers["X-KG-Truncated"] = f"true; the answer was cut at {req['max_rows']} rows"
    return 200, MIME[fmt], body, headers


def _line(message: str) -> bytes:
    return (" ".join(message.split()) + "\n").encode("utf-8")


def _worker_main(conn: Any, path: str) -> None:  # pragma: no cover - runs in a child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    try:
        from kg.store import OxigraphStore

        store = OxigraphStore.from_path(path)
    except Exception as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", len(store)))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        try:
            conn.send(_answer(store, req))
        except (BrokenPipeError, OSError):
            return


class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


class _Worker:
    def __init__(self, ctx: Any, path: str) -> None:
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, path), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent

    def wait_ready(self, timeout: float) -> int:
        if not self.conn.poll(timeout):
            self.kill()
            raise InputError("the query worker did not start in time")
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise InputError("the query worker stopped while loading the graph") from None
        if status != "ready":
            self.kill()
            raise InputError(f"cannot load the graph: {value}")
        return int(value)

    def kill(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


class WorkerPool:
    """Worker processes, each with its own copy of the graph; one query at a time each."""

    def __init__(self, path: Path, size: int = 2, start_timeout: float = 120.0) -> None:
        self._ctx = mp.get_context("spawn")
        self._path = str(path)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.start_timeout = start_timeout
        started = [self._spawn() for _ in range(max(1, size))]
        try:
            counts = [w.wait_ready(start_timeout) for w in started]
        except BaseException:
            self.close()
            raise
        self.quads = counts[0]
        for w in started:
            self._idle.put(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self._path)
        with self._lock:
            self._workers.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        with self._lock:
            self._workers.discard(w)
        w.kill()
        if self._closed:
            return

        def refill() -> None:
            try:
                fresh = self._spawn()
                fresh.wait_ready(self.start_timeout)
            except KgError:
                return
            if self._closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=refill, daemon=True).start()

    def run(self, request: dict, timeout: float) -> tuple[int, str, bytes, dict[str, str]]:
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy from None
        try:
            w.conn.send(request)
            if not w.conn.poll(timeout):
                self._retire(w)
                raise QueryTimeout
            answer = w.conn.recv()
        except (EOFError, OSError):
            self._retire(w)
            return 500, "text/plain; charset=utf-8", _line("the query worker stopped"), {}
        self._idle.put(w)
        return answer

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.kill()


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


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
        super().__init__((config.host, config.port), SparqlHandler)

    def examples_json(self) -> bytes:
        return json.dumps(self.examples, ensure_ascii=False).encode("utf-8")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql/0.1"
    timeout = 60  # seconds a client may stall mid-request (slowloris) before it is dropped

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if not self.server.config.quiet:
            sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
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

    # -- methods -------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._guarded(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guarded(self._post)

    def _refuse_method(self) -> None:
        self._error(
            405, f"{self.command} not allowed: this endpoint is read-only", {"Allow": "GET, POST"}
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_method  # noqa: N815

    def _guarded(self, handler: Callable[[], None]) -> None:
        try:
            handler()
        except Exception:  # never a stack trace in a response
            try:
                self._error(500, "internal error")
            except OSError:
                pass

    def _get(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        params = parse_qs(parts.query, keep_blank_values=True)
        if path == "/queries":
            self._send(200, "application/json", self.server.examples_json())
            return
        if path not in ("/", *ENDPOINT_PATHS):
            self._error(404, f"no such page: {parts.path} (the endpoint is /sparql)")
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
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        if path not in ("/", *ENDPOINT_PATHS):
            self._error(404, f"no such page: {parts.path} (the endpoint is /sparql)")
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
        params = parse_qs(parts.query, keep_blank_values=True)
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
        from kg.sparql import refuse_unsafe

        queries = params.get("query", [])
        if len(queries) != 1:
            self._error(400, "exactly one query parameter, please")
            return
        text = queries[0]
        if not text.strip():
            self._error(400, "empty query")
            return
        try:
            refuse_unsafe(text)
        except PermissionError as exc:
            self._error(403, str(exc))
            return
        cfg = self.server.config
        request = {
            "query": text,
            "accept": self.headers.get("Accept", ""),
            "formats": params.get("format", []) + params.get("output", []),
            "max_rows": cfg.max_rows,
            "default_graph": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        try:
            status, ctype, body, headers = self.server.pool.run(request, cfg.timeout)
        except QueryTimeout:
            self._error(503, f"query timed out after {cfg.timeout:g} s")
            return
        except Busy:
            self._error(503, "all query workers are busy; try again", {"Retry-After": "1"})
            return
        self._send(status, ctype, body, headers)


# ---------------------------------------------------------------------------
# The query page
# ---------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>kg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em;margin:0 0 .5em}
textarea{width:100%;height:16em;font:13px/1.4 ui-monospace,monospace;box-sizing:border-box}
select{max-width:100%}
button{font-size:1em;padding:.3em 1.2em;margin:.5em .5em .5em 0}
table{border-collapse:collapse;margin-top:.5em}
th,td{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:start}
th{background:#f3f3f3}
#status{color:#555}
#error{color:#b00;white-space:pre-wrap}
pre{background:#f7f7f7;padding:.5em;overflow:auto}
.iri{color:#036}
</style></head>
<body>
<h1>kg &mdash; SPARQL over the graph</h1>
<p>Endpoint: <code id="ep"></code> (GET or POST, SPARQL 1.1 Protocol). Read-only.</p>
<label>Competency questions: <select id="examples"><option value="">&mdash; choose &mdash;</option></select></label>
<form id="f"><textarea id="q" name="query" spellcheck="false">__DEFAULT__</textarea>
<br><button type="submit" id="run">Run</button><span id="status"></span></form>
<div id="error"></div>
<div id="out"></div>
<script id="examples-data" type="application/json">__EXAMPLES__</script>
<script>
"use strict";
const PREFIXES = __PREFIXES__;
const ep = new URL("sparql", document.baseURI).href;
document.getElementById("ep").textContent = ep;
const examples = JSON.parse(document.getElementById("examples-data").textContent);
const sel = document.getElementById("examples");
for (const ex of examples) {
  const o = document.createElement("option");
  o.value = ex.name; o.textContent = ex.name + ": " + ex.question;
  sel.appendChild(o);
}
sel.addEventListener("change", () => {
  const ex = examples.find(e => e.name === sel.value);
  if (ex) document.getElementById("q").value = ex.text;
});
function short(iri) {
  for (const [p, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
  }
  return "<" + iri + ">";
}
function cell(b) {
  const td = document.createElement("td");
  if (!b) return td;
  if (b.type === "uri") { td.className = "iri"; td.textContent = short(b.value); td.title = b.value; }
  else { td.textContent = b.value; td.dir = "auto"; if (b["xml:lang"]) td.lang = b["xml:lang"]; }
  return td;
}
async function run(ev) {
  if (ev) ev.preventDefault();
  const out = document.getElementById("out"), err = document.getElementById("error");
  const st = document.getElementById("status");
  out.textContent = ""; err.textContent = ""; st.textContent = " running\u2026";
  const t0 = performance.now();
  let resp;
  try {
    resp = await fetch(ep, {method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: "query=" + encodeURIComponent(document.getElementById("q").value)});
  } catch (e) { st.textContent = ""; err.textContent = String(e); return; }
  const ms = Math.round(performance.now() - t0);
  const ct = resp.headers.get("Content-Type") || "";
  const text = await resp.text();
  if (!resp.ok) { st.textContent = ""; err.textContent = resp.status + ": " + text; return; }
  if (!ct.includes("json")) {
    const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
    st.textContent = " " + ms + " ms"; return;
  }
  const data = JSON.parse(text);
  if ("boolean" in data) { out.textContent = String(data.boolean); st.textContent = " " + ms + " ms"; return; }
  const vars = data.head.vars, rows = data.results.bindings;
  const table = document.createElement("table");
  const hr = table.insertRow();
  for (const v of vars) { const th = document.createElement("th"); th.textContent = v; hr.appendChild(th); }
  for (const r of rows) { const tr = table.insertRow(); for (const v of vars) tr.appendChild(cell(r[v])); }
  out.appendChild(table);
  const cut = resp.headers.get("X-KG-Truncated") ? " (truncated)" : "";
  st.textContent = " " + rows.length + " row(s)" + cut + ", " + ms + " ms";
}
document.getElementById("f").addEventListener("submit", run);
document.getElementById("q").addEventListener("keydown", e => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
});
</script>
</body></html>
"""

DEFAULT_QUERY = """PREFIX kgo: <https://w3id.org/kg-iraq/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?event ?type ?date WHERE {
  ?event a ?type ; kgo:status ?status .
  OPTIONAL { ?event kgo:date ?date }
} ORDER BY ?date LIMIT 100
"""


def _examples() -> list[dict[str, str]]:
    from kg.sparql import named_queries

    try:
        return [{"name": q.name, "question": q.question, "text": q.text} for q in named_queries()]
    except (KgError, OSError):
        return []


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_page(examples: list[dict[str, str]]) -> bytes:
    from html import escape as html_escape

    from kg.store import prefixes

    page = (
        PAGE.replace("__DEFAULT__", html_escape(DEFAULT_QUERY))
        .replace("__EXAMPLES__", _script_json(examples))
        .replace("__PREFIXES__", _script_json(prefixes()))
    )
    return page.encode("utf-8")


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def make_server(config: ServeConfig) -> SparqlServer:
    """A bound server with its worker pool (call ``serve_forever``, then ``close``)."""
    from kg.store import graph_file

    path = graph_file(config.graph)
    examples = _examples()
    pool = WorkerPool(path, config.workers)
    try:
        server = SparqlServer(config, pool, examples)
    except OSError as exc:
        pool.close()
        raise InputError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}"
        ) from None
    return server


def close(server: SparqlServer) -> None:
    server.server_close()
    server.pool.close()


def serve(config: ServeConfig, on_ready: Callable[[SparqlServer], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    server = make_server(config)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = (
        signal.signal(signal.SIGTERM, stop)
        if threading.current_thread() is threading.main_thread()
        else None
    )
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
