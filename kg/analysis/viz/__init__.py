"""Pictures of the events view: an interactive HTML page and a timeline picture.

The HTML page is one self-contained file (no network, no CDN): cytoscape.js
(vendored beside this module, ``cytoscape.min.js``, MIT licence in
``cytoscape.LICENSE.txt``) is inlined, the data is embedded as JSON, and the
positions are computed here, so the browser runs no force layout and the page
stays usable at 10,000 events. The layout is a time × group grid
(:func:`page_layout`): one horizontal lane per attacker or accused group
(the event's attacker, else who claimed it, else whom it was attributed to,
else the actor of a withdrawal; "nobody named" last), events placed by date
along x and stacked in rows inside their lane, the group itself at the head
of its lane, and the other entities (places, targets, weapons) in a band
below, each near the dates of its events. It needs neither scipy nor a
networkx layout.

The page filters by date range, actor, event type and confidence, and by the
roles of the links drawn (above 4,000 links only retaliation links are drawn
at first; the links of a selected node are always drawn); labels are drawn
only once zoomed in far enough to read them. Clicking a node or an edge shows
the evidence sentences and article in the side panel. The URL fragment sets
the state on load: ``#select=<id>`` selects a node or an edge (useful to link
to one event), and ``from``, ``to`` (ISO dates), ``actor`` (an IRI, or
``none``), ``types`` (comma-separated) and ``minconf`` set the filters
(``#types=RocketAttack&minconf=0.8``). The page records script errors in
``window.__kgErrors`` / ``data-errors`` and sets ``data-ok="1"`` on
``<html>`` when it has drawn everything, and ``data-shown-events``,
``data-shown-nodes`` and ``data-shown-edges`` after each filter.

The timeline is drawn with matplotlib (Agg, no display): one lane per
attacker or accused group (the same lanes as the page; above
:data:`MAX_LANES` groups the smallest share one lane), one mark per dated
event (a bar for a month, a year or a week window), coloured by event type,
retaliation arrows from an event to the one that answered it, and labels in
English and Arabic placed only where they do not overlap another label (the
count left out is written under the picture). The file's extension chooses
the format: ``.png``, ``.svg`` or ``.pdf``. Matplotlib before 3.11 draws
characters left to right without shaping, so there Arabic labels go through
``arabic_reshaper`` (contextual letter forms) and ``bidi.get_display``
(visual, right-to-left order) first; matplotlib built with libraqm (3.11+)
shapes and reorders by itself and gets the text as written
(:func:`shape_arabic` asks matplotlib which it does). The font is DejaVu
Sans, which matplotlib ships and which has Arabic glyphs.
"""

from __future__ import annotations

import datetime as dt
import functools
import html as html_lib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analysis.chains import PARTY_ROLES, RETALIATION, date_interval
from kg.errors import OutputError
from kg.pipeline.dumps import write_atomic
from kg.vocab.kinds import EVENT_KINDS, ROLES

# Colours by class (nodes) and by role (edges); shared by the page and the picture.
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
# who an event's lane is: the first of these roles that names somebody
PARTY_ORDER = tuple(
    r for r in ("attacker", "claimed_by", "attributed_to", "actor") if r in PARTY_ROLES
)
NOBODY = ""  # the lane of events with nobody named
NOBODY_EN, NOBODY_AR = "nobody named", "لم يذكر أحد"
MAX_LANES = 30  # the timeline's lanes; the smallest groups beyond share one
ALL_EDGES_UP_TO = 4000  # above this, the page draws only retaliation links at first
ENTITY_MENTIONS = 30  # mentions of an entity kept for the page's panel


# --------------------------------------------------------------------------- lanes


