"""`kg serve` serves one generation of the outputs: a rebuild changes nothing until a reload
(SIGHUP or --watch), which switches every worker together; the served generation is leased
so later builds keep it on disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_serve import start_server, stop_server

from kg.pipeline.build import build

ROOT = Path(__file__).resolve().parents[1]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(url: str) -> int:
    q = urllib.parse.urlencode({"query": COUNT})
    req = urllib.request.Request(
        f"{url}/sparql?{q}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.load(resp)
    return int(data["results"]["bindings"][0]["n"]["value"])


def children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (Linux /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in map(int, kids):
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


@pytest.fixture
def two_corpora(tmp_path) -> tuple[Path, Path]:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for p in seeds[:2]:
        shutil.copy(p, a / p.name)
    for p in seeds[:4]:
        shutil.copy(p, b / p.name)
    return a, b


def test_a_rebuild_is_served_only_after_a_reload_and_by_every_worker(two_corpora, tmp_path):
    a, b = two_corpora
    out = tmp_path / "out"
    build(a, out)
    proc, url = start_server(str(out), "--workers", "2")
    try:
        old = count(url)
        build(b, out)  # a new generation while the server runs
        build(b, out)  # and another: the served one must survive both (it is leased)
        # workers that die are replaced from the generation being served, not the new one
        for pid in sorted(children(proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        answers, deadline = [], time.monotonic() + 120
        while len(answers) < 20 and time.monotonic() < deadline:
            try:
                answers.append(count(url))
            except OSError:
                time.sleep(0.5)  # the workers are coming back
        assert len(answers) == 20
        assert set(answers) == {old}, answers
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 120
        new = old
        while new == old and time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                new = count(url)
            except OSError:
                continue
        assert new > old
        assert {count(url) for _ in range(10)} == {new}, "after a reload every worker serves it"
    finally:
        stop_server(proc)


def test_watch_switches_by_itself_and_leases_keep_the_served_generation(two_corpora, tmp_path):
    a, b = two_corpora
    out = tmp_path / "out"
    build(a, out)
    proc, url = start_server(str(out), "--watch", "0.5", "--timeout", "2")
    try:
        old = count(url)
        leases = list((out / ".kg" / "leases").iterdir())
        assert [p.name.split(".", 1)[1] for p in leases] == ["gen-000001"]
        build(b, out)
        deadline = time.monotonic() + 120
        new = old
        while new == old and time.monotonic() < deadline:
            time.sleep(0.3)
            new = count(url)
        assert new > old
        # the old pool is closed, and its lease released, once no query on it can still run
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            held = sorted(p.name.split(".", 1)[1] for p in (out / ".kg" / "leases").iterdir())
            if held == ["gen-000002"]:
                break
            time.sleep(0.3)
        assert held == ["gen-000002"], "the old lease is released once nothing uses it"
    finally:
        stop_server(proc)
    assert not list((out / ".kg" / "leases").iterdir()), "a stopped server holds nothing"
