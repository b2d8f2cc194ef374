"""Pictures of the events view: an interactive HTML page and a timeline PNG.

The HTML page is one self-contained file (no network, no CDN): the layout is
computed here with ``networkx.spring_layout`` (fixed seed, so the same graph
gives the same picture), the data is embedded as JSON, and about 200 lines of
vanilla JavaScript draw it as SVG with pan (drag), zoom (wheel), filters by
class, a search box, and a side panel that shows the evidence sentences and
article of the node or edge clicked. ``#select=<id>`` in the URL selects a
node or edge on load (useful to link to one event). The page records script
errors in ``window.__kgErrors`` / ``data-errors`` and sets ``data-ok="1"`` on
``<html>`` when it has drawn everything.

The timeline is drawn with matplotlib (Agg, no display): one row per event
type, one mark per dated event (a bar for a month, a year or a week window),
labelled in Arabic. Matplotlib before 3.11 draws characters left to right
without shaping, so there Arabic labels go through ``arabic_reshaper``
(contextual letter forms) and ``bidi.get_display`` (visual, right-to-left
order) first; matplotlib built with libraqm (3.11+) shapes and reorders by
itself and gets the text as written (:func:`shape_arabic` asks matplotlib
which it does). The font is DejaVu Sans, which matplotlib ships and which
has Arabic glyphs.
"""

from __future__ import annotations

import datetime as dt
import functools
import html as html_lib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.pipeline.dumps import write_atomic
from kg.vocab.kinds import EVENT_KINDS, ROLES

# Colours by class (nodes) and by role (edges); shared by the page and the PNG.
CLASS_COLOURS = {
    **{k.type: k.colour for k in EVENT_KINDS},
    "OtherEvent": "#7f7f7f",
    "State": "#6a3d9a",
    "ArmedGroup": "#e6550d",
    "MilitaryForce": "#8c564b",
    "Coalition": "#2ca02c",
    "Person": "#c51b8a",
    "Organisation": "#969696",
    "MilitaryBase": "#31a354",
    "Place": "#bcbd22",
    "Weapon": "#404040",
}
ROLE_COLOURS = {r.name: r.colour for r in ROLES if r.colour}
FONT = "DejaVu Sans"  # ships with matplotlib, has Arabic presentation forms
ARABIC_FONTS = (
    '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New", "Geeza Pro", '
    '"Arabic Typesetting", "Traditional Arabic", "Tahoma", "DejaVu Sans", "Arial", sans-serif'
)


# --------------------------------------------------------------------------- HTML


