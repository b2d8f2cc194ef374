"""Shared fixtures: the seed corpus, and one seed build reused by many tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline.outputs import OUTPUT_FILES

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = OUTPUT_FILES
"""Every file a build writes (tests import it: ``from conftest import OUTPUTS``)."""


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
