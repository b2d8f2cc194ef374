"""kg in Jupyter: the endpoint in the background, a ``%%sparql`` cell magic, rich display.

>>> import kg
>>> with kg.serve("out") as url:          # http://127.0.0.1:PORT/sparql, stopped on exit
...     ...
>>> %load_ext kg.notebook                 # then, in a cell of its own:
>>> %%sparql graph -p base="Camp Taji"
... SELECT ?event ?date WHERE { ?event kgo:target ?base ; kgo:date ?date }

``kg.serve(graph)`` starts ``kg serve``'s endpoint (:mod:`kg.read.serve`: the same
server, pool and checks) on 127.0.0.1 and a free port, in a background thread of this
process; used in a ``with`` block it yields the endpoint's URL and stops it on exit,
or call ``.start()`` and ``.stop()`` yourself (the object shows the URL as a link).

``%load_ext kg.notebook`` adds the ``%%sparql`` cell magic and shows kg's records as
HTML tables: query results (:class:`kg.read.sparql.QueryRows`, which have
``_repr_html_`` themselves), chains and paths (``kg.analysis.chains``), the events of
a build, and a build's result. ``html(obj)`` gives the same HTML outside IPython.

``%%sparql [GRAPH] [-p NAME=VALUE ...] [-o VARIABLE] [--df]``: GRAPH is a variable of
the notebook (a loaded graph, or a server from ``kg.serve``), a build folder or graph
file, or an endpoint URL (``http://...``); by default the variable ``graph``, else
``out``. A parameter given as a name is looked up as ``kg.query`` does. ``-o`` keeps
the result in a variable; ``--df`` makes it a DataFrame.
"""

from __future__ import annotations

import html as _html
import io
import json
import shlex
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from kg.errors import QueryError

__all__ = ["BackgroundServer", "html", "load_ipython_extension", "serve", "sparql_cell"]


# --------------------------------------------------------------------------- the endpoint


class BackgroundServer:
    """``kg serve`` in a background thread of this process, on 127.0.0.1 and a free port.

    ``with kg.serve(g) as url`` yields the endpoint's URL (``…/sparql``) and stops the
    server on exit; ``start()`` / ``stop()`` do the same by hand. ``page`` is the query
    page's URL. Options are those of :class:`kg.read.serve.ServeConfig` (``workers``,
    ``timeout``, ``max_rows`` …)."""

    def __init__(self, graph: Any = "out", *, port: int = 0, workers: int = 1, **options: Any):
        from kg.read.serve import ServeConfig

        path = getattr(graph, "path", None) if not isinstance(graph, str | Path) else graph
        if path is None:
            raise QueryError("kg.serve needs a build folder, a graph file or a graph from kg.load")
        options.setdefault("quiet", True)
        self.config = ServeConfig(
            graph=Path(path), host="127.0.0.1", port=port, workers=workers, **options
        )
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base(self) -> str:
        if self._server is None:
            raise QueryError("the server is not running (call start())")
        return self._server.url

    @property
    def url(self) -> str:
        """The SPARQL endpoint: ``http://127.0.0.1:PORT/sparql``."""
        return self.base + "/sparql"

    @property
    def page(self) -> str:
        """The query page: ``http://127.0.0.1:PORT/``."""
        return self.base + "/"

    def start(self) -> BackgroundServer:
        if self._server is not None:
            return self
        from kg.read.serve import make_server

        server = make_server(self.config)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and end the workers (nothing happens when it is not running)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        from kg.read.serve import close

        self._server = self._thread = None
        server.shutdown()
        if thread is not None:
            thread.join(15)
        close(server)

    def __enter__(self) -> str:
        return self.start().url

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __del__(self) -> None:  # pragma: no cover - garbage collection
        try:
            self.stop()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = f"serving {self.url}" if self.running else "stopped"
        return f"<kg.serve {self.config.graph.name}: {state}>"

    def _repr_html_(self) -> str:
        if not self.running:
            return f"<p>kg serve ({_html.escape(self.config.graph.name)}): stopped</p>"
        url, page = _html.escape(self.url), _html.escape(self.page)
        return (
            f'<p>kg serve: SPARQL endpoint <a href="{url}" target="_blank">{url}</a>, '
            f'query page <a href="{page}" target="_blank">{page}</a></p>'
        )