def event_parties(view: nx.MultiDiGraph, eid: str) -> list[str]:
    """Who an event is of: the entities in its party roles (attacker, then claimed by,
    attributed to, actor), each once, in that order."""
    by_role: dict[str, list[str]] = {}
    for _, v, d in view.out_edges(eid, data=True):
        if d.get("role") in PARTY_ROLES:
            by_role.setdefault(d["role"], []).append(v)
    out: list[str] = []
    for role in PARTY_ORDER:
        for v in sorted(by_role.get(role, ())):
            if v not in out:
                out.append(v)
    return out


@dataclass(frozen=True)
class Lanes:
    order: tuple[str, ...]  # group IRIs, most events first; NOBODY ("") last if used
    of: dict[str, str]  # event → its lane
    sizes: dict[str, int]  # lane → events in it


def lanes(view: nx.MultiDiGraph) -> Lanes:
    """One lane per group that is the first party of some event, and one for nobody named."""
    of = {}
    for n, d in view.nodes(data=True):
        if d.get("kind") == "event":
            parties = event_parties(view, n)
            of[n] = parties[0] if parties else NOBODY
    sizes: dict[str, int] = {}
    for lane in of.values():
        sizes[lane] = sizes.get(lane, 0) + 1
    order = sorted((k for k in sizes if k != NOBODY), key=lambda k: (-sizes[k], k))
    if NOBODY in sizes:
        order.append(NOBODY)
    return Lanes(tuple(order), of, sizes)


def _names(view: nx.MultiDiGraph, node: str) -> tuple[str, str | None]:
    if node == NOBODY:
        return NOBODY_EN, NOBODY_AR
    d = view.nodes[node]
    return d.get("label_en") or d.get("label_ar") or node.rsplit("/", 1)[-1], d.get("label_ar")


def _mid(lo: str, hi: str) -> float:
    a, b = dt.date.fromisoformat(lo).toordinal(), dt.date.fromisoformat(hi).toordinal()
    return (a + b) / 2


def _events(view: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any], str | None, str | None]]:
    out = []
    for n, d in sorted(view.nodes(data=True)):
        if d.get("kind") == "event":
            lo, hi = date_interval(d)
            out.append((n, d, lo, hi))
    return out


# --------------------------------------------------------------------------- HTML

ROW = 30  # px between rows of events in a lane (room for a two-line label)
GAP = 14  # px an event needs along x before the next one in its row
MAX_ROWS = 40  # rows of a lane; beyond, events overlap


def _pack(items: Iterable[tuple[float, str]], gap: float, max_rows: int) -> dict[str, int]:
    """Rows for items placed along x: each in the first row free at its x (greedy, by x)."""
    ends: list[float] = []
    rows = {}
    for x, key in sorted(items):
        row = next((i for i, end in enumerate(ends) if end <= x), None)
        if row is None:
            if len(ends) < max_rows:
                ends.append(x)
                row = len(ends) - 1
            else:
                row = min(range(len(ends)), key=lambda i: (ends[i], i))
        ends[row] = x + gap
        rows[key] = row
    return rows


def _pack_shifted(
    items: Iterable[tuple[float, str]], gap: float, n_rows: int
) -> dict[str, tuple[float, int]]:
    """(x, row) for items along x in ``n_rows`` rows: each in the row that is free first,
    moved right as far as it must be not to overlap the one before."""
    ends = [float("-inf")] * n_rows
    out = {}
    for x, key in sorted(items):
        row = min(range(n_rows), key=lambda i: (max(ends[i], x), i))
        x = max(x, ends[row])
        ends[row] = x + gap
        out[key] = (round(x, 1), row)
    return out


@dataclass(frozen=True)
class PageLayout:
    pos: dict[str, tuple[float, float]]
    lanes: list[dict[str, Any]]  # {"id", "en", "ar", "y", "h", "events"}
    ticks: list[dict[str, Any]]  # {"x", "label"}
    width: float
    labelled: frozenset[str]  # events whose label overlaps no other in their row


