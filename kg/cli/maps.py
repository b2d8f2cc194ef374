"""``kg map``: events on a map page (Leaflet, offline) and a static map picture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

GRAPH_HELP = "A build output folder (or its graph.trig or events.jsonl)."


def map_cmd(
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Map page (self-contained HTML; default: GRAPH/map.html)."),
    ] = None,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Map picture: .png, .svg or .pdf by the name's extension."),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Map picture: .svg, .png or .pdf by the name's extension."),
    ] = None,
    graph: Annotated[Path, typer.Option("--graph", "-g", help=GRAPH_HELP)] = Path("out"),
    tiles: Annotated[
        str | None,
        typer.Option(
            "--tiles",
            help="Tile URL template for the page (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png); "
            "off by default: the page needs no network.",
        ),
    ] = None,
    ontology: Annotated[
        Path | None,
        typer.Option("--ontology", help="Ontology folder with gazetteer.ttl (default: kg's own)."),
    ] = None,
) -> None:
    """Place the events at their locations' coordinates: a map page and a picture (points sized by event count); events without a located place are listed, never placed."""
    from kg.analysis.maps import load_map_data, picture_format, write_html, write_picture
    from kg.cli.common import fail, out_console
    from kg.errors import KgError

    folder = graph if graph.is_dir() else graph.parent
    pictures = [p for p in (png, svg) if p is not None]
    if html is None and not pictures:
        html = folder / "map.html"
    try:
        for p in pictures:
            picture_format(p)  # an unknown extension fails before the work
        data = load_map_data(graph, ontology)
        written = []
        if html is not None:
            written.append(write_html(data, html, tiles))
        for p in pictures:
            written.append(write_picture(data, p))
    except KgError as exc:
        raise fail(str(exc)) from None
    for p in written:
        out_console.print(f"Wrote {p}", markup=False, highlight=False)
    out_console.print(
        f"{data.located_events} events at {len(data.places)} places; "
        f"{len(data.unlocated)} without a located place (listed on the page)",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("map")(map_cmd)
