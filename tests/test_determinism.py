"""Byte-identical builds: hash seeds, file order, folder, worker count and the cache change nothing.

The same corpus is built under PYTHONHASHSEED 0 and 12345, from a copy whose files
were created in reverse order (in another folder), with a listing order scrambled
on purpose, with ``--jobs 2`` (when kg has it), and again from the cache: every
output file is byte-identical, so the IRIs are the same (build-report.json but for its
``timings``, the seconds each phase took, which vary by nature: conftest.output_bytes).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OUTPUTS, output_bytes

ROOT = Path(__file__).resolve().parents[1]
PLACES = ["عين الأسد", "التاجي", "بلد", "القائم", "كركوك", "الحبانية"]


def build_corpus(folder: Path, reverse: bool = False) -> Path:
    """The seeds plus 15 short generated articles; files created in name order or reversed."""
    files: dict[str, bytes] = {p.name: p.read_bytes() for p in sorted((ROOT / "seeds").glob("*"))}
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    manifest = files.pop("manifest.csv").decode("utf-8").rstrip("\n").split("\n")
    for i in range(15):
        t = "\n".join(texts[i % len(texts)].splitlines()[:5])
        for k, p in enumerate(PLACES):
            t = t.replace(p, PLACES[(k + i) % len(PLACES)])
        name = f"gen-{i:02d}.txt"
        files[name] = f"تقرير {i}\n{t}\n".encode()
        manifest.append(f"{name},2020-{1 + i % 12:02d}-{10 + i:02d}")
    files["manifest.csv"] = ("\n".join(manifest) + "\n").encode()
    folder.mkdir(parents=True)
    for name in sorted(files, reverse=reverse):
        (folder / name).write_bytes(files[name])
    return folder


def kg_build(corpus: Path, out: Path, *extra: str, hashseed: str = "0") -> None:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


def outputs(out: Path) -> dict[str, bytes]:
    return {name: output_bytes(out / name) for name in OUTPUTS}


def iris(out: Path) -> set[str]:
    found = set()
    for q in ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS):
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
    return found


def assert_same(out: Path, reference: dict[str, bytes], what: str) -> None:
    got = outputs(out)
    for name in OUTPUTS:
        assert got[name] == reference[name], f"{name} differs ({what})"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    base = tmp_path_factory.mktemp("det")
    corpus = build_corpus(base / "corpus")
    out = base / "out-ref"
    kg_build(corpus, out, hashseed="0")
    return {"base": base, "corpus": corpus, "out": out, "files": outputs(out), "iris": iris(out)}


def test_hash_seed_does_not_matter(reference):
    out = reference["base"] / "out-seed"
    kg_build(reference["corpus"], out, hashseed="12345")
    assert_same(out, reference["files"], "PYTHONHASHSEED=12345")


def test_files_created_in_reverse_order_in_another_folder(reference):
    corpus = build_corpus(reference["base"] / "elsewhere" / "reversed", reverse=True)
    out = reference["base"] / "out-reversed"
    kg_build(corpus, out, hashseed="777")
    assert_same(out, reference["files"], "reverse creation order")
    assert iris(out) == reference["iris"]


def test_listing_order_is_not_the_reading_order(reference, monkeypatch, tmp_path):
    """kg sorts the folder by name: a filesystem that lists files shuffled changes nothing.

    Both builds run in this process (the same code), one with the listing shuffled.
    """
    from typer.testing import CliRunner

    import kg.pipeline.corpus
    from kg.cli import app

    corpus = reference["corpus"]
    plain = tmp_path / "plain"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(plain), "-q"])
    assert result.exit_code == 0, result.output

    real_iterdir = Path.iterdir
    shuffled_seen = []

    def shuffled_iterdir(self):
        entries = list(real_iterdir(self))
        if Path(self) == corpus:
            random.Random(42).shuffle(entries)
            shuffled_seen.append([p.name for p in entries])
        return iter(entries)

    monkeypatch.setattr(Path, "iterdir", shuffled_iterdir)
    names = [p.name for p in kg.pipeline.corpus.list_articles(corpus)]
    assert shuffled_seen and shuffled_seen[-1] != sorted(shuffled_seen[-1])
    assert names == sorted(names) and "manifest.csv" not in names
    out = tmp_path / "shuffled"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert_same(out, outputs(plain), "shuffled listing")


def test_two_workers_give_the_same_bytes(reference):
    help_text = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    if "--jobs" not in help_text:
        pytest.skip("kg build has no --jobs yet")
    out = reference["base"] / "out-jobs2"
    kg_build(reference["corpus"], out, "--jobs", "2", hashseed="4242")
    assert_same(out, reference["files"], "--jobs 2")


def test_a_build_from_the_cache_gives_the_same_bytes(reference):
    out = reference["base"] / "out-cached"
    shutil.copytree(reference["out"], out, symlinks=True)
    assert list((out / ".kg" / "cache").glob("*.json")), "the build kept no extraction cache"
    shutil.rmtree(out / ".kg" / "generations")
    kg_build(reference["corpus"], out, hashseed="99")
    assert_same(out, reference["files"], "rebuilt from out/.kg/cache")
