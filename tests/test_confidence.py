"""Confidence: it ranks what the text gives, and every reader can filter on it.

The articles are written for the tests; the seed build checks the filters on real data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.analysis.chains import find_chains
from kg.analysis.views import to_networkx
from kg.cli import app
from kg.errors import KgError
from kg.pipeline.build import build


def _events(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "events.jsonl").read_text("utf-8").splitlines()]


def _threshold(events: list[dict]) -> float:
    values = sorted({e["confidence"] for e in events})
    assert len(values) >= 3, values  # the seeds' events do not all score alike
    return values[len(values) // 2]


def test_a_precise_dated_report_scores_above_a_vague_one(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "precise.txt").write_text(
        "الأنبار - استهدف صاروخ قاعدة عين الأسد الجوية يوم 3 مارس 2024، "
        "وتبنت المقاومة الإسلامية في العراق الهجوم.\n",
        encoding="utf-8",
    )
    (corpus / "vague.txt").write_text("وقع هجوم في العراق، بحسب مصادر.\n", encoding="utf-8")
    build(corpus, tmp_path / "out")
    events = {e["sources"][0]["article"]: e for e in _events(tmp_path / "out")}
    assert "precise.txt" in events
    if "vague.txt" in events:  # a report with nothing concrete may not be an event at all
        assert events["precise.txt"]["confidence"] > events["vague.txt"]["confidence"]
    place = events["precise.txt"]["locations"][0]
    assert place["confidence"] > 0.5


def test_the_events_view_keeps_only_confident_events(seed_build):
    events = _events(seed_build.out)
    x = _threshold(events)
    want = {e["id"] for e in events if e["confidence"] >= x}
    view = to_networkx(seed_build.out, min_confidence=x)
    got = {n for n, d in view.nodes(data=True) if d.get("kind") == "event"}
    assert got == want
    full = to_networkx(seed_build.out)
    assert set(full.nodes) > set(view.nodes)
    assert all(view.degree(n) > 0 for n in view.nodes)


def test_chains_leave_out_the_events_below_the_minimum(seed_build):
    events = _events(seed_build.out)
    x = _threshold(events)
    low = {e["id"] for e in events if e["confidence"] < x}
    result = find_chains(seed_build.out, min_confidence=x)
    shown = {ev.id for chain in result.chains for ev in chain.events}
    assert shown and not (shown & low)


def test_a_named_query_filters_by_confidence(seed_build):
    events = _events(seed_build.out)
    x = _threshold(events)
    g = kg.load(seed_build.out)
    rows = kg.query(g, "confident-events", {"min_confidence": x})
    assert {str(r["event"]) for r in rows} == {e["id"] for e in events if e["confidence"] >= x}
    with pytest.raises(KgError, match="decimal"):
        kg.query(g, "confident-events", {"min_confidence": "high"})


def test_the_command_line_takes_a_minimum_and_refuses_one_out_of_range(seed_build, tmp_path):
    runner = CliRunner()
    out = tmp_path / "view.json"
    ok = runner.invoke(
        app,
        [
            "export",
            "-o",
            str(out),
            "-f",
            "json",
            "-g",
            str(seed_build.out),
            "--min-confidence",
            "0.7",
        ],
    )
    assert ok.exit_code == 0, ok.output
    data = json.loads(out.read_text("utf-8"))
    confidences = [n["confidence"] for n in data["nodes"] if n.get("kind") == "event"]
    assert confidences and min(confidences) >= 0.7
    bad = runner.invoke(app, ["chains", "-g", str(seed_build.out), "--min-confidence", "1.5"])
    assert bad.exit_code != 0
    actors = runner.invoke(
        app,
        [
            "export",
            "-o",
            str(out),
            "--view",
            "actors",
            "-g",
            str(seed_build.out),
            "--min-confidence",
            "0.5",
        ],
    )
    assert actors.exit_code != 0 and "events view" in actors.output
