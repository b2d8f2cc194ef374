"""CLI verbs over the networkx views: export, chains, path, viz (added to kg's typer app)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

GRAPH_HELP = "A build output folder (or its graph.trig)."
GraphOpt = Annotated[Path, typer.Option("--graph", "-g", help=GRAPH_HELP)]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text | json")]
MinConfidenceOpt = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Leave out the events whose confidence (0-1, see docs/ANNOTATION.md) is lower.",
    ),
]


def _fail(exc: Exception) -> typer.Exit:
    from kg.cli.common import fail

    return fail(str(exc))


def _answer(fmt: str, run, to_json, render):
    """Run a chains or path query and print it as JSON or rich text (the shared shape of
    both commands): an unknown format or a kg error is one line, exit 2."""
    from kg.errors import KgError

    if fmt not in ("text", "json"):
        raise _fail(ValueError(f"unknown format {fmt!r} (text or json)"))
    try:
        result = run()
    except KgError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        _print_json(to_json(result))
    else:
        from kg.cli.common import out_console

        render(result, out_console)
    return result


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    view: Annotated[str, typer.Option("--view", help="events | actors")] = "events",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="graphml (Cytoscape) | gexf (Gephi, dynamic) | json (node-link) | "
            "acled (ACLED's CSV columns, from events.jsonl; --view is not used)",
        ),
    ] = "graphml",
    graph: GraphOpt = Path("out"),
    min_confidence: MinConfidenceOpt = None,
) -> None:
    """Write a networkx view of the graph as GraphML, GEXF or node-link JSON, or the events
    as an ACLED-style CSV (rules: docs/DATA_MODEL.md, "ACLED export")."""
    from kg.analysis.views import to_networkx, write_graph
    from kg.cli.common import out_console
    from kg.errors import KgError

    if fmt.lower() == "acled":
        from kg.analysis.acled import write_acled

        try:
            n = write_acled(graph, out, min_confidence=min_confidence)
        except KgError as exc:
            raise _fail(exc) from None
        out_console.print(
            f"Wrote {n} events in ACLED's columns to {out}", markup=False, highlight=False
        )
        return
    try:
        g = to_networkx(graph, view=view, min_confidence=min_confidence)
        write_graph(g, out, fmt)
    except KgError as exc:
        raise _fail(exc) from None
    out_console.print(
        f"Wrote the {view} view ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges) to {out}",
        markup=False,
        highlight=False,
    )


def chains(
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="Start from the attacks of this actor (IRI, slug, English or Arabic name).",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Start from the events against / at this actor or place."),
    ] = None,
    event: Annotated[
        str | None, typer.Option("--event", help="Start from this event (IRI or its hash).")
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="Start from events on or after this date (YYYY[-MM[-DD]])."),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Start from events on or before this date.")
    ] = None,
    linked_only: Annotated[
        bool, typer.Option("--linked-only", help="Leave out events that no link joins to another.")
    ] = False,
    fmt: FormatOpt = "text",
    graph: GraphOpt = Path("out"),
    min_confidence: MinConfidenceOpt = None,
) -> None:
    """Trace chains of attacks and retaliations, forward and backward in time, as a timeline."""
    from kg.analysis.chains import chains_to_json, find_chains, render_chains

    _answer(
        fmt,
        lambda: find_chains(
            graph,
            actor=actor,
            target=target,
            event=event,
            date_from=date_from,
            date_to=date_to,
            linked_only=linked_only,
            min_confidence=min_confidence,
        ),
        chains_to_json,
        render_chains,
    )


def path(
    x: Annotated[
        str, typer.Argument(help="An entity or event (IRI, slug, English or Arabic name).")
    ],
    y: Annotated[str, typer.Argument(help="Another one.")],
    max_paths: Annotated[int, typer.Option("--max", help="Print at most this many paths.")] = 5,
    via_weapons: Annotated[
        bool, typer.Option("--via-weapons", help="Let paths pass through weapons.")
    ] = False,
    fmt: FormatOpt = "text",
    graph: GraphOpt = Path("out"),
    min_confidence: MinConfidenceOpt = None,
) -> None:
    """How is X connected to Y: the shortest evidenced paths in the events view."""
    from kg.analysis.chains import find_paths, paths_to_json, render_paths

    result = _answer(
        fmt,
        lambda: find_paths(
            graph, x, y, max_paths=max_paths, via_weapons=via_weapons, min_confidence=min_confidence
        ),
        paths_to_json,
        render_paths,
    )
    if result.length is None:
        raise typer.Exit(1)


def viz(
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Interactive HTML of the events view (default: GRAPH/events.html)."
        ),
    ] = None,
    timeline: Annotated[
        Path | None,
        typer.Option(
            "--timeline",
            help="Timeline picture of events, one lane per group: .png, .svg or .pdf by the name's extension (default: GRAPH/timeline.png).",
        ),
    ] = None,
    graph: GraphOpt = Path("out"),
    min_confidence: MinConfidenceOpt = None,
) -> None:
    """Draw the events view: a self-contained interactive HTML page and a timeline picture (PNG, SVG or PDF)."""
    from kg.analysis.viz import timeline_format, write_html, write_timeline
    from kg.errors import KgError

    folder = graph if graph.is_dir() else graph.parent
    if html is None and timeline is None:
        html, timeline = folder / "events.html", folder / "timeline.png"
    try:
        if timeline is not None:
            timeline_format(timeline)  # an unknown extension fails before the work
        from kg.analysis.chains import load_events_view

        view = load_events_view(graph, min_confidence)
        written = []
        if html is not None:
            written.append(write_html(view, html))
        if timeline is not None:
            written.append(write_timeline(view, timeline).path)
    except KgError as exc:
        raise _fail(exc) from None
    from kg.cli.common import out_console

    for p in written:
        out_console.print(f"Wrote {p}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add export, chains, path and viz to the kg app."""
    app.command("export")(export)
    app.command("chains")(chains)
    app.command("path")(path)
    app.command("viz")(viz)
