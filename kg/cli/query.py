"""`kg query`, `kg queries`, `kg serve`, `kg push`: the graph's SPARQL side, thin over the library.

Each command turns kg's errors into one line on stderr (``kg: error: ...``) and
exit code 2.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


class Engine(StrEnum):
    oxigraph = "oxigraph"
    rdflib = "rdflib"


DEFAULT_GRAPH = Path("out")
GRAPH_HELP = "Built graph: a folder with graph.trig, or an RDF file."
# a CONSTRUCT or DESCRIBE answer has no table: each --format stands for a graph format
# (names of kg.read.formats.GRAPH)
GRAPH_OUTPUT = {"table": "turtle", "csv": "ntriples", "tsv": "ntriples", "json": "jsonld"}


def _fail(message: str, code: int = 2) -> typer.Exit:
    """One line on stderr (never wrapped), and the exit code to raise."""
    text = " ".join(str(message).split())
    if len(text) > 400:
        text = text[:400] + " ..."
    sys.stderr.write(f"kg: error: {text}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def _console():
    """A console for tables: the terminal's width, or a wide one when the output is piped."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=240)


def _params(pairs: list[str]) -> dict[str, str]:
    from kg.errors import QueryError

    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise QueryError(f"--param {pair!r}: write it as name=value")
        if name in out:
            raise QueryError(f"--param {name} given twice")
        out[name] = value
    return out


def _short(value: object, prefixes: dict[str, str]) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(("http://", "https://")):
        best = ""
        for name, ns in prefixes.items():
            if text.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
                best = name
        if best:
            return f"{best}:{text[len(prefixes[best]) :]}"
    return text


def _print_table(result) -> None:
    from rich.table import Table

    from kg.read.sparql import python_value
    from kg.read.store import prefixes

    out_console = _console()
    if result.kind == "ask":
        out_console.print("true" if result.boolean else "false")
        return
    names = prefixes()
    table = Table(show_edge=False, show_lines=False)
    for v in result.variables:
        table.add_column(v, overflow="fold")
    for row in result.rows:
        table.add_row(*(_short(python_value(t), names) for t in row), end_section=False)
    out_console.print(table)
    note = f"{len(result.rows)} row(s)"
    if result.truncated:
        note += " (truncated)"
    out_console.print(note, style="dim", highlight=False)


def query_command(
    query: Annotated[
        str,
        typer.Argument(
            help="A query name from queries/ (see `kg queries`), a .rq file, or SPARQL text."
        ),
    ],
    graph: Annotated[Path, typer.Option("--graph", "-g", help=GRAPH_HELP)] = DEFAULT_GRAPH,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="<name=value>",
            help="name=value, bound as an RDF term: <iri>, http(s)://..., prefix:local (kgr:, kgo:, ent: ...), "
            "text@ar (a language literal), else a plain literal. Where the query takes an IRI, "
            "a name also works (English or Arabic, any label or alias: base='Camp Taji'); "
            "the entity chosen is said on stderr. Repeatable.",
        ),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", "-e", help="Query engine.")
    ] = Engine.oxigraph,
) -> None:
    """Run a SPARQL query (a named competency question, a .rq file, or inline text) over the built graph."""
    from kg.errors import KgError
    from kg.read.formats import GRAPH
    from kg.read.names import NameIndex, describe_choice
    from kg.read.sparql import (
        bind_params,
        check_query,
        on_big_stack,
        resolve,
        serialize,
    )
    from kg.read.store import open_store

    def said(name: str, text: str, entity) -> None:
        sys.stderr.write(describe_choice(name, text, entity) + "\n")
        sys.stderr.flush()

    try:
        q = resolve(query)
        check_query(q.text)  # no update, no SERVICE, no nesting that would crash the parser
        given = _params(param or [])
        store = open_store(graph, engine.value)
        bindings = bind_params(q, given, names=lambda: NameIndex.for_store(store), on_name=said)
        result = on_big_stack(store.query, q.text, bindings)
    except KgError as exc:
        raise _fail(str(exc)) from None
    if result.kind == "graph":
        key = GRAPH_OUTPUT[fmt.value]
        assert key in GRAPH
        sys.stdout.buffer.write(serialize(result, key))
    elif fmt is OutputFormat.table:
        _print_table(result)
    else:
        sys.stdout.buffer.write(serialize(result, fmt.value))
    sys.stdout.flush()


