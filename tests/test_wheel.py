"""The package installs: a wheel carries the ontology and the queries, and an installed
kg builds the seeds from another folder (not only an editable checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # a copy of the source: building writes build/ and *.egg-info next to the sources
    source = tmp_path_factory.mktemp("source") / "kg"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "venv",
            "out",
            "build",
            "dist",
            "bench-out",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
        ),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 and "No matching distribution" in proc.stderr + proc.stdout:
        pytest.skip("setuptools could not be fetched to build the wheel (no package index)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (found,) = dist.glob("kg-*.whl")
    return found


def test_the_wheel_carries_the_ontology_and_every_query(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for p in sorted((ROOT / "ontology").glob("*.ttl")):
        assert f"kg/resources/ontology/{p.name}" in names, p.name
    for p in sorted((ROOT / "queries").rglob("*.rq")):
        rel = p.relative_to(ROOT / "queries").as_posix()
        assert f"kg/resources/queries/{rel}" in names, rel
    for page in ("kg/read/page.html", "kg/analysis/viz/page.js", "kg/analysis/viz/page.css"):
        assert page in names, page
    # kg serve's query page: YASGUI and its license, served from the package (offline)
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE.txt"):
        assert f"kg/read/static/{name}" in names, name
    # the vendored browser libraries of the pictures: every file, so the pages work offline
    for folder in ("analysis/leaflet", "analysis/viz"):
        for p in sorted((ROOT / "kg" / folder).rglob("*")):
            if p.is_file() and p.suffix in (".js", ".css", ".txt", ".png"):
                rel = p.relative_to(ROOT / "kg").as_posix()
                assert f"kg/{rel}" in names, rel


def test_an_installed_wheel_builds_the_seeds_from_another_folder(wheel, tmp_path):
    """A fresh virtual environment with only the wheel's kg; kg's dependencies are borrowed
    from this environment through a path entry (not its site folder, so this checkout's
    editable kg stays out of reach)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as zf:  # installing a wheel is unpacking it (PEP 427)
        zf.extractall(site)
    (site / "kg-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    corpus = elsewhere / "articles"
    corpus.mkdir(parents=True)
    for p in sorted((ROOT / "seeds").iterdir()):
        (corpus / p.name).write_bytes(p.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.pop("PYTHONPATH", None)
    code = "import kg, sys; from kg.cli import main; print(kg.__file__, file=sys.stderr); sys.argv[0] = 'kg'; main()"
    proc = subprocess.run(
        [str(python), "-c", code, "build", "articles", "--out", "out"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert str(site) in proc.stderr, "the build did not run the installed kg"
    assert "Read 5 article(s)" in proc.stdout
    assert (elsewhere / "out" / "graph.trig").stat().st_size > 100_000
    listed = subprocess.run(
        [str(python), "-c", code, "queries"], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "attacks-on-base" in listed.stdout
