"""Crash safety: `kg build` killed with SIGKILL at several moments never damages --out.

One output folder goes through a sequence of builds and kills:

1. a clean build of corpus A (the seeds): the "previous outputs";
2. builds of corpus B (200 generated articles) killed at 0.2 s, 0.5 s, 1 s and in
   the middle of extraction (once the cache holds 20 of B's articles);
3. a build of B to the end: it reuses what the killed builds cached and gives the
   bytes of a clean build of B in another folder;
4. builds of A killed while each file of the new set is being written (the
   unfinished generation folder holds it), and at moments spread over the whole
   writing phase, the switch included; then a build of A to the end.

After every kill the outputs are, byte for byte, either all the previous set or
all the new set (never torn, never a mix of the two), they parse, nothing but
kg's own names is left in --out, and the next build clears what the killed one
left in ``.kg/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OUTPUTS, output_bytes

ROOT = Path(__file__).resolve().parents[1]
FORMATS = {
    "graph.trig": ox.RdfFormat.TRIG,
    "graph.nq": ox.RdfFormat.N_QUADS,
    "graph.ttl": ox.RdfFormat.TURTLE,
}
BASES = [
    "عين الأسد",
    "التاجي",
    "بلد",
    "القائم",
    "الحبانية",
    "فكتوريا",
    "بسماية",
    "الحرير",
    "كركوك",
    "القيارة",
]
NAMES = ["الصقر", "النصر", "الرشيد", "المثنى", "الكرامة", "الشهداء", "الفجر", "الأمل"]
KG_NAMES = {".kg", ".kg-output"}
LINK_TMP = re.compile(r"^\.[\w.-]+\.kg-(?:link|new)\.tmp$")


def make_corpus(folder: Path, n: int = 200) -> Path:
    """``n`` articles: the first lines of the seeds with bases and names varied, dated apart."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    rows = ["file,published"]
    for i in range(n):
        t = "\n".join(texts[i % len(texts)].splitlines()[:4])
        for k, base in enumerate(BASES):
            t = t.replace(base, BASES[(k + i) % len(BASES)])
        name = f"art{i:03d}.txt"
        (folder / name).write_text(
            f"هجوم على معسكر {NAMES[i % len(NAMES)]} {i}\n{t}", encoding="utf-8"
        )
        rows.append(f"{name},{dt.date(2020, 1, 1) + dt.timedelta(days=3 * i)}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def kg_build(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def start_build(corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,  # its own process group: the kill reaches any worker it started
    )


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> bool:
    """SIGKILL the build as soon as ``ready()``; False if the build ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ready():
            kill(proc)
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    kill(proc)
    return False


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: output_bytes(out / name) for name in OUTPUTS if (out / name).exists()}


def parse_outputs(files: dict[str, bytes]) -> None:
    for name, fmt in FORMATS.items():
        assert list(ox.parse(files[name], format=fmt)), name
    for line in files["events.jsonl"].decode("utf-8").splitlines():
        json.loads(line)
    json.loads(files["build-report.json"])


def hidden_leftovers(out: Path) -> list[str]:
    """What a killed build left: in --out only kg's names; the rest is inside .kg/."""
    names = sorted(os.listdir(out))
    bad = [n for n in names if n not in OUTPUTS and n not in KG_NAMES and not LINK_TMP.match(n)]
    assert not bad, f"files in --out that kg does not own: {bad}"
    left = [n for n in names if LINK_TMP.match(n)]
    left += [f"tmp/{n}" for n in os.listdir(out / ".kg" / "tmp")]
    left += [f"generations/{n}" for n in os.listdir(generations(out)) if n.endswith(".partial")]
    return left


def generations(out: Path) -> Path:
    return out / ".kg" / "generations"


def partial_holds(out: Path, pattern: re.Pattern) -> bool:
    """An unfinished generation holds a file whose name matches ``pattern``."""
    try:
        for g in os.listdir(generations(out)):
            if g.endswith(".partial") and any(
                pattern.match(n) for n in os.listdir(generations(out) / g)
            ):
                return True
    except FileNotFoundError:
        return False
    return False


def cache_entries(out: Path) -> list[Path]:
    folder = out / ".kg" / "cache"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    a = ROOT / "seeds"
    b = make_corpus(base / "B")
    ref_a, ref_b = base / "ref-A", base / "ref-B"
    assert kg_build(a, ref_a, "-q").returncode == 0
    t0 = time.perf_counter()
    assert kg_build(b, ref_b, "-q").returncode == 0
    print(f"clean build of 200 articles: {time.perf_counter() - t0:.1f} s")
    files_a, files_b = snapshot(ref_a), snapshot(ref_b)
    parse_outputs(files_a)
    parse_outputs(files_b)
    return {"base": base, "A": a, "B": b, "files_A": files_a, "files_B": files_b}


