"""Events on a map: a self-contained Leaflet page and a static picture (matplotlib).

An event is placed at each of its locations (``events.jsonl`` ``locations``) that the
gazetteer gives a point (``geo:hasGeometry`` / ``geo:asWKT``, see docs/DATA_MODEL.md);
events are grouped by place, and each place's popup lists its events (type, date, who,
the evidence sentence). An event with no located place (no location, or only places or
states without a point, such as "Iraq") is never placed at a guessed point: it is listed
beside the map, with its locations.

The page inlines Leaflet (vendored from npm, ``kg/analysis/leaflet``, BSD-2-Clause) and
the data, so it renders its markers offline: no tile server is needed, the background is
plain with a longitude/latitude grid every 5 degrees. ``tiles`` (a URL template such as
``https://tile.openstreetmap.org/{z}/{x}/{y}.png``) adds a tile layer, off by default.

The picture (PNG, SVG or PDF by the file's extension) draws one point per place, its
area proportional to the number of events there, on the same grid.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import OutputError

GEO = "http://www.opengis.net/ont/geosparql#"
LEAFLET_DIR = Path(__file__).parent / "leaflet"
PICTURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$")
GRID_STEP = 5


@dataclass(frozen=True)
class Point:
    lon: float
    lat: float
    source: str | None = None


@dataclass
class Place:
    iri: str
    label_en: str
    label_ar: str
    point: Point
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MapData:
    places: list[Place]
    unlocated: list[dict[str, Any]]  # events with no located place

    @property
    def located_events(self) -> int:
        return len({e["id"] for p in self.places for e in p.events})


# --------------------------------------------------------------------------- data


def load_points(ontology_dir: str | os.PathLike | None = None) -> dict[str, Point]:
    """Entity IRI → its point, from the gazetteer's GeoSPARQL geometries (read by
    :mod:`kg.vocab.gazetteer`, the one reader of the gazetteer)."""
    from kg.vocab.gazetteer import load_gazetteer

    gaz = load_gazetteer(str(ontology_dir) if ontology_dir is not None else None)
    points: dict[str, Point] = {}
    for e in gaz.entities:
        m = _POINT.match(e.wkt) if e.wkt else None
        if m:
            points[e.iri] = Point(float(m.group(1)), float(m.group(2)), e.wkt_source)
    return points


def map_data(events: list[dict[str, Any]], points: dict[str, Point]) -> MapData:
    """Group ``events`` (events.jsonl objects) by their located places."""
    places: dict[str, Place] = {}
    unlocated = []
    for ev in events:
        located = False
        seen = set()
        for loc in ev.get("locations") or []:
            iri = loc.get("iri")
            if iri in seen or iri not in points:
                continue
            seen.add(iri)
            place = places.get(iri)
            if place is None:
                place = places[iri] = Place(
                    iri,
                    loc.get("label_en") or "",
                    loc.get("label_ar") or "",
                    points[iri],
                )
            place.events.append(ev)
            located = True
        if not located:
            unlocated.append(ev)
    ordered = sorted(places.values(), key=lambda p: (-len(p.events), p.label_en, p.iri))
    return MapData(ordered, unlocated)


def load_map_data(
    graph: str | os.PathLike, ontology_dir: str | os.PathLike | None = None
) -> MapData:
    """The map of a build (its output folder, events.jsonl or graph.trig)."""
    from kg.analysis.acled import read_events

    return map_data(read_events(graph), load_points(ontology_dir))


def _names(refs: list[dict[str, Any]] | None) -> list[str]:
    return [r.get("label_en") or r.get("label_ar") or r.get("iri", "") for r in refs or []]


def event_summary(ev: dict[str, Any]) -> dict[str, Any]:
    """What a popup or the list shows of one event."""
    who = []
    for key, role in (
        ("attackers", "attacker"),
        ("claimed_by", "claimed by"),
        ("attributed_to", "accused"),
        ("actors", "actor"),
    ):
        names = _names(ev.get(key))
        if names:
            who.append(f"{role}: {', '.join(names)}")
    sources = ev.get("sources") or []
    evidence = " ".join((sources[0].get("sentence") or "").split()) if sources else ""
    return {
        "id": ev.get("id", ""),
        "type": ev.get("type") or ev.get("category") or "",
        "date": ev.get("date") or "undated",
        "who": "; ".join(who),
        "targets": ", ".join(_names(ev.get("targets"))),
        "locations": ", ".join(_names(ev.get("locations"))),
        "evidence": evidence,
        "article": sources[0].get("article", "") if sources else "",
    }


# --------------------------------------------------------------------------- page


def _vendored(name: str) -> str:
    return (LEAFLET_DIR / name).read_text(encoding="utf-8")


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


_PAGE_JS = r"""
(function () {
  var data = JSON.parse(document.getElementById('kg-map-data').textContent);
  var root = document.documentElement;
  var map = L.map('map', {worldCopyJump: false, preferCanvas: false});
  if (data.tiles) {
    L.tileLayer(data.tiles, {maxZoom: 18, attribution: data.tilesAttribution || ''}).addTo(map);
  }
  var b = data.grid;
  // the view first: Leaflet places layers relative to it
  var bounds = data.places.map(function (p) { return [p.lat, p.lon]; });
  if (bounds.length) {
    map.fitBounds(bounds, {padding: [60, 60], maxZoom: 7});
  } else {
    map.fitBounds([[b.south, b.west], [b.north, b.east]]);
  }
  var grid = L.layerGroup().addTo(map);
  for (var lon = b.west; lon <= b.east; lon += 1) {
    L.polyline([[b.south, lon], [b.north, lon]], {color: lon % b.step ? '#d5dde6' : '#a9b6c4',
      weight: 1, interactive: false}).addTo(grid);
  }
  for (var lat = b.south; lat <= b.north; lat += 1) {
    L.polyline([[lat, b.west], [lat, b.east]], {color: lat % b.step ? '#d5dde6' : '#a9b6c4',
      weight: 1, interactive: false}).addTo(grid);
  }
  // degree labels along the bottom and left edges of the view, redrawn as it moves
  var labels = L.layerGroup().addTo(map);
  function label(ll, s, anchor) {
    L.marker(ll, {interactive: false, keyboard: false,
      icon: L.divIcon({className: 'kg-grid-label', html: s, iconSize: [36, 14], iconAnchor: anchor})}).addTo(labels);
  }
  function drawLabels() {
    labels.clearLayers();
    var v = map.getBounds(), every = map.getZoom() >= 6 ? 1 : b.step;
    var south = v.getSouth(), west = v.getWest();
    for (var x = Math.ceil(west / every) * every; x <= v.getEast(); x += every) label([south, x], x + '°E', [18, 16]);
    for (var y = Math.ceil(south / every) * every; y <= v.getNorth(); y += every) label([y, west], y + '°N', [-4, 7]);
  }
  map.on('moveend', drawLabels);
  drawLabels();
  function text(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = s;
    return el;
  }
  function popup(place) {
    var box = document.createElement('div');
    box.className = 'kg-popup';
    var h = text('h3', null, place.label_en + (place.label_ar ? ' — ' : ''));
    if (place.label_ar) { var ar = text('span', 'ar', place.label_ar); ar.dir = 'rtl'; h.appendChild(ar); }
    box.appendChild(h);
    box.appendChild(text('p', 'count', place.events.length + (place.events.length === 1 ? ' event' : ' events')));
    var ol = document.createElement('ol');
    place.events.forEach(function (e) {
      var li = document.createElement('li');
      li.appendChild(text('b', null, e.type + ', ' + e.date));
      if (e.who) li.appendChild(text('div', 'who', e.who));
      if (e.targets) li.appendChild(text('div', 'targets', 'target: ' + e.targets));
      if (e.evidence) { var q = text('blockquote', 'ar', e.evidence); q.dir = 'rtl'; q.lang = 'ar'; li.appendChild(q); }
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (place.source) {
      var src = text('p', 'source', 'coordinates: ' + place.source);
      box.appendChild(src);
    }
    return box;
  }
  var max = Math.max.apply(null, data.places.map(function (p) { return p.events.length; }).concat([1]));
  data.places.forEach(function (place) {
    var r = 6 + 14 * Math.sqrt(place.events.length / max);
    var m = L.circleMarker([place.lat, place.lon], {
      radius: r, color: '#7a1f1f', weight: 1.5, fillColor: '#d9534f', fillOpacity: 0.75,
      className: 'kg-place'
    }).addTo(map);
    m.bindPopup(popup(place), {maxWidth: 420, maxHeight: 360});
    m.bindTooltip(place.label_en + ' (' + place.events.length + ')');
    if (m._path) m._path.setAttribute('data-place', place.iri);
  });
  root.setAttribute('data-markers', String(document.querySelectorAll('path.kg-place').length));
  root.setAttribute('data-ready', '1');
})();
"""

_PAGE_CSS = """
html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; }
body { display: flex; flex-direction: row; }
#map { flex: 1 1 auto; height: 100%; background: #eef2f6; }
#side { width: 340px; overflow-y: auto; padding: 10px 14px; border-left: 1px solid #ccd; font-size: 13px; }
#side h1 { font-size: 16px; margin: 4px 0 8px; }
#side h2 { font-size: 14px; margin: 14px 0 6px; }
#side li { margin-bottom: 6px; }
.kg-grid-label { color: #7d8a99; font-size: 10px; white-space: nowrap; }
.kg-popup h3 { margin: 0 0 4px; font-size: 14px; }
.kg-popup ol { padding-left: 18px; margin: 4px 0; }
.kg-popup li { margin-bottom: 6px; }
.kg-popup .who, .kg-popup .targets { color: #333; }
.kg-popup blockquote { margin: 3px 0; padding: 2px 6px; border-right: 3px solid #d9534f; background: #faf6f6; }
.kg-popup .source, #side .note { color: #777; font-size: 11px; word-break: break-all; }
.ar { font-family: "DejaVu Sans", "Noto Naskh Arabic", Arial, sans-serif; }
"""


def render_html(data: MapData, tiles: str | None = None, title: str = "kg: events by place") -> str:
    """The map page as one self-contained HTML string (Leaflet and the data inlined)."""
    places = [
        {
            "iri": p.iri,
            "label_en": p.label_en,
            "label_ar": p.label_ar,
            "lon": p.point.lon,
            "lat": p.point.lat,
            "source": p.point.source,
            "events": [event_summary(e) for e in p.events],
        }
        for p in data.places
    ]
    grid = {"west": 25, "east": 65, "south": 10, "north": 45, "step": GRID_STEP}
    payload = {"places": places, "grid": grid, "tiles": tiles or None}
    if tiles:
        payload["tilesAttribution"] = "tiles: " + tiles.split("/")[2] if "//" in tiles else ""
    items = []
    for ev in data.unlocated:
        s = event_summary(ev)
        where = s["locations"] or "no location"
        line = (
            f'<li data-event="{html.escape(s["id"])}"><b>{html.escape(s["type"])}, '
            f"{html.escape(s['date'])}</b> — {html.escape(where)}"
        )
        if s["who"]:
            line += f"<br>{html.escape(s['who'])}"
        if s["evidence"]:
            line += f'<br><span class="ar" dir="rtl" lang="ar">{html.escape(s["evidence"])}</span>'
        items.append(line + "</li>")
    unlocated = "\n".join(items) or "<li>none</li>"
    located_list = "\n".join(
        f"<li>{html.escape(p.label_en)} <span class='ar' dir='rtl'>{html.escape(p.label_ar)}</span>: "
        f"{len(p.events)}</li>"
        for p in data.places
    )
    return f"""<!DOCTYPE html>
<html lang="en" data-places="{len(data.places)}" data-located-events="{data.located_events}" data-unlocated-events="{len(data.unlocated)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_vendored("leaflet.css")}</style>
<style>{_PAGE_CSS}</style>
</head>
<body>
<div id="map"></div>
<aside id="side">
<h1>{html.escape(title)}</h1>
<p>{data.located_events} events at {len(data.places)} places; {len(data.unlocated)} events without a located place.</p>
<h2>Places</h2>
<ol id="places">{located_list}</ol>
<h2>Events without a located place</h2>
<p class="note">Not placed on the map: no location, or only places with no sourced point (a state, a region).</p>
<ol id="unlocated">
{unlocated}
</ol>
<p class="note">Map: Leaflet (BSD-2-Clause), offline; grid every {GRID_STEP}°.</p>
</aside>
<script id="kg-map-data" type="application/json">{_json_script(payload)}</script>
<script>{_vendored("leaflet.js")}</script>
<script>{_PAGE_JS}</script>
</body>
</html>
"""


def write_html(data: MapData, path: str | os.PathLike, tiles: str | None = None) -> Path:
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(data, tiles), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {out} ({exc.strerror})") from None
    return out


# --------------------------------------------------------------------------- picture


def picture_format(path: str | os.PathLike) -> str:
    """The picture format a file's extension asks for: png, svg or pdf."""
    suffix = Path(path).suffix
    fmt = PICTURE_FORMATS.get(suffix.lower())
    if fmt is None:
        raise OutputError(
            f"{path}: cannot tell the picture format from "
            f"{repr(suffix) if suffix else 'a name without an extension'}; "
            f"name the map picture .png, .svg or .pdf"
        )
    return fmt


def map_figure(data: MapData):
    """A matplotlib figure: one point per place, area by number of events, a lon/lat grid."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 7), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    if data.places:
        lons = [p.point.lon for p in data.places]
        lats = [p.point.lat for p in data.places]
        west, east = min(lons) - 2, max(lons) + 2
        south, north = min(lats) - 1.5, max(lats) + 1.5
    else:
        west, east, south, north = 35.0, 50.0, 28.0, 38.0
    # keep the degrees roughly square at these latitudes
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.2)
    ax.set_facecolor("#eef2f6")
    ax.grid(True, color="#b8c4d0", linewidth=0.8)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    biggest = max((len(p.events) for p in data.places), default=1)
    for p in data.places:
        n = len(p.events)
        ax.scatter(
            [p.point.lon],
            [p.point.lat],
            s=60 + 540 * n / biggest,
            color="#d9534f",
            edgecolor="#7a1f1f",
            alpha=0.75,
            zorder=3,
        )
        ax.annotate(
            f"{p.label_en} ({n})",
            (p.point.lon, p.point.lat),
            xytext=(7, 5),
            textcoords="offset points",
            fontsize=8,
            zorder=4,
        )
    ax.set_title(
        f"kg: {data.located_events} events at {len(data.places)} places "
        f"({len(data.unlocated)} without a located place, not drawn)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def write_picture(data: MapData, path: str | os.PathLike) -> Path:
    fmt = picture_format(path)
    out = Path(path)
    fig = map_figure(data)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format=fmt)
    except OSError as exc:
        raise OutputError(f"cannot write {out} ({exc.strerror})") from None
    return out
