"""Shared fixtures: the seed corpus, and one seed build reused by many tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.pipeline.outputs import OUTPUT_FILES

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = OUTPUT_FILES
"""Every file a build writes (tests import it: ``from conftest import OUTPUTS``)."""

VARYING = ("timings",)
"""What differs between two builds of the same corpus by nature: the seconds each phase
took, in build-report.json. Everything else of every output is byte-identical."""


def output_bytes(path: Path) -> bytes:
    """An output's bytes for comparing two builds: build-report.json without its timings
    (re-serialised as kg writes it); every other file, and a report that does not parse
    (a torn write), exactly as on disk."""
    data = path.read_bytes()
    if path.name != "build-report.json":
        return data
    try:
        report = json.loads(data)
    except ValueError:
        return data
    if not isinstance(report, dict):
        return data
    for key in VARYING:
        report.pop(key, None)
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """kg build on the seeds, once per test session."""
    from kg.pipeline.build import build

    out = tmp_path_factory.mktemp("seed-out")
    return build(ROOT / "seeds", out)


@pytest.fixture(scope="session")
def nlp():
    from kg.pipeline.nlp.pipeline import build_pipeline

    return build_pipeline()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""Debian's chromium, for the browser tests (skipped without it)."""


def headless_chromium(profile: Path, *extra: str) -> list[str]:
    """The command line of a headless chromium that stays offline and quiet, with its own
    profile folder; ``extra`` flags and the URL follow (the browser tests share it)."""
    return [
        CHROMIUM or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *extra,
    ]