def serve(graph: Any = "out", **options: Any) -> BackgroundServer:
    """The SPARQL endpoint of a built graph, for a notebook or a script (see
    :class:`BackgroundServer`); not started until ``with`` or ``.start()``."""
    return BackgroundServer(graph, **options)


# --------------------------------------------------------------------------- HTML


def _table(rows: list[tuple[str, str]], caption: str = "") -> str:
    cap = f"<caption>{caption}</caption>" if caption else ""
    body = "".join(
        f'<tr><th style="text-align:left">{_html.escape(k)}</th>'
        f'<td style="text-align:left">{v}</td></tr>'
        for k, v in rows
        if v
    )
    return f'<table class="kg-record">{cap}{body}</table>'


def _short(iri: str) -> str:
    from kg.read.sparql import short_name

    return short_name(iri)


def _entity(e: Any) -> str:
    label = e.label_en or e.label_ar
    arabic = f' <span dir="rtl">{_html.escape(e.label_ar)}</span>' if e.label_en else ""
    return f"{_html.escape(label)}{arabic} <small>{_html.escape(_short(e.iri))}</small>"


def _event_html(e: Any) -> str:
    """A merged event (kg.pipeline.merge.Event) as a two-column table."""
    roles: dict[str, list[str]] = {}
    for r in e.roles:
        text = _entity(r.entity)
        if text not in roles.setdefault(r.role, []):
            roles[r.role].append(text)
    date = ""
    if e.date is not None:
        date = _html.escape(e.date.value or "")
        if e.date.precision:
            date += f" <small>({_html.escape(e.date.precision)})</small>"
    who = []
    for resp in e.responsibility:
        party = _entity(resp.party) if resp.party is not None else "nobody"
        by = ", ".join(_entity(b) for b in resp.by)
        who.append(f"{_html.escape(resp.kind)}: {party}" + (f" (according to {by})" if by else ""))
    first = e.sources[0].sentence if e.sources else ""
    rows = [
        ("event", _html.escape(_short(e.iri))),
        ("type", _html.escape(f"{e.category}/{e.type}")),
        ("status", _html.escape(e.status)),
        ("date", date),
        *((role, "; ".join(v)) for role, v in sorted(roles.items())),
        ("responsibility", "<br>".join(who)),
        ("killed", "" if e.killed is None else str(e.killed)),
        ("wounded", "" if e.wounded is None else str(e.wounded)),
        ("confidence", f"{e.confidence:.2f}"),
        ("retaliation for", ", ".join(_html.escape(_short(x)) for x in e.retaliation_for)),
        (
            "evidence",
            f'<span dir="rtl">{_html.escape(first)}</span>'
            + (f" <small>(+{len(e.sources) - 1} more)</small>" if len(e.sources) > 1 else ""),
        ),
    ]
    return _table(rows)


def _rich_html(render: Any, result: Any) -> str:
    from rich.console import Console

    console = Console(
        record=True, width=110, file=io.StringIO(), force_terminal=False, force_jupyter=False
    )
    render(result, console)
    return console.export_html(
        inline_styles=True,
        code_format='<pre style="font-family:monospace;white-space:pre-wrap">{code}</pre>',
    )


def html(obj: Any) -> str:
    """kg's HTML for a query result, a chain or path result, an event (merged or in a
    chain), a build result, or a list of events; ``TypeError`` for anything else."""
    from kg.analysis.chains.model import ChainEvent, ChainResult, PathResult
    from kg.analysis.chains.rendering import render_chains, render_paths
    from kg.pipeline.build import BuildResult
    from kg.pipeline.merge import Event

    if hasattr(obj, "_repr_html_") and not isinstance(obj, type):
        return obj._repr_html_()
    if isinstance(obj, ChainResult):
        return _rich_html(render_chains, obj)
    if isinstance(obj, PathResult):
        return _rich_html(render_paths, obj)
    if isinstance(obj, Event):
        return _event_html(obj)
    if isinstance(obj, ChainEvent):
        rows = [
            ("event", _html.escape(_short(obj.id))),
            ("type", _html.escape(obj.type_label_en or obj.type or "")),
            ("date", _html.escape(obj.date or "")),
            ("responsibility", _html.escape(obj.responsibility)),
            ("killed", "" if obj.killed is None else str(obj.killed)),
            ("wounded", "" if obj.wounded is None else str(obj.wounded)),
        ]
        return _table(rows)
    if isinstance(obj, BuildResult):
        counts = "".join(
            f"<tr><td>{_html.escape(k)}</td><td>{n}</td></tr>"
            for k, n in sorted(obj.event_counts().items())
        )
        took = ", ".join(f"{k} {v:.1f} s" for k, v in obj.timings.items())
        return (
            f"<p>{len(obj.articles)} articles, {len(obj.events)} events, {obj.quads} quads"
            f" in {_html.escape(str(obj.out))}; {_html.escape(took)}</p>"
            f'<table class="kg-rows"><tr><th>type</th><th>events</th></tr>{counts}</table>'
        )
    if isinstance(obj, list | tuple) and obj and all(isinstance(x, Event) for x in obj):
        return "".join(_event_html(x) for x in obj)
    raise TypeError(f"kg has no HTML for {type(obj).__name__}")


