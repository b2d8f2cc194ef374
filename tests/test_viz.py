"""kg viz: the self-contained HTML page (checked in headless chromium) and the timeline picture."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import headless_chromium
from typer.testing import CliRunner

from kg.analysis.chains import load_events_view
from kg.analysis.viz import render_html, timeline_figure, write_html, write_timeline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install -y chromium); the HTML page is checked in a real browser",
)
LAM_ALEF = ("\u0644\u0627", "\u0644\u0623", "\u0644\u0625", "\u0644\u0622")


@pytest.fixture(scope="module")
def view(seed_build):
    return load_events_view(seed_build.out)


@pytest.fixture(scope="module")
def page(view, tmp_path_factory) -> Path:
    return write_html(view, tmp_path_factory.mktemp("viz") / "events.html")


def dump_dom(path: Path, fragment: str, tmp_path: Path) -> str:
    url = path.resolve().as_uri() + fragment
    cmd = headless_chromium(
        tmp_path / "chromium-profile",
        "--dump-dom",
        url,
    )
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def root_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html([^>]*)>", dom).group(1)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def panel_of(dom: str) -> str:
    return html.unescape(re.search(r'<aside id="panel".*?</aside>', dom, re.S).group(0))


# --------------------------------------------------------------------------- HTML


def page_json(text: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S).group(
            1
        )
    )


def test_html_is_self_contained(view, page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(
        r"<script[^>]+src=|<link\b|@import|url\(\s*['\"]?https?:|<img\b|<iframe\b", text
    )
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "The Cytoscape Consortium" in text  # the library is inlined, with its licence header
    data = page_json(text)
    assert (
        len(data["nodes"]) == view.number_of_nodes()
        and len(data["edges"]) == view.number_of_edges()
    )
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    # labels in both languages, and every evidence sentence once
    by_id = {n["id"]: n for n in data["nodes"]}
    for slug in ("kataib-hezbollah", "camp-taji", "united-states"):
        iri = f"https://w3id.org/kg-iraq/id/entity/{slug}"
        d = view.nodes[iri]
        assert by_id[iri]["label_en"] == d["label_en"] and by_id[iri]["label_ar"] == d["label_ar"]
    assert len({tuple(s) for s in data["sources"]}) == len(data["sources"])
    assert 'dir="rtl"' in text and "Noto Naskh Arabic" in text
    # the same graph gives the same page
    assert render_html(view) == text


def test_page_layout_is_a_time_by_group_grid(view):
    from kg.analysis.viz import lanes, page_layout

    layout = page_layout(view)
    ln = lanes(view)
    assert set(layout.pos) == set(view.nodes)
    # one lane per group, and the events of a lane inside its band
    assert [lane["id"] for lane in layout.lanes] == list(ln.order)
    band = {lane["id"]: (lane["y"], lane["y"] + lane["h"]) for lane in layout.lanes}
    for n, lane in ln.of.items():
        lo, hi = band[lane]
        assert lo <= layout.pos[n][1] <= hi
    # later events further right
    dated = sorted(
        (view.nodes[n]["date_earliest"], layout.pos[n][0])
        for n in ln.of
        if view.nodes[n]["date_earliest"] and view.nodes[n]["date_precision"] == "day"
    )
    assert [x for _, x in dated] == sorted(x for _, x in dated)


@needs_chromium
def test_html_runs_in_headless_chromium_and_shows_evidence(view, page, tmp_path):
    events = sorted(n for n, d in view.nodes(data=True) if d["kind"] == "event" and d["sources"])
    chosen = events[0]
    dom = dump_dom(page, "#select=" + quote(chosen, safe=""), tmp_path)
    attrs = root_attrs(dom)
    assert attrs.get("data-ok") == "1", "the page script did not finish"
    assert "data-errors" not in attrs
    assert attrs["data-nodes"] == str(view.number_of_nodes())
    assert attrs["data-edges"] == str(view.number_of_edges())
    n_events = sum(1 for _, d in view.nodes(data=True) if d["kind"] == "event")
    assert attrs["data-shown-events"] == str(n_events)
    assert attrs["data-shown-nodes"] == str(view.number_of_nodes())
    assert "<canvas" in dom  # cytoscape drew
    # the click handler filled the panel with the event's evidence and article
    panel = panel_of(dom)
    assert f'data-selected="{chosen}"' in panel
    for src in view.nodes[chosen]["sources"]:
        assert src["sentence"] in panel and src["article"] in panel
    assert '<blockquote dir="rtl" lang="ar" class="evidence">' in panel


def _shown(view, keep) -> int:
    return sum(1 for n, d in view.nodes(data=True) if d["kind"] == "event" and keep(n, d))


@needs_chromium
def test_filters_change_what_is_shown(view, page, tmp_path):
    """The date range, actor, event type and confidence filters (set from the URL fragment)."""
    from kg.analysis.chains import date_interval
    from kg.analysis.viz import event_parties

    kh = "https://w3id.org/kg-iraq/id/entity/kataib-hezbollah"
    cases = {
        "#types=RocketAttack": lambda n, d: d["type"] == "RocketAttack",
        "#types=RocketAttack,AirStrike": lambda n, d: d["type"] in ("RocketAttack", "AirStrike"),
        "#minconf=0.8": lambda n, d: (d["confidence"] or 0) >= 0.8,
        "#from=2020-03-01&to=2020-03-31": lambda n, d: (
            date_interval(d)[0] is not None
            and date_interval(d)[1] >= "2020-03-01"
            and date_interval(d)[0] <= "2020-03-31"
        ),
        "#actor=" + quote(kh, safe=""): lambda n, d: kh in event_parties(view, n),
        "#actor=none": lambda n, d: not event_parties(view, n),
    }
    total = _shown(view, lambda n, d: True)
    seen = set()
    for fragment, keep in cases.items():
        attrs = root_attrs(dump_dom(page, fragment, tmp_path))
        assert attrs.get("data-ok") == "1", fragment
        expected = _shown(view, keep)
        assert 0 < expected < total, fragment  # each case filters something out
        assert attrs["data-shown-events"] == str(expected), fragment
        assert int(attrs["data-shown-nodes"]) < view.number_of_nodes(), fragment
        seen.add(expected)
    assert len(seen) > 2


@needs_chromium
def test_clicking_an_edge_shows_its_evidence(view, page, tmp_path):
    from kg.analysis.viz import edge_id

    edges = sorted(
        (u, v, k, d)
        for u, v, k, d in view.edges(keys=True, data=True)
        if d["role"] == "in_retaliation_for" and d["sources"]
    )
    assert edges, "the seed graph has a retaliation link"
    u, v, k, d = edges[0]
    dom = dump_dom(page, "#select=" + quote(edge_id(u, v, k), safe=""), tmp_path)
    assert root_attrs(dom).get("data-ok") == "1"
    panel = panel_of(dom)
    assert "<h2>in_retaliation_for</h2>" in panel
    assert view.nodes[u]["label_en"] in panel and view.nodes[v]["label_en"] in panel
    assert all(s["sentence"] in panel for s in d["sources"])


@needs_chromium
def test_script_errors_are_reported(page, tmp_path):
    broken = tmp_path / "broken.html"
    text = page.read_text(encoding="utf-8")
    broken.write_text(
        re.sub(r'(id="kg-data">).*?(</script>)', r"\1{not json\2", text, count=1, flags=re.S),
        encoding="utf-8",
    )
    attrs = root_attrs(dump_dom(broken, "", tmp_path))
    assert attrs.get("data-errors") == "1"
    assert "data-ok" not in attrs


# --------------------------------------------------------------------------- timeline PNG


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_timeline_png(view, tmp_path):
    info = write_timeline(view, tmp_path / "timeline.png")
    data = info.path.read_bytes()
    width, height = png_size(data)
    assert 1000 <= width <= 4000 and 400 <= height <= 4000
    assert len(data) > 20_000
    dated = [
        n
        for n, d in view.nodes(data=True)
        if d["kind"] == "event" and (d["date"] or d["date_earliest"])
    ]
    assert info.events == len(dated) > 0
    assert info.undated == sum(1 for _, d in view.nodes(data=True) if d["kind"] == "event") - len(
        dated
    )
    raw = [r for r, _ in info.labels]
    assert "الأحداث حسب التاريخ والجهة المهاجمة أو المتهمة" in raw
    assert "هجوم صاروخي" in raw  # the RocketAttack legend entry
    assert info.format == "png" and info.arrows >= 1 and info.labelled >= 1


MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}


@pytest.mark.parametrize("name", ["t.png", "t.svg", "t.pdf", "T.SVG"])
def test_timeline_format_follows_the_extension(view, tmp_path, name):
    info = write_timeline(view, tmp_path / name)
    data = info.path.read_bytes()
    assert data.startswith(MAGIC[info.format]) and info.format == name[2:].lower()
    if info.format == "svg":
        assert b"<svg" in data[:2000]
    # the same view gives the same bytes
    assert write_timeline(view, tmp_path / ("again-" + name)).path.read_bytes() == data


@pytest.mark.parametrize("name", ["t.jpg", "t", "t.svgz"])
def test_timeline_refuses_an_unknown_extension(view, tmp_path, name):
    from kg.errors import OutputError

    with pytest.raises(OutputError, match=r"\.png, \.svg or \.pdf"):
        write_timeline(view, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_timeline_has_one_lane_per_group(view):
    from kg.analysis.chains import date_interval
    from kg.analysis.viz import NOBODY, event_parties

    fig, info = timeline_figure(view)
    dated = [n for n, d in view.nodes(data=True) if d["kind"] == "event" and date_interval(d)[0]]
    firsts = [(event_parties(view, n) or [NOBODY])[0] for n in dated]
    groups = {g for g in firsts if g != NOBODY}
    assert set(info.lanes) == groups | ({NOBODY} if NOBODY in firsts else set())
    assert len(info.lanes) == len(set(info.lanes))
    assert info.lanes[-1] == NOBODY  # events with nobody named: their own lane, last
    # most events first
    sizes = [firsts.count(g) for g in info.lanes if g != NOBODY]
    assert sizes == sorted(sizes, reverse=True)
    drawn = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))}
    for g in groups:
        en = view.nodes[g]["label_en"]
        assert any(t.startswith(f"{en} (") for t in drawn), en


def _layout(text: str):
    try:
        from matplotlib import _text_helpers, font_manager
        from matplotlib.ft2font import FT2Font
    except ImportError:  # pragma: no cover
        pytest.skip("this matplotlib has no text layout helper to inspect")
    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    font.set_size(12, 72)
    items = sorted(enumerate(_text_helpers.layout(text, font)), key=lambda x: (x[1].x, x[0]))
    return font, [it for _, it in items]


def _base(item) -> str:
    """The letter a laid-out glyph stands for (presentation forms folded to the base letter)."""
    c = chr(item.char) if isinstance(item.char, int) else item.char
    return unicodedata.normalize("NFKC", c)


def test_arabic_labels_are_drawn_joined_and_right_to_left(view):
    """Lay the labels out as matplotlib will draw them: letters joined, in right-to-left order."""
    from bidi.algorithm import get_display

    fig, info = timeline_figure(view)
    drawn = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))}
    checked = 0
    for raw, given in info.labels:
        assert any(given in t for t in drawn)  # this is what matplotlib was given
        if any(x in raw for x in LAM_ALEF):
            continue  # a ligature glyph stands for two letters
        font, items = _layout(given)
        if len(items) != len(raw):
            continue  # the font joined letters into a ligature
        left_to_right = "".join(_base(it) for it in items)
        assert left_to_right == get_display(raw), raw  # the first letter is drawn rightmost
        joined = [it for it in items if it.glyph_index != font.get_char_index(ord(_base(it)[0]))]
        assert joined, f"{raw}: no letter was given its joined form"
        checked += 1
    assert checked >= 5


def test_labels_are_pre_shaped_when_matplotlib_cannot_shape(view, monkeypatch):
    """Matplotlib without libraqm gets reshaped (joined) forms in visual order."""
    from bidi.algorithm import get_display

    import kg.analysis.viz
    from kg.analysis.viz import _reshaper

    monkeypatch.setattr(kg.analysis.viz, "matplotlib_shapes_text", lambda: False)
    _, info = timeline_figure(view)
    assert len(info.labels) >= 5
    for raw, given in info.labels:
        assert given == get_display(_reshaper().reshape(raw))
        letters = [c for c in given if unicodedata.category(c).startswith("L")]
        assert letters and all(
            "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufeff" for c in letters
        ), raw
        if not any(x in raw for x in LAM_ALEF):
            assert unicodedata.normalize("NFKC", given) == get_display(raw)


def test_cli_viz(seed_build, tmp_path):
    from kg.cli import app

    out_html, out_png = tmp_path / "v.html", tmp_path / "t.svg"
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "--graph",
            str(seed_build.out),
            "--html",
            str(out_html),
            "--timeline",
            str(out_png),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out_png.read_bytes().startswith(b"<?xml")  # an SVG, as its name says
    bad = CliRunner().invoke(
        app, ["viz", "--graph", str(seed_build.out), "--timeline", str(tmp_path / "t.gif")]
    )
    assert bad.exit_code != 0 and not (tmp_path / "t.gif").exists()
    assert ".png, .svg or .pdf" in bad.output
