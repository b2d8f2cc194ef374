"""kg viz: the self-contained HTML page (checked in headless chromium) and the timeline PNG."""

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
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def root_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html([^>]*)>", dom).group(1)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def panel_of(dom: str) -> str:
    return html.unescape(re.search(r'<aside id="panel".*?</aside>', dom, re.S).group(0))


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained(view, page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(
        r"<script[^>]+src=|<link\b|@import|url\(\s*['\"]?https?:|<img\b|<iframe\b", text
    )
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    data = json.loads(
        re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S).group(
            1
        )
    )
    assert (
        len(data["nodes"]) == view.number_of_nodes()
        and len(data["edges"]) == view.number_of_edges()
    )
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert 'dir="rtl"' in text and "Noto Naskh Arabic" in text
    # the same graph gives the same page
    assert render_html(view) == text


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
    # every node is drawn, with its labels in both languages
    assert len(re.findall(r'<g class="node[^"]*" data-id=', dom)) == view.number_of_nodes()
    text = html.unescape(dom)
    for slug in ("kataib-hezbollah", "camp-taji", "united-states"):
        d = view.nodes[f"https://w3id.org/kg-iraq/id/entity/{slug}"]
        assert f">{d['label_en']}</text>" in text and f">{d['label_ar']}</text>" in text
    assert re.search(r'<text class="ar" lang="ar" direction="rtl"', dom)
    # the click handler filled the panel with the event's evidence and article
    panel = panel_of(dom)
    assert f'data-selected="{chosen}"' in panel
    for src in view.nodes[chosen]["sources"]:
        assert src["sentence"] in panel and src["article"] in panel
    assert '<blockquote dir="rtl" lang="ar" class="evidence">' in panel


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
    assert "الأحداث حسب التاريخ والنوع" in raw
    assert "هجوم صاروخي" in raw  # the RocketAttack row


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

    out_html, out_png = tmp_path / "v.html", tmp_path / "t.png"
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
    png_size(out_png.read_bytes())
