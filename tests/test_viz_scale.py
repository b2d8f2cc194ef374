"""kg viz at sizes: no scipy needed, more than 500 nodes, and 10,000 events."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from test_viz import needs_chromium, root_attrs

from kg.analysis.viz import (
    NOBODY,
    page_data,
    page_layout,
    timeline_figure,
    write_html,
    write_timeline,
)

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("RocketAttack", "AirStrike", "DroneAttack", "Withdrawal")


@pytest.fixture
def no_scipy(monkeypatch):
    """scipy made unimportable (as on a machine without it)."""
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ImportError):
        import scipy  # noqa: F401


@pytest.fixture(scope="module")
def corpus_view(tmp_path_factory):
    """The events view of a built 250-article synthetic corpus (more than 500 nodes)."""
    from kg.analysis.chains import load_events_view
    from kg.pipeline.build import build

    corpus = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "250", "--out", str(corpus)],
        check=True,
        capture_output=True,
    )
    out = tmp_path_factory.mktemp("out")
    build(corpus, out)
    view = load_events_view(out)
    assert view.number_of_nodes() > 500
    return out, view


def synthetic_view(n_events: int, n_groups: int = 40, n_places: int = 300) -> nx.MultiDiGraph:
    """An events view shaped like kg's, quick to make at any size."""
    g = nx.MultiDiGraph(view="events")
    ent = "https://example.org/entity/"
    for i in range(n_groups):
        g.add_node(
            f"{ent}g{i}",
            kind="agent",
            type="ArmedGroup",
            label_en=f"Group {i}",
            label_ar=f"جماعة {i}",
            sources=[],
        )
    for i in range(n_places):
        g.add_node(
            f"{ent}p{i}",
            kind="place",
            type="MilitaryBase",
            label_en=f"Base {i}",
            label_ar=f"قاعدة {i}",
            sources=[],
        )
    start = dt.date(2019, 1, 1)
    for i in range(n_events):
        eid = f"https://example.org/event/{i:06d}"
        day = (start + dt.timedelta(days=(i * 7919) % 1500)).isoformat()
        undated = i % 50 == 0
        g.add_node(
            eid,
            kind="event",
            type=KINDS[i % 4],
            category="attack",
            type_label_en=KINDS[i % 4],
            type_label_ar="هجوم",
            label_en=f"attack {i}",
            label_ar=f"هجوم {i}",
            date=None if undated else day,
            date_precision=None if undated else "day",
            date_earliest=None if undated else day,
            date_latest=None if undated else day,
            confidence=(i % 10) / 10,
            killed=i % 3,
            wounded=None,
            sources=[{"article": f"{i % 997}.txt", "sentence": f"جملة {i}", "start": 0, "end": 5}],
        )
        if i % 7:  # some events with nobody named
            g.add_edge(eid, f"{ent}g{(i * 31) % n_groups}", role="attacker", by=[], sources=[])
        g.add_edge(eid, f"{ent}p{i % n_places}", role="location", by=[], sources=[])
        if i > 10 and i % 9 == 0:
            g.add_edge(
                eid,
                f"https://example.org/event/{i - 10:06d}",
                role="in_retaliation_for",
                by=[],
                sources=[],
            )
    return g


def test_no_scipy_at_more_than_500_nodes(no_scipy, corpus_view, tmp_path):
    """What stopped `kg viz` on a 300-article corpus: networkx's spring layout needs scipy
    above 500 nodes. The layout is computed without it."""
    _, view = corpus_view
    layout = page_layout(view)
    assert set(layout.pos) == set(view.nodes)
    page = write_html(view, tmp_path / "events.html")
    assert page.stat().st_size > 100_000
    info = write_timeline(view, tmp_path / "timeline.png")
    assert info.events > 200 and len(info.lanes) > 5
    assert "scipy" not in sys.modules or sys.modules["scipy"] is None


def test_cli_viz_without_scipy(no_scipy, corpus_view, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out, _ = corpus_view
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "--graph",
            str(out),
            "--html",
            str(tmp_path / "v.html"),
            "--timeline",
            str(tmp_path / "t.pdf"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF-")


@needs_chromium
def test_page_at_more_than_500_nodes_in_chromium(corpus_view, tmp_path):
    from test_viz import dump_dom

    _, view = corpus_view
    page = write_html(view, tmp_path / "events.html")
    attrs = root_attrs(dump_dom(page, "", tmp_path))
    assert attrs.get("data-ok") == "1" and "data-errors" not in attrs
    assert attrs["data-shown-nodes"] == str(view.number_of_nodes())
    rockets = sum(1 for _, d in view.nodes(data=True) if d.get("type") == "RocketAttack")
    attrs = root_attrs(dump_dom(page, "#types=RocketAttack", tmp_path))
    assert attrs["data-shown-events"] == str(rockets)


def test_10000_events_lay_out_quickly(no_scipy):
    view = synthetic_view(10_000)
    start = time.perf_counter()
    data = page_data(view)
    took = time.perf_counter() - start
    assert took < 30, f"page data for 10,000 events took {took:.1f} s"
    assert len(data["nodes"]) == view.number_of_nodes()
    # lanes: 40 groups and nobody named; not every event label is drawn
    assert len(data["lanes"]) == 41 and data["lanes"][-1]["id"] == NOBODY
    labelled = sum(1 for n in data["nodes"] if n.get("labelled"))
    assert 0 < labelled < 10_000
    assert not data["all_edges"]  # only retaliation links are drawn at first


def test_10000_events_timeline(no_scipy):
    from kg.analysis.viz import MAX_LANES

    view = synthetic_view(10_000)
    fig, info = timeline_figure(view)
    assert info.events == 10_000 - 200
    assert len(info.lanes) == MAX_LANES + 1  # the smallest groups share a lane; nobody last
    assert 0 < info.labelled < info.events
    width, height = fig.get_size_inches() * fig.dpi
    assert width == 1600 and height < 6000