def queries_command(
    checks: Annotated[
        bool, typer.Option("--checks", help="Also list the validation checks (queries/checks/).")
    ] = False,
) -> None:
    """List the named competency questions (queries/*.rq) with their questions and parameters."""
    from rich.table import Table

    from kg.errors import KgError
    from kg.read.sparql import check_queries, named_queries

    try:
        found = named_queries() + (check_queries() if checks else [])
    except KgError as exc:
        raise _fail(str(exc)) from None
    if not found:
        raise _fail("no named queries found in queries/")
    table = Table(show_edge=False, show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("params")
    for q in found:
        params = "\n".join(
            f"{p.name} ({p.type}{', ' + p.meaning if p.meaning else ''})" for p in q.params
        )
        table.add_row(q.name, q.question, params)
    _console().print(table)


def serve_command(
    graph: Annotated[Path, typer.Option("--graph", "-g", help=GRAPH_HELP)] = DEFAULT_GRAPH,
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="TCP port; 0 picks a free one (printed).")
    ] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a query may run before a 503.")
    ] = 30.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Most rows (or triples) in an answer.")
    ] = 10000,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest POST body in bytes (else 413).")
    ] = 1_000_000,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest answer in bytes (else 507).")
    ] = 64 * 1024 * 1024,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", help="Query worker processes for ordinary queries (they run in parallel)."
        ),
    ] = 2,
    worker_memory: Annotated[
        int | None,
        typer.Option(
            "--worker-memory",
            help="MB of memory one query worker may use (else 503); default: 1024 or 3 times the loaded graph, the larger.",
        ),
    ] = None,
    heavy_after: Annotated[
        float,
        typer.Option(
            "--heavy-after",
            help="Seconds after which a query counts as heavy: it moves to a worker of its own, at low priority.",
        ),
    ] = 2.0,
    max_heavy: Annotated[
        int | None,
        typer.Option(
            "--max-heavy",
            help="Heavy queries at once; one more turning heavy is stopped with a 503 (default: --workers).",
        ),
    ] = None,
    max_connections: Annotated[
        int,
        typer.Option("--max-connections", help="Connections at once; beyond, a 503 at once."),
    ] = 256,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout", help="Seconds a client has to send its request line and headers."
        ),
    ] = 10.0,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="<name[:port]>",
            help="Another name clients may use in the Host header (NAME or NAME:PORT; repeatable). "
            "By default only this server's own address is accepted.",
        ),
    ] = None,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-origin",
            metavar="<origin>",
            help="A web origin (https://example.org) whose pages may query this server "
            "(repeatable); none: no page on another origin. By default any origin may (*): "
            "the endpoint is read-only and answers only to its own Host name.",
        ),
    ] = None,
    watch: Annotated[
        float | None,
        typer.Option(
            "--watch",
            help="Check every SECONDS whether a build made new outputs, and serve them "
            "(all workers switch together). Without it, send SIGHUP to reload.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests.")] = False,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/).

    It serves the outputs of the build it found when it started, all workers alike, until
    it reloads: on SIGHUP, or by itself with --watch."""
    from kg.cli.common import err_console, out_console
    from kg.errors import KgError
    from kg.read.serve import ServeConfig, serve

    if not 0 <= port <= 65535:
        raise _fail(f"--port {port}: not a TCP port")
    if timeout <= 0 or max_rows <= 0 or max_body <= 0 or workers <= 0 or max_bytes <= 0:
        raise _fail("--timeout, --max-rows, --max-body, --max-bytes and --workers must be positive")
    if heavy_after <= 0 or header_timeout <= 0 or max_connections <= 0:
        raise _fail("--heavy-after, --header-timeout and --max-connections must be positive")
    if worker_memory is not None and worker_memory <= 0:
        raise _fail("--worker-memory must be a positive number of MB")
    if max_heavy is not None and max_heavy < 0:
        raise _fail("--max-heavy must be 0 or more")
    if watch is not None and watch <= 0:
        raise _fail("--watch must be a positive number of seconds")
    config = ServeConfig(
        graph=graph,
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        max_bytes=max_bytes,
        workers=workers,
        worker_memory=worker_memory,
        heavy_after=heavy_after,
        max_heavy=max_heavy,
        max_connections=max_connections,
        header_timeout=header_timeout,
        allow_hosts=tuple(allow_host or ()),
        allow_origins=tuple(allow_origin) if allow_origin else ServeConfig.allow_origins,
        watch=watch,
        quiet=quiet,
    )

    def say(text: str) -> None:
        out_console.print(text, markup=False, highlight=False, soft_wrap=True)

    def ready(server) -> None:
        url = server.url
        pool = server.pool
        say(f"kg serve: SPARQL endpoint {url}/sparql")
        say(f"kg serve: query page {url}/ ({pool.quads} quads; Ctrl-C stops)")
        network = (
            "network-isolated (they cannot open any connection)"
            if pool.isolated
            else "NOT network-isolated (no network namespace here; SERVICE is still refused)"
        )
        origins = ", ".join(config.allow_origins) or "none"
        say(
            f"kg serve: {pool.size} workers, {network}; up to {pool.memory_mb} MB each; "
            f"cross-origin callers allowed: {origins}"
        )
        sys.stdout.flush()
        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print(
                f"kg serve: warning: listening on {host}: other machines can query this graph",
                markup=False,
                highlight=False,
            )

    try:
        serve(config, on_ready=ready)
    except KgError as exc:
        raise _fail(str(exc)) from None


def push_command(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="Graph Store Protocol URL, e.g. http://localhost:7200/repositories/REPO/rdf-graphs/service "
            "(GraphDB) or http://localhost:7878/store (Oxigraph).",
        ),
    ],
    graph: Annotated[Path, typer.Option("--graph", "-g", help=GRAPH_HELP)] = DEFAULT_GRAPH,
    user: Annotated[
        str | None, typer.Option("--user", help="User name (HTTP basic authentication).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password", envvar="KG_PUSH_PASSWORD", help="Password (or set KG_PUSH_PASSWORD)."
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds for the whole upload, every graph together (a deadline, "
            "however slowly the server answers).",
        ),
    ] = 60.0,
) -> None:
    """Upload every named graph (articles and ontology) to a store; each PUT replaces that graph."""
    from kg.cli.common import out_console
    from kg.errors import KgError
    from kg.read.store import PushError, push

    try:
        done = push(graph, endpoint, user=user, password=password, timeout=timeout)
    except PushError as exc:
        # one line, never cut: it says which graphs the remote already has
        sys.stderr.write(f"kg: error: {' '.join(str(exc).split())}\n")
        sys.stderr.flush()
        raise typer.Exit(2) from None
    except KgError as exc:
        raise _fail(str(exc)) from None
    for p in done:
        out_console.print(
            f"  {p.graph or '(default graph)'}  {p.triples} triples  HTTP {p.status}",
            markup=False,
            highlight=False,
        )
    total = sum(p.triples for p in done)
    out_console.print(
        f"Pushed {len(done)} graph(s), {total} triples, to {endpoint}",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the query commands to the kg app."""
    app.command("query")(query_command)
    app.command("queries")(queries_command)
    app.command("serve")(serve_command)
    app.command("push")(push_command)