def _layout(view: nx.MultiDiGraph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions: each connected part laid out on its own (spring layout, fixed seed),
    sized by its number of nodes, and the parts packed in rows, largest first."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(view.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in view.edges() if u != v}))
    parts = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    boxes = []
    for nodes in parts:
        sub = simple.subgraph(nodes)
        radius = 40.0 if len(nodes) == 1 else 75.0 * math.sqrt(len(nodes))
        if len(nodes) == 1:
            pos = {nodes[0]: (0.0, 0.0)}
        else:
            raw = nx.spring_layout(sub, seed=seed, k=2.0 / math.sqrt(len(nodes)), iterations=300)
            xs = [p[0] for p in raw.values()]
            ys = [p[1] for p in raw.values()]
            span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
            cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
            pos = {
                n: ((p[0] - cx) / span * 2 * radius, (p[1] - cy) / span * 2 * radius)
                for n, p in raw.items()
            }
        boxes.append((pos, 2 * radius + 120))
    width = max([b for _, b in boxes[:1]] + [math.sqrt(sum(b * b for _, b in boxes)) * 1.3])
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for pos, size in boxes:
        if x > 0 and x + size > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for n, (px, py) in pos.items():
            out[n] = (round(x + size / 2 + px, 1), round(y + size / 2 + py, 1))
        x += size
        row_h = max(row_h, size)
    return out


def edge_id(u: str, v: str, key: Any) -> str:
    return f"{u}|{v}|{key}"


def page_data(view: nx.MultiDiGraph) -> dict[str, Any]:
    """What the page draws: nodes with positions and evidence, edges with evidence."""
    pos = _layout(view)
    degree = dict(view.degree())
    nodes = []
    for n, d in view.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append(
            {
                "id": n,
                "kind": d.get("kind"),
                "type": d.get("type"),
                "label_ar": d.get("label_ar"),
                "label_en": d.get("label_en"),
                "date": d.get("date"),
                "date_precision": d.get("date_precision"),
                "status": d.get("status"),
                "killed": d.get("killed"),
                "wounded": d.get("wounded"),
                "not_claimed": d.get("not_claimed"),
                "sources": d.get("sources") or [],
                "degree": degree.get(n, 0),
                "x": x,
                "y": y,
            }
        )
    edges = []
    for u, v, key, d in view.edges(keys=True, data=True):
        edges.append(
            {
                "id": edge_id(u, v, key),
                "source": u,
                "target": v,
                "role": d.get("role"),
                "by": d.get("by") or [],
                "sources": d.get("sources") or [],
            }
        )
    xs = [n["x"] for n in nodes] or [0.0]
    ys = [n["y"] for n in nodes] or [0.0]
    pad = 80
    box = [min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad]
    return {
        "viewbox": [round(v, 1) for v in box],
        "view": view.graph.get("view", "events"),
        "nodes": nodes,
        "edges": edges,
        "class_colours": CLASS_COLOURS,
        "role_colours": ROLE_COLOURS,
    }


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # nothing in the data can close the <script> element or start a comment
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.cache
def asset(name: str) -> str:
    """A file of the page (page.js, page.css, errors.js): real files beside this module,
    package data in a wheel, so a linter and the browser tests read them as they are."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


def render_html(view: nx.MultiDiGraph, title: str = "kg: events view") -> str:
    """The page as a string (see the module docstring)."""
    data = page_data(view)
    esc = html_lib.escape
    kinds = sorted({n["kind"] for n in data["nodes"] if n["kind"]})
    types = sorted({n["type"] for n in data["nodes"] if n["type"]})
    roles = sorted({e["role"] for e in data["edges"] if e["role"]})
    filters = "".join(
        f'<label><input type="checkbox" data-kind="{esc(k)}" checked> {esc(k)}</label>'
        for k in kinds
    )
    legend_nodes = "".join(
        f'<span><span class="swatch" style="background:{CLASS_COLOURS.get(t, "#999")}"></span>{esc(t)}</span>'
        for t in types
    )
    legend_edges = "".join(
        f'<span><span class="line" style="background:{ROLE_COLOURS.get(r, "#999")}"></span>{esc(r)}</span>'
        for r in roles
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<script>{asset("errors.js")}</script>
<style>:root {{ --ar: {ARABIC_FONTS}; }}
{asset("page.css")}</style>
</head>
<body>
<header>
<h1>{esc(title)}</h1>
<span>{filters}</span>
<input id="search" type="search" placeholder="search / بحث">
<button id="reset" type="button">reset view</button>
</header>
<header class="legend"><strong>classes</strong> {legend_nodes}</header>
<header class="legend"><strong>roles</strong> {legend_edges}</header>
<main>
<svg id="graph" class="far" xmlns="http://www.w3.org/2000/svg" viewBox="{" ".join(str(v) for v in data["viewbox"])}" preserveAspectRatio="xMidYMid meet"><g id="viewport"></g></svg>
<aside id="panel"><p>Click a node or an edge to see its evidence. Drag to pan, scroll to zoom.</p>
<p dir="rtl" lang="ar">انقر على عقدة أو رابط لعرض الجمل التي استُخرج منها.</p></aside>
</main>
<script type="application/json" id="kg-data">{_json_for_script(data)}</script>
<script>{asset("page.js")}</script>
</body>
</html>
"""


def write_html(view: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    path = Path(path)
    write_atomic(path, render_html(view).encode("utf-8"))
    return path


# --------------------------------------------------------------------------- timeline PNG


@functools.lru_cache(maxsize=1)
def _reshaper():
    import arabic_reshaper
    from arabic_reshaper.ligatures import LIGATURES

    # only the lam-alef ligatures, which every Arabic font has (DejaVu Sans lacks ﷲ and the rest)
    config = {name: name.startswith("ARABIC LIGATURE LAM WITH ALEF") for name, _ in LIGATURES}
    return arabic_reshaper.ArabicReshaper(configuration=config)


@functools.lru_cache(maxsize=1)
def matplotlib_shapes_text() -> bool:
    """Whether matplotlib lays out complex scripts itself (libraqm: shaping and bidi, matplotlib ≥ 3.11).

    Asked of matplotlib, not of its version: lay out "بب" and see whether the
    first letter got its initial form instead of the plain glyph.
    """
    try:
        from matplotlib import _text_helpers, font_manager
        from matplotlib.ft2font import FT2Font

        font = FT2Font(font_manager.findfont(FONT))
        font.set_size(12, 72)
        plain = font.get_char_index(0x0628)
        return any(item.glyph_index != plain for item in _text_helpers.layout("\u0628\u0628", font))
    except (ImportError, AttributeError, RuntimeError, TypeError, ValueError):
        return False


def shape_arabic(text: str) -> str:
    """Arabic as this matplotlib must be given it to draw it joined and right to left.

    Older matplotlib draws code points one by one, left to right: it needs the
    contextual letter forms (arabic_reshaper) in visual order (bidi.get_display).
    Matplotlib with libraqm shapes and reorders by itself: pre-shaped text would
    be reversed a second time, so it gets the text as written.
    """
    if matplotlib_shapes_text():
        return text
    from bidi.algorithm import get_display

    return get_display(_reshaper().reshape(text))


@dataclass(frozen=True)
class Timeline:
    path: Path | None
    events: int  # dated events drawn
    undated: int  # events left out (no date)
    labels: tuple[tuple[str, str], ...]  # Arabic labels: (as written, as given to matplotlib)


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _where(view: nx.MultiDiGraph, eid: str) -> tuple[str | None, str | None]:
    """The place of an event for its label: a location, else a target (as the view's label does)."""
    out: dict[str, list[str]] = {}
    for _, v, d in view.out_edges(eid, data=True):
        out.setdefault(d.get("role"), []).append(v)
    for role in ("location", "target", "destination"):
        if out.get(role):
            n = sorted(out[role])[0]
            return view.nodes[n].get("label_ar"), view.nodes[n].get("label_en")
    return None, None


def timeline_figure(view: nx.MultiDiGraph):
    """A matplotlib Figure of the events by date and type, and its Timeline record (no path)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from kg.analysis.chains import date_interval

    labels: list[tuple[str, str]] = []

    def ar(text: str) -> str:
        shaped = shape_arabic(text)
        labels.append((text, shaped))
        return shaped

    events = []
    undated = 0
    for n, d in sorted(view.nodes(data=True)):
        if d.get("kind") != "event":
            continue
        lo, hi = date_interval(d)
        if not lo or not hi:
            undated += 1
            continue
        events.append((n, d, _day(lo), _day(hi)))
    events.sort(key=lambda e: (e[2], e[3], e[0]))
    order = {"attack": 0, "withdrawal": 1}
    types = sorted(
        {(order.get(d.get("category"), 2), d.get("type") or "?") for _, d, _, _ in events},
        reverse=True,
    )
    rows = {t: i for i, (_, t) in enumerate(types)}
    type_labels: dict[str, tuple[str, str | None]] = {}
    for _, d, _, _ in events:
        type_labels.setdefault(
            d.get("type") or "?",
            (d.get("type_label_en") or d.get("type") or "?", d.get("type_label_ar")),
        )

    if events:
        first, last = date2num(events[0][2]), max(date2num(e[3]) for e in events)
    else:
        first = last = date2num(dt.date.today())
    span = max(last - first, 30.0)
    label_days = span * 0.09  # room a label takes on the time axis, for stacking
    levels: dict[int, list[float]] = {}  # row → the end of the last label on each level
    placed = []
    for n, d, lo, hi in events:
        row = rows[d.get("type") or "?"]
        mid = date2num(lo) + (date2num(hi) - date2num(lo)) / 2
        ends = levels.setdefault(row, [])
        level = next((i for i, end in enumerate(ends) if end < mid), len(ends))
        if level == len(ends):
            ends.append(0.0)
        ends[level] = mid + label_days
        placed.append((n, d, lo, hi, row, level))
    height = [max(len(levels.get(r, [])), 1) for r in range(len(types))]
    base = [sum(height[:r]) * 0.32 + r for r in range(len(types))]

    fig = Figure(figsize=(14, 2.4 + 0.9 * len(types) + 0.28 * sum(height)), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for n, d, lo, hi, row, level in placed:
        colour = CLASS_COLOURS.get(d.get("type"), "#777")
        y = base[row] + 0.32 * level
        mid = date2num(lo) + (date2num(hi) - date2num(lo)) / 2
        if hi > lo:
            ax.plot(
                [date2num(lo), date2num(hi)],
                [y, y],
                color=colour,
                linewidth=4,
                alpha=0.45,
                solid_capstyle="butt",
            )
            ax.plot([mid], [y], marker="s", color=colour, markersize=6)
        else:
            ax.plot([mid], [y], marker="o", color=colour, markersize=7)
        where_ar, where_en = _where(view, n)
        text = ar(where_ar) if where_ar else (where_en or "")
        if text:
            ax.annotate(
                text,
                (mid, y),
                xytext=(6, -3),
                textcoords="offset points",
                fontsize=8,
                family=FONT,
                color="#333",
            )
    ticks = []
    for _, t in types:
        en, label_ar = type_labels.get(t, (t, None))
        ticks.append(f"{en}  {ar(label_ar)}" if label_ar else str(en))
    ax.set_yticks(base)
    ax.set_yticklabels(ticks, family=FONT)
    top = (base[-1] + 0.32 * (height[-1] - 1)) if types else 0
    ax.set_ylim(-0.6, top + 0.8)
    ax.set_xlim(first - span * 0.03, last + span * 0.12)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#eee")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(
        f"kg: events by date and type    {ar('الأحداث حسب التاريخ والنوع')}",
        family=FONT,
        fontsize=13,
    )
    legend = [
        Line2D([], [], marker="o", linestyle="", color="#555", label="day"),
        Line2D(
            [],
            [],
            marker="s",
            linestyle="-",
            linewidth=4,
            alpha=0.6,
            color="#555",
            label="month / year / week",
        ),
    ]
    ax.legend(
        handles=legend,
        loc="upper left",
        bbox_to_anchor=(0, 1.0),
        fontsize=8,
        frameon=False,
        ncols=2,
    )
    note = f"{len(events)} dated events; labels: where (location, else target)"
    if undated:
        note += f"; {undated} events without a date are not shown"
    fig.text(0.01, 0.01, note, fontsize=8, color="#666", family=FONT)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig, Timeline(None, len(events), undated, tuple(labels))


def write_timeline(view: nx.MultiDiGraph, path: str | os.PathLike) -> Timeline:
    """Draw the timeline to a PNG file."""
    import io

    fig, info = timeline_figure(view)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    path = Path(path)
    write_atomic(path, buf.getvalue())
    return Timeline(path, info.events, info.undated, info.labels)
