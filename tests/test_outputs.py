"""The output folder: kg writes only where it may, removes only what it wrote, and
replaces its outputs as one set (kg.pipeline.outputs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OUTPUTS, output_bytes

from kg.errors import OutputError
from kg.pipeline.build import build
from kg.pipeline.outputs import OUTPUT_FILES, OutputFolder, hold, resolve_generation
from kg.read.store import graph_file

ROOT = Path(__file__).resolve().parents[1]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file bytes, link targets, folders (and their mtimes)."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(folder).as_posix()
            st = p.lstat()
            if p.is_symlink():
                found[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                found[rel] = f"dir:{st.st_mtime_ns}"
            else:
                found[rel] = p.read_bytes() + f"|{st.st_mtime_ns}".encode()
    return found


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    for p in sorted((ROOT / "seeds").glob("*.txt"))[:2]:
        shutil.copy(p, corpus / p.name)
    return corpus


@pytest.fixture
def built(small_corpus, tmp_path) -> Path:
    out = tmp_path / "out"
    assert build(small_corpus, out).articles
    return out


# --- nothing readable: nothing touched ------------------------------------------------


def test_an_empty_corpus_leaves_the_previous_build_and_its_cache_untouched(built, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    before = tree(built)
    proc = kg("build", str(empty), "--out", str(built))
    assert proc.returncode == 2
    assert "nothing was written" in proc.stderr and "no article files" in proc.stderr
    assert tree(built) == before


def test_a_corpus_of_unreadable_files_leaves_everything_untouched(built, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01binary")
    (bad / "b.txt").write_text("only Latin text, no Arabic at all", encoding="utf-8")
    (bad / "c.md").write_bytes(b"")
    before = tree(built)
    proc = kg("build", str(bad), "--out", str(built))
    assert proc.returncode == 2
    assert "a.txt" in proc.stderr and "b.txt" in proc.stderr
    assert "no article could be read; nothing was written" in proc.stderr
    assert tree(built) == before


def test_an_empty_corpus_does_not_create_the_output_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = build(empty, tmp_path / "new-out")
    assert not result.articles
    assert not (tmp_path / "new-out").exists()


# --- whose folder it is ------------------------------------------------------------------


def test_a_non_empty_folder_kg_did_not_write_is_refused_and_left_alone(small_corpus, tmp_path):
    home = tmp_path / "home"
    (home / ".cache" / "pip").mkdir(parents=True)
    (home / ".cache" / "pip" / "selfcheck.json").write_text("{}")
    (home / "notes.md").write_text("mine")
    before = tree(home)
    proc = kg("build", str(small_corpus), "--out", str(home))
    assert proc.returncode == 2
    assert "not a kg output folder" in proc.stderr and "--force" in proc.stderr
    assert tree(home) == before


def test_force_adds_kg_files_beside_the_users_and_removes_none(small_corpus, tmp_path):
    home = tmp_path / "home"
    (home / ".cache").mkdir(parents=True)
    (home / ".cache" / "notes.json").write_text("{}")
    (home / ".graph.nq.abc123.tmp").write_text("my own hidden file")
    (home / ".kg-dump-mine").mkdir()
    (home / ".kg-dump-mine" / "keep").write_text("k")
    (home / ".events.jsonl.x.tmp").write_text("also mine")
    mine = tree(home)
    proc = kg("build", str(small_corpus), "--out", str(home), "--force", "-q")
    assert proc.returncode == 0, proc.stderr
    proc = kg("build", str(small_corpus), "--out", str(home), "-q")  # a second build: kg's now
    assert proc.returncode == 0, proc.stderr
    after = tree(home)
    for name, content in mine.items():
        assert after.get(name) == content, name
    for name in OUTPUT_FILES:
        assert (home / name).is_file()


def test_force_never_replaces_a_users_file_with_an_outputs_name(small_corpus, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "graph.trig").write_text("my own TriG")
    proc = kg("build", str(small_corpus), "--out", str(folder), "--force")
    assert proc.returncode == 2 and "graph.trig" in proc.stderr
    assert (folder / "graph.trig").read_text() == "my own TriG"
    assert sorted(os.listdir(folder)) == ["graph.trig"]


def test_users_files_inside_a_kg_folder_survive_rebuilds(small_corpus, built):
    extra = {
        ".notes.tmp": "hidden, ends like a temporary",
        ".graph.nq.zz.tmp": "named like an old kg temporary",
        "my-analysis.csv": "a,b\n",
    }
    for name, text in extra.items():
        (built / name).write_text(text)
    (built / ".kg-dump-user").mkdir()
    (built / ".cache").mkdir()
    (built / ".cache" / "deadbeef.json").write_text("{}")
    for _ in range(2):
        assert build(small_corpus, built).articles
    for name, text in extra.items():
        assert (built / name).read_text() == text, name
    assert (built / ".kg-dump-user").is_dir()
    assert (built / ".cache" / "deadbeef.json").read_text() == "{}"


def test_an_earlier_kg_layout_is_recognised_and_its_files_become_links(small_corpus, built):
    legacy = built.parent / "legacy"
    legacy.mkdir()
    for name in OUTPUTS:
        shutil.copy(built / name, legacy / name)  # regular files, as kg wrote them before
    (legacy / ".cache").mkdir()
    (legacy / ".cache" / "old.json").write_text("{}")
    result = build(small_corpus, legacy)
    assert result.articles
    for name in OUTPUTS:
        assert (legacy / name).is_symlink(), name
        assert output_bytes(legacy / name) == output_bytes(built / name), name
    assert (legacy / ".cache" / "old.json").exists()  # not provably kg's: left alone


def test_one_build_at_a_time_per_folder(built):
    first = OutputFolder(built)
    first.claim()
    try:
        with pytest.raises(OutputError, match="another kg build"):
            OutputFolder(built).claim()
    finally:
        first.release()
    second = OutputFolder(built)
    second.claim()  # free again
    second.release()


# --- generations -------------------------------------------------------------------------


def test_readers_resolve_one_generation_that_later_builds_keep_while_leased(small_corpus, built):
    first = graph_file(built)
    assert first.parent == resolve_generation(built)
    assert first.parent.name == "gen-000001"
    lease = hold(first)
    try:
        for _ in range(3):
            assert build(small_corpus, built).articles
        assert first.is_file(), "a leased generation was removed"
        assert graph_file(built).parent.name == "gen-000004"
        names = sorted(os.listdir(built / ".kg" / "generations"))
        assert names == ["gen-000001", "gen-000003", "gen-000004"]
    finally:
        lease.release()
    assert build(small_corpus, built).articles
    names = sorted(os.listdir(built / ".kg" / "generations"))
    assert names == ["gen-000004", "gen-000005"]


def test_a_lease_of_a_dead_process_is_ignored(small_corpus, built):
    gen = resolve_generation(built)
    leases = built / ".kg" / "leases"
    leases.mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(proc.stdout)
    (leases / f"{dead}.{gen.name}").touch()
    for _ in range(2):
        assert build(small_corpus, built).articles
    assert not gen.exists()
    assert not list(leases.iterdir())


def test_every_visible_output_is_a_link_through_one_switch(built):
    for name in OUTPUT_FILES:
        assert os.readlink(built / name) == f".kg/current/{name}"
    assert os.readlink(built / ".kg" / "current") == "generations/gen-000001"