def assert_old_or_new(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """Every output is the previous one or the new one, whole; returns 'old', 'new' or 'mixed'."""
    now = snapshot(out)
    assert set(now) == set(OUTPUTS), sorted(now)
    states = set()
    for name in OUTPUTS:
        if now[name] == old[name]:
            states.add("old")
        elif now[name] == new[name]:
            states.add("new")
        else:
            pytest.fail(
                f"{name} after a kill is neither the previous nor the new output (torn write)"
            )
    return states.pop() if len(states) == 1 else "mixed"


def test_kill_9_never_damages_the_outputs(corpora):
    out = corpora["base"] / "out"
    a, b = corpora["A"], corpora["B"]
    files_a, files_b = corpora["files_A"], corpora["files_B"]
    assert kg_build(a, out, "-q").returncode == 0
    assert snapshot(out) == files_a

    # --- killed while starting and while extracting: the previous outputs stay -------
    for delay in (0.2, 0.5, 1.0):
        proc = start_build(b, out)
        time.sleep(delay)
        kill(proc)
        assert assert_old_or_new(out, files_a, files_b) == "old", delay
        hidden_leftovers(out)
    already = len(cache_entries(out))
    proc = start_build(b, out)
    killed = kill_when(proc, lambda: len(cache_entries(out)) >= already + 20)
    assert killed, "the build of B ended before the kill"
    assert assert_old_or_new(out, files_a, files_b) == "old"
    hidden_leftovers(out)
    cached = cache_entries(out)
    for entry in cached:  # cache entries are written atomically too
        json.loads(entry.read_bytes())
    assert len(cached) >= already + 20

    # --- the next build finishes, reuses what was cached, and matches a clean build ----
    proc = kg_build(b, out)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"(\d+) unchanged came from the cache", proc.stdout)
    assert m and int(m.group(1)) >= 20, proc.stdout
    assert snapshot(out) == files_b

    # --- killed while each file of the new set is written: the previous set stays -----
    outcomes = {}
    for name in ("graph.nq", "graph.trig", "graph.ttl", "events.jsonl", "build-report.json"):
        before = snapshot(out)
        pattern = re.compile(rf"^\.?{re.escape(name)}")
        proc = start_build(a, out)
        caught = kill_when(proc, lambda p=pattern: partial_holds(out, p))
        state = assert_old_or_new(out, before, files_a)
        outcomes[name] = (caught, state)
        hidden_leftovers(out)
        assert state != "mixed", f"killed while {name} was written: a mix of two sets"
        if caught:
            assert state == "old", f"killed while {name} was written: nothing is switched yet"
        if state != "old":  # the next kill starts from a known state
            assert kg_build(b, out, "-q").returncode == 0
    print(f"kills while writing (caught, state): {outcomes}")
    assert sum(c for c, _ in outcomes.values()) >= 3, outcomes

    # --- killed at moments spread over the whole build, the switch included ----------
    # each build goes from one set to the other (A and B alternate); how long a cached
    # build takes is measured first, and the kills land from 30 % to 110 % of it
    took = {}
    for label, corpus in (("B", b), ("A", a)):
        t0 = time.perf_counter()
        assert kg_build(corpus, out, "-q").returncode == 0
        took[label] = time.perf_counter() - t0
    sets = {"A": (a, files_a), "B": (b, files_b)}
    now, states = "A", []
    for i in range(12):
        target = "B" if now == "A" else "A"
        proc = start_build(sets[target][0], out)
        time.sleep(took[target] * (0.3 + 0.8 * i / 11))
        kill(proc)
        state = assert_old_or_new(out, sets[now][1], sets[target][1])
        assert state != "mixed", f"kill {i}: a mix of two sets"
        states.append(state)
        hidden_leftovers(out)
        if state == "new":
            now = target
    print(f"kills over the build ({took}): {states}")
    if now != "A":
        assert kg_build(a, out, "-q").returncode == 0

    proc = kg_build(a, out, "-q")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(out) == files_a


def test_a_killed_builds_leftovers_are_cleared_by_the_next_build(corpora, tmp_path):
    """A killed build leaves temporaries inside .kg/; the next complete build removes them."""
    out = tmp_path / "out"
    assert kg_build(corpora["A"], out, "-q").returncode == 0
    proc = start_build(corpora["A"], out)
    caught = kill_when(proc, lambda: partial_holds(out, re.compile(r"^\.graph\.")))
    if not caught:
        pytest.skip("the build ended before its temporary files could be seen")
    left = hidden_leftovers(out)
    assert left
    assert kg_build(corpora["A"], out, "-q").returncode == 0
    still = sorted(set(left) & set(hidden_leftovers(out)))
    assert not still, f"a complete build left a killed build's temporaries: {still}"
    assert len([g for g in os.listdir(generations(out)) if g.startswith("gen-")]) <= 2