def _lanes_at(view, ln, events, first, span, width):
    """Events in their lanes at a given width: positions, lanes, events labelled, height."""
    undated_x = width + 250
    mids = {n: _mid(lo, hi) for n, _, lo, hi in events if lo and hi}

    def x_of(mid: float | None) -> float:
        return undated_x if mid is None else round((mid - first) / span * width, 1)

    pos: dict[str, tuple[float, float]] = {}
    lane_rows: list[dict[str, Any]] = []
    labelled: set[str] = set()
    y = 0.0
    by_lane: dict[str, list[str]] = {}
    for n, _, _, _ in events:
        by_lane.setdefault(ln.of[n], []).append(n)
    for lane in ln.order:
        members = by_lane.get(lane, [])
        undated = [n for n in members if n not in mids]
        # undated events in a block of columns, 6 deep, after the dated ones
        at = {n: undated_x + (i // 6) * GAP for i, n in enumerate(undated)}
        at.update({n: x_of(mids[n]) for n in members if n in mids})
        rows = _pack(((at[n], n) for n in members), GAP, MAX_ROWS)
        height = (max(rows.values(), default=0) + 1) * ROW + 30
        label_end: dict[int, float] = {}
        for n in sorted(members, key=lambda m: (at[m], m)):
            x = at[n]
            pos[n] = (x, round(y + 15 + ROW / 2 + rows[n] * ROW, 1))
            d = view.nodes[n]
            half = max(len(d.get("label_en") or "") + 13, len(d.get("label_ar") or "")) * 3.0
            if x - half >= label_end.get(rows[n], float("-inf")):
                labelled.add(n)
                label_end[rows[n]] = x + half + 8
        en = NOBODY_EN if lane == NOBODY else view.nodes[lane].get("label_en")
        ar = _names(view, lane)[1]
        lane_rows.append(
            {"id": lane, "en": en, "ar": ar, "y": y, "h": height, "events": len(members)}
        )
        if lane != NOBODY:
            pos[lane] = (-260.0, round(y + height / 2, 1))
        y += height + 16
    return pos, lane_rows, labelled, y


def page_layout(view: nx.MultiDiGraph) -> PageLayout:
    """Positions for the page: a time × group grid (see the module docstring).

    Linear in the number of nodes and edges, deterministic, and needs no scipy."""
    ln = lanes(view)
    events = _events(view)
    dated = [(n, _mid(lo, hi)) for n, _, lo, hi in events if lo and hi]
    first = min((m for _, m in dated), default=0.0)
    last = max((m for _, m in dated), default=1.0)
    span = max(last - first, 1.0)
    width = float(min(max(len(dated) ** 0.5 * 60, 900), 60000))
    for _ in range(6):  # wider until the lanes are about 1.6 times as wide as they are tall
        pos, lane_rows, labelled, y = _lanes_at(view, ln, events, first, span, width)
        if width >= 60000 or width >= 1.6 * y:
            break
        width = min(60000.0, max(width * 1.3, 1.6 * y * 0.8))
    else:
        pos, lane_rows, labelled, y = _lanes_at(view, ln, events, first, span, width)
    undated_x = width + 250

    def x_of(mid: float | None) -> float:
        return undated_x if mid is None else round((mid - first) / span * width, 1)

    mids = {n: m for n, m in dated}
    # the other entities in a band below, each near the dates of its events
    band = y + 60
    others = []
    for n in sorted(view.nodes):
        if n in pos:
            continue
        xs = sorted(pos[m][0] for m in nx.all_neighbors(view, n) if m in pos and m in mids)
        others.append((xs[len(xs) // 2] if xs else width / 2, n))
    placed = _pack_shifted(others, 230.0, max(4, min(12, int(len(others) * 230 / width) + 2)))
    for _, n in others:
        x, row = placed[n]
        pos[n] = (x, round(band + row * 56, 1))
    # ticks along the time axis: years, or months for a short span
    ticks = []
    if dated:
        d0, d1 = dt.date.fromordinal(int(first)), dt.date.fromordinal(int(last) + 1)
        months = (d1.year - d0.year) * 12 + d1.month - d0.month
        step = 1 if months <= 18 else 3 if months <= 48 else 12
        cur = dt.date(d0.year, d0.month, 1)
        while cur <= d1:
            if (cur.month - 1) % step == 0:
                label = cur.strftime("%Y" if step == 12 else "%Y-%m")
                ticks.append({"x": x_of(float(cur.toordinal())), "label": label})
            cur = dt.date(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
    if any(mids.get(n) is None for n, _, _, _ in events):
        ticks.append({"x": undated_x, "label": "undated / بلا تاريخ"})
    return PageLayout(pos, lane_rows, ticks, width, frozenset(labelled))


def edge_id(u: str, v: str, key: Any) -> str:
    return f"{u}|{v}|{key}"


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v is not False}


def page_data(view: nx.MultiDiGraph) -> dict[str, Any]:
    """What the page draws: nodes with positions, edges, lanes, and the evidence sentences
    (each sentence once, in ``sources``; nodes and edges refer to them by index)."""
    layout = page_layout(view)
    degree = dict(view.degree())
    sources: list[list[Any]] = []
    seen: dict[tuple[Any, ...], int] = {}

    def refs(items: list[dict[str, Any]] | None) -> list[int]:
        out = []
        for s in items or ():
            key = (
                s.get("article"),
                s.get("start"),
                s.get("end"),
                s.get("sentence") or s.get("quote"),
            )
            if key not in seen:
                seen[key] = len(sources)
                sources.append(list(key))
            out.append(seen[key])
        return out

    index = {}
    nodes = []
    for n, d in sorted(view.nodes(data=True)):
        index[n] = len(nodes)
        x, y = layout.pos.get(n, (0.0, 0.0))
        src = d.get("sources") or []
        event = d.get("kind") == "event"
        lo, hi = date_interval(d) if event else (None, None)
        kept = src if event else src[:ENTITY_MENTIONS]
        nodes.append(
            _drop_none(
                {
                    "id": n,
                    "kind": d.get("kind"),
                    "type": d.get("type"),
                    "label_ar": d.get("label_ar"),
                    "label_en": d.get("label_en"),
                    "date": d.get("date"),
                    "date_precision": d.get("date_precision"),
                    "lo": lo,
                    "hi": hi,
                    "status": d.get("status"),
                    "killed": d.get("killed"),
                    "wounded": d.get("wounded"),
                    "not_claimed": d.get("not_claimed"),
                    "confidence": d.get("confidence"),
                    "parties": event_parties(view, n) if event else None,
                    "src": refs(kept),
                    "more": len(src) - len(kept) or None,
                    "degree": degree.get(n, 0),
                    "labelled": n in layout.labelled,
                    "x": float(x),
                    "y": float(y),
                }
            )
        )
    edges = []
    for u, v, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: e[:3]):
        edges.append(
            _drop_none(
                {
                    "s": index[u],
                    "t": index[v],
                    "k": key,
                    "role": d.get("role"),
                    "by": d.get("by") or [],
                    "src": refs(d.get("sources")),
                }
            )
        )
    types = sorted({n.get("type") for n in nodes if n.get("kind") == "event" and n.get("type")})
    return {
        "view": view.graph.get("view", "events"),
        "nodes": nodes,
        "edges": edges,
        "sources": sources,
        "lanes": layout.lanes,
        "ticks": layout.ticks,
        "width": layout.width,
        "event_types": types,
        "all_edges": len(edges) <= ALL_EDGES_UP_TO,
        "class_colours": CLASS_COLOURS,
        "role_colours": ROLE_COLOURS,
    }


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # nothing in the data can close the <script> element or start a comment
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.cache
def asset(name: str) -> str:
    """A file of the page (page.js, page.css, errors.js, cytoscape.min.js): real files beside
    this module, package data in a wheel, so a linter and the browser tests read them as they are."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


def _inline_script(text: str) -> str:
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def render_html(view: nx.MultiDiGraph, title: str = "kg: events view") -> str:
    """The page as a string (see the module docstring)."""
    data = page_data(view)
    esc = html_lib.escape
    nodes = data["nodes"]
    type_names = {}
    for _, d in view.nodes(data=True):
        if d.get("kind") == "event" and d.get("type"):
            type_names.setdefault(d["type"], (d.get("type_label_en"), d.get("type_label_ar")))
    counts: dict[str, int] = {}
    for n in nodes:
        if n.get("kind") == "event":
            counts[n["type"]] = counts.get(n["type"], 0) + 1
    type_boxes = "".join(
        f'<label title="{esc(type_names[t][1] or "")}"><input type="checkbox" data-type="{esc(t)}" checked>'
        f'<span class="swatch" style="background:{CLASS_COLOURS.get(t, "#999")}"></span>'
        f"{esc(type_names[t][0] or t)} ({counts.get(t, 0)})</label>"
        for t in data["event_types"]
    )
    roles = sorted({e["role"] for e in data["edges"] if e.get("role")})
    role_boxes = "".join(
        f'<label><input type="checkbox" data-role="{esc(r)}"'
        f"{' checked' if data['all_edges'] or r == RETALIATION else ''}>"
        f'<span class="line" style="background:{ROLE_COLOURS.get(r, "#999")}"></span>{esc(r)}</label>'
        for r in roles
    )
    actors: dict[str, int] = {}
    for n in nodes:
        for p in n.get("parties", ()):
            actors[p] = actors.get(p, 0) + 1
    actor_options = "".join(
        f'<option value="{esc(a)}">{esc(_names(view, a)[0])} · {esc(_names(view, a)[1] or "")} ({c})</option>'
        for a, c in sorted(actors.items(), key=lambda x: (-x[1], x[0]))
    )
    dates = sorted(n[k] for n in nodes for k in ("lo", "hi") if n.get(k))
    lo, hi = (dates[0], dates[-1]) if dates else ("", "")
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
<label>from <input id="from" type="date" min="{lo}" max="{hi}"></label>
<label>to <input id="to" type="date" min="{lo}" max="{hi}"></label>
<label>actor <select id="actor"><option value="">all / الكل</option><option value="none">{NOBODY_EN} / {NOBODY_AR}</option>{actor_options}</select></label>
<label>confidence ≥ <input id="minconf" type="range" min="0" max="1" step="0.05" value="0"> <output id="minconf-value">0.00</output></label>
<input id="search" type="search" placeholder="search / بحث">
<button id="reset" type="button">reset</button>
<span id="count" class="meta"></span>
</header>
<header class="legend"><strong>event types</strong> {type_boxes}</header>
<header class="legend"><strong>links</strong> {role_boxes}</header>
<main>
<div id="graph"></div>
<aside id="panel"><p>Click a node or a link to see its evidence. Drag to pan, scroll to zoom; labels appear as you zoom in.
One lane per attacker or accused group, events by date from left to right; places, targets and weapons below.</p>
<p dir="rtl" lang="ar">انقر على عقدة أو رابط لعرض الجمل التي استُخرج منها.</p></aside>
</main>
<script type="application/json" id="kg-data">{_json_for_script(data)}</script>
<script>{_inline_script(asset("cytoscape.min.js"))}</script>
<script>{asset("page.js")}</script>
</body>
</html>
"""


def write_html(view: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    path = Path(path)
    write_atomic(path, render_html(view).encode("utf-8"))
    return path


# --------------------------------------------------------------------------- timeline picture


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


TIMELINE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
OTHERS = "*"  # the lane of the smallest groups beyond MAX_LANES


@dataclass(frozen=True)
class Timeline:
    path: Path | None
    events: int  # dated events drawn
    undated: int  # events left out (no date)
    labels: tuple[tuple[str, str], ...]  # Arabic labels: (as written, as given to matplotlib)
    lanes: tuple[str, ...] = ()  # top to bottom: a group's IRI, OTHERS, or NOBODY
    labelled: int = 0  # events drawn with a label (the others' would have overlapped)
    arrows: int = 0  # retaliation arrows drawn
    format: str = "png"


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


DPI = 100
FIG_W = 16.0  # inches
LEFT, RIGHT = 2.9, 0.3  # inches: lane names, margin
LABEL_ROW = 0.34  # inches: a two-line label (English over Arabic)
MARK_ROW = 0.1  # inches between rows of marks
LABEL_PT = 7.0


def _text_px(text: str, pt: float = LABEL_PT) -> float:
    return len(text) * pt * 0.64 * DPI / 72


def timeline_figure(view: nx.MultiDiGraph):
    """A matplotlib Figure of the events by date, one lane per group, and its Timeline record."""
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    labels: list[tuple[str, str]] = []

    def ar(text: str) -> str:
        shaped = shape_arabic(text)
        labels.append((text, shaped))
        return shaped

    ln = lanes(view)
    everything = _events(view)
    events = [(n, d, lo, hi) for n, d, lo, hi in everything if lo and hi]
    undated = len(everything) - len(events)
    groups = [g for g in ln.order if g != NOBODY and any(ln.of[n] == g for n, *_ in events)]
    merged: set[str] = set()
    if len(groups) > MAX_LANES:
        merged = set(groups[MAX_LANES - 1 :])
        groups = groups[: MAX_LANES - 1] + [OTHERS]
    order = groups + ([NOBODY] if any(ln.of[n] == NOBODY for n, *_ in events) else [])

    def lane_of(n: str) -> str:
        return OTHERS if ln.of[n] in merged else ln.of[n]

    epoch = dt.date(1970, 1, 1).toordinal()  # matplotlib's day 0

    def day(s: str) -> int:
        return dt.date.fromisoformat(s).toordinal() - epoch

    def mid_of(lo: str, hi: str) -> float:
        return _mid(lo, hi) - epoch

    first = min((day(lo) for _, _, lo, _ in events), default=0)
    last = max((day(hi) + 1 for _, _, _, hi in events), default=first + 1)
    span = max(last - first, 30)
    x0, x1 = first - span * 0.02, last + span * 0.1
    axis_px = (FIG_W - LEFT - RIGHT) * DPI
    px_per_day = axis_px / (x1 - x0)
    max_label_rows = 3 if len(order) <= 8 else 2
    max_mark_rows = 4 if len(order) <= 8 else 3

    # per lane: rows of marks, and labels placed where they overlap no other label
    plan = []  # (lane, top, height, [(n, d, lo, hi, mark_row)], {n: label_row}, label rows)
    top = 0.0
    label_texts: dict[str, tuple[str, str | None]] = {}
    for lane in order:
        members = [e for e in events if lane_of(e[0]) == lane]
        marks = _pack(
            ((mid_of(lo, hi) * px_per_day, n) for n, _, lo, hi in members), 9.0, max_mark_rows
        )
        rows: list[list[tuple[float, float]]] = []
        placed: dict[str, int] = {}

        def weight(e):
            d = e[1]
            hurt = (d.get("killed") or 0) + (d.get("wounded") or 0)
            return (-hurt, -(d.get("confidence") or 0), e[2], e[0])

        for n, d, lo, hi in sorted(members, key=weight):
            where_ar, where_en = _where(view, n)
            en = where_en or d.get("type_label_en") or d.get("type") or ""
            label_ar = where_ar or d.get("type_label_ar")
            label_texts[n] = (en, label_ar)
            x = (mid_of(lo, hi) - x0) * px_per_day
            w = max(_text_px(en), _text_px(label_ar or "")) + 10
            box = (x - 2, x + w)
            if box[1] > axis_px:
                continue
            row = next(
                (
                    i
                    for i, taken in enumerate(rows)
                    if all(b[1] < box[0] or b[0] > box[1] for b in taken)
                ),
                None,
            )
            if row is None and len(rows) < max_label_rows:
                rows.append([])
                row = len(rows) - 1
            if row is None:
                continue
            rows[row].append(box)
            placed[n] = row
        n_rows = len(rows)
        n_marks = max(marks.values(), default=0) + 1
        height = 0.12 + n_rows * LABEL_ROW + 0.08 + n_marks * MARK_ROW + 0.12
        plan.append((lane, top, height, members, marks, placed, n_rows))
        top += height

    head, foot = 1.05, 0.75
    fig_h = top + head + foot
    fig = Figure(figsize=(FIG_W, fig_h), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((LEFT / FIG_W, foot / fig_h, (FIG_W - LEFT - RIGHT) / FIG_W, top / fig_h))
    ax.set_xlim(x0, x1)
    ax.set_ylim(top, 0)
    ylab = ax.get_yaxis_transform()
    where: dict[str, tuple[float, float]] = {}
    by_type: dict[str, list[tuple[float, float]]] = {}
    bars: dict[str, list[list[tuple[float, float]]]] = {}
    leaders = []
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]  # labels over arrows
    for i, (lane, lane_top, height, members, marks, placed, n_rows) in enumerate(plan):
        if i % 2 == 0:
            ax.axhspan(lane_top, lane_top + height, color="#f3f3f3", zorder=0, linewidth=0)
        if lane == OTHERS:
            en, label_ar = f"{len(merged)} other groups", "جهات أخرى"
        else:
            en = view.nodes[lane].get("label_en") if lane != NOBODY else NOBODY_EN
            label_ar = _names(view, lane)[1]
        size = len(members)
        ax.text(
            -0.01,
            lane_top + height / 2,
            f"{en} ({size})" if en else f"({size} events)",
            transform=ylab,
            ha="right",
            va="bottom",
            fontsize=9,
            family=FONT,
        )
        if label_ar:
            ax.text(
                -0.01,
                lane_top + height / 2,
                ar(label_ar),
                transform=ylab,
                ha="right",
                va="top",
                fontsize=9,
                family=FONT,
            )
        band = lane_top + 0.12 + n_rows * LABEL_ROW + 0.08
        for n, d, lo, hi in members:
            y = band + (marks[n] + 0.5) * MARK_ROW
            mid = mid_of(lo, hi)
            t = d.get("type") or "?"
            where[n] = (mid, y)
            by_type.setdefault(t, []).append((mid, y))
            if hi > lo:
                bars.setdefault(t, []).append([(day(lo), y), (day(hi) + 1, y)])
            if n in placed:
                ly = lane_top + 0.12 + placed[n] * LABEL_ROW + LABEL_ROW / 2
                leaders.append([(mid, y), (mid, ly + 0.11)])
                en_text, ar_text = label_texts[n]
                ax.text(
                    mid,
                    ly,
                    en_text,
                    fontsize=LABEL_PT,
                    family=FONT,
                    color="#222",
                    ha="left",
                    va="bottom",
                    zorder=4,
                    path_effects=halo,
                )
                if ar_text:
                    ax.text(
                        mid,
                        ly,
                        ar(ar_text),
                        fontsize=LABEL_PT,
                        family=FONT,
                        color="#222",
                        ha="left",
                        va="top",
                        zorder=4,
                        path_effects=halo,
                    )
    ax.add_collection(LineCollection(leaders, colors="#bbbbbb", linewidths=0.5, zorder=1))
    for t, segs in sorted(bars.items()):
        ax.add_collection(
            LineCollection(
                segs, colors=CLASS_COLOURS.get(t, "#777"), linewidths=4, alpha=0.4, zorder=2
            )
        )
    for t, pts in sorted(by_type.items()):
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=16,
            color=CLASS_COLOURS.get(t, "#777"),
            edgecolors="white",
            linewidths=0.4,
            zorder=3,
        )
    links = [
        (u, v)
        for u, v, d in sorted(view.edges(data=True), key=lambda e: (e[0], e[1]))
        if d.get("role") == RETALIATION and u in where and v in where
    ]
    # many arrows: thinner and lighter, so that the marks and labels stay readable
    fade = min(1.0, (200 / len(links)) ** 0.5) if links else 1.0
    arrows = 0
    for u, v in links:
        ax.annotate(
            "",
            annotation_clip=True,
            xy=where[u],
            xytext=where[v],
            zorder=3.5,
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#000",
                "lw": 0.6 if fade == 1.0 else 0.4,
                "alpha": max(0.1, 0.5 * fade),
                "shrinkA": 3,
                "shrinkB": 3,
                "mutation_scale": 8,
                "connectionstyle": "arc3,rad=-0.12",
            },
        )
        arrows += 1
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_yticks([])
    ax.grid(axis="x", color="#e4e4e4", zorder=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.text(
        0.01,
        1 - 0.3 / fig_h,
        "kg: events by date, one lane per attacker or accused group",
        family=FONT,
        fontsize=13,
        va="center",
    )
    fig.text(
        0.99,
        1 - 0.3 / fig_h,
        ar("الأحداث حسب التاريخ والجهة المهاجمة أو المتهمة"),
        family=FONT,
        fontsize=13,
        va="center",
        ha="right",
    )
    handles = []
    for t in sorted(by_type):
        info = next(d for _, d, _, _ in events if (d.get("type") or "?") == t)
        name = info.get("type_label_en") or t
        if info.get("type_label_ar"):
            name += "  " + ar(info["type_label_ar"])
        handles.append(
            Line2D([], [], marker="o", linestyle="", color=CLASS_COLOURS.get(t, "#777"), label=name)
        )
    handles.append(
        Line2D(
            [], [], marker=">", linestyle="-", color="#000", label="answered → answer (retaliation)"
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="-",
            linewidth=4,
            alpha=0.5,
            color="#777",
            label="date known to a week / month / year",
        )
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.01, 1 - 0.48 / fig_h),
        ncols=min(len(handles), 5),
        fontsize=8,
        frameon=False,
        prop={"family": FONT, "size": 8},
    )
    labelled = sum(len(p[5]) for p in plan)
    note = (
        f"{len(events)} dated events in {len(order)} lanes; labels (where: location, else target) "
        f"on {labelled}, left out where they would overlap"
    )
    if merged:
        note += f"; the {len(merged)} smallest groups share one lane"
    if undated:
        note += f"; {undated} events without a date are not shown"
    fig.text(0.01, 0.12 / fig_h, note, fontsize=8, color="#555", family=FONT)
    info = Timeline(None, len(events), undated, tuple(labels), tuple(order), labelled, arrows)
    return fig, info


def timeline_format(path: str | os.PathLike) -> str:
    """The picture format a timeline file's extension asks for: png, svg or pdf."""
    suffix = Path(path).suffix
    fmt = TIMELINE_FORMATS.get(suffix.lower())
    if fmt is None:
        raise OutputError(
            f"{path}: cannot tell the picture format from "
            f"{repr(suffix) if suffix else 'a name without an extension'}; "
            f"name the timeline file .png, .svg or .pdf"
        )
    return fmt


def write_timeline(view: nx.MultiDiGraph, path: str | os.PathLike) -> Timeline:
    """Draw the timeline to ``path``: PNG, SVG or PDF as its extension says."""
    import io

    from matplotlib import rc_context

    path = Path(path)
    fmt = timeline_format(path)
    fig, info = timeline_figure(view)
    buf = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    with rc_context({"svg.hashsalt": "kg", "svg.fonttype": "path", "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, metadata=metadata)
    write_atomic(path, buf.getvalue())
    return Timeline(
        path, info.events, info.undated, info.labels, info.lanes, info.labelled, info.arrows, fmt
    )