# --------------------------------------------------------------------------- %%sparql


def _remote_rows(url: str, text: str) -> Any:
    """A query sent to a SPARQL endpoint (SPARQL 1.1 Protocol, JSON results) as QueryRows."""
    import pyoxigraph as ox

    from kg.read.sparql import QueryRows, python_value

    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 - user's URL
        doc = json.loads(answer.read())
    if "boolean" in doc:
        return bool(doc["boolean"])
    variables = tuple(doc["head"]["vars"])

    def term(b: dict[str, str]) -> Any:
        if b["type"] == "uri":
            return ox.NamedNode(b["value"])
        if b["type"] == "bnode":
            return ox.BlankNode(b["value"])
        if "xml:lang" in b:
            return ox.Literal(b["value"], language=b["xml:lang"])
        if "datatype" in b:
            return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
        return ox.Literal(b["value"])

    rows = [
        {v: python_value(term(b[v])) if v in b else None for v in variables}
        for b in doc["results"]["bindings"]
    ]
    return QueryRows(rows, variables)


def sparql_cell(line: str, cell: str, namespace: dict[str, Any] | None = None) -> Any:
    """What ``%%sparql LINE`` does with the cell's text (see the module's doc)."""
    from kg.read.sparql import QueryRows, query

    namespace = namespace if namespace is not None else {}
    words = shlex.split(line)
    target: str | None = None
    params: dict[str, str] = {}
    out_name: str | None = None
    as_frame = False
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("-p", "--param") and i + 1 < len(words):
            name, sep, value = words[i + 1].partition("=")
            if not sep:
                raise QueryError(f"%%sparql {w} {words[i + 1]!r}: write it as name=value")
            params[name.strip().lstrip("?$")] = value
            i += 2
        elif w in ("-o", "--out") and i + 1 < len(words):
            out_name = words[i + 1]
            i += 2
        elif w == "--df":
            as_frame = True
            i += 1
        elif target is None and not w.startswith("-"):
            target = w
            i += 1
        else:
            raise QueryError(f"%%sparql: unexpected {w!r}")
    graph: Any
    if target is None:
        graph = namespace.get("graph", "out")
    elif target in namespace:
        graph = namespace[target]
    else:
        graph = target
    if isinstance(graph, BackgroundServer):
        graph = graph.url
    if isinstance(graph, str) and graph.startswith(("http://", "https://")):
        if params:
            raise QueryError("%%sparql: parameters are bound only on a local graph")
        result = _remote_rows(graph, cell)
    else:
        result = query(graph, cell, params or None)
    if as_frame and isinstance(result, QueryRows):
        result = result.to_dataframe()
    if out_name:
        namespace[out_name] = result
    return result


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext kg.notebook``: the ``%%sparql`` magic and HTML for kg's records."""
    from kg.analysis.chains.model import ChainEvent, ChainResult, PathResult
    from kg.pipeline.build import BuildResult
    from kg.pipeline.merge import Event

    def sparql(line: str, cell: str) -> Any:
        try:
            return sparql_cell(line, cell, ipython.user_ns)
        except QueryError as exc:  # one line, not a traceback
            print(f"kg: error: {exc}")
            return None

    sparql.__doc__ = sparql_cell.__doc__
    ipython.register_magic_function(sparql, magic_kind="cell", magic_name="sparql")
    formatter = ipython.display_formatter.formatters["text/html"]
    for cls in (ChainResult, PathResult, ChainEvent, Event, BuildResult):
        formatter.for_type(cls, html)
