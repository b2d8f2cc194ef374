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
SERVICE are refused before any query runs (:func:`kg.read.guard.check_query`),
as are queries over 256 KB or nested deeper than 200. Requests must name this
server in their Host header (DNS rebinding); pages on other origins may query
(CORS, any origin by default, ``allow_origins`` restricts it); connections are
kept alive (HTTP/1.1), capped, and must send each request in time (slowloris).

The prefixes of kg's dumps (kgo:, kgr:, ent:, skos: ...) may be used without PREFIX lines.

Endpoints: ``/sparql`` (and ``/query``): GET ``?query=``, POST form-encoded
``query=`` or POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` are honoured; GET without a query: the SPARQL 1.1 Service
Description. ``/rdf-graphs/service?graph=IRI`` (or ``?default``): Graph Store
Protocol reads. ``/``: the query page (YASGUI; its files are served from ``/static/``: no
CDN, works offline). ``/queries``: the named competency questions as JSON.

The package, one module per concern, in the order a request meets them:

- :mod:`~kg.read.serve.config`: the settings (:class:`ServeConfig`);
- :mod:`~kg.read.serve.access`: who may call (Host names, origins);
- :mod:`~kg.read.serve.http_server`: HTTP (the server, the request handler);
- :mod:`~kg.read.serve.pool`: the worker pool, the server's side of the processes;
- :mod:`~kg.read.serve.lane`: which query keeps a worker (light, moved, heavy, shed);
- :mod:`~kg.read.serve.worker`: the graph process and the workers themselves;
- :mod:`~kg.read.serve.negotiation`: which format an answer is written in;
- :mod:`~kg.read.serve.description`: the Service Description and graph store reads;
- :mod:`~kg.read.serve.messages`: the one-line plain-text answers;
- :mod:`~kg.read.serve.page`: the query page and its files (``/static/``);
- :mod:`~kg.read.serve.reload`: switching to a new build's outputs;
- :mod:`~kg.read.serve.endpoint`: starting and stopping it all (:func:`serve`).
"""

from __future__ import annotations

from kg.read.serve.access import LOOPBACK_NAMES
from kg.read.serve.config import MB, ServeConfig
from kg.read.serve.endpoint import close, make_server, serve
from kg.read.serve.http_server import ENDPOINT_PATHS, SparqlHandler, SparqlServer
from kg.read.serve.lane import MOVE_FACTOR, MOVE_FIRST, MOVE_MIN, SHED_MIN, Lane, TooManyHeavy
from kg.read.serve.negotiation import GRAPH_ALIASES, MIME, SELECT_ALIASES, negotiate
from kg.read.serve.page import DEFAULT_QUERY, page_template, render_page
from kg.read.serve.pool import Busy, QueryTimeout, WorkerPool
from kg.read.serve.reload import Reloader
from kg.read.serve.worker import WORKER_STACK, isolate_network

__all__ = [
    "DEFAULT_QUERY",
    "ENDPOINT_PATHS",
    "GRAPH_ALIASES",
    "LOOPBACK_NAMES",
    "MB",
    "MIME",
    "MOVE_FACTOR",
    "MOVE_FIRST",
    "MOVE_MIN",
    "SELECT_ALIASES",
    "SHED_MIN",
    "WORKER_STACK",
    "Busy",
    "Lane",
    "QueryTimeout",
    "Reloader",
    "ServeConfig",
    "SparqlHandler",
    "SparqlServer",
    "TooManyHeavy",
    "WorkerPool",
    "close",
    "isolate_network",
    "make_server",
    "negotiate",
    "page_template",
    "render_page",
    "serve",
]
