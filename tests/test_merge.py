"""The undated-report join gives the answer of its definition, on real extractions.

kg/pipeline/merge.py visits candidates tier by tier so that a busy place does not make
merging quadratic. This test keeps the definition in its plainest form (score every
candidate, take the least) and checks that both join the same pairs, on the seeds, the
articles written for the tests and a synthetic corpus with many reports per place.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.pipeline import merge
from kg.vocab.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parents[1]


def _reference(recs, buckets, dated, union, contains) -> None:
    """The definition: among all candidates that pass, the least score wins."""
    for i, r in enumerate(recs):
        if i in dated or not merge._places(r, states=True):
            continue
        best = None
        candidates = sorted({j for key in merge._bucket_keys(r) for j in buckets.get(key, ())})
        for j in candidates:
            other = recs[j]
            if (
                j == i
                or not merge._kin(r, other)
                or not merge._shared_place(r, other, contains)
                or not merge._specific_match(r, other)
            ):
                continue
            if j not in dated and j > i:
                continue
            if r.category == "withdrawal" and r.status == "done" and other.status == "planned":
                continue
            score = (
                other.status != r.status,
                j not in dated,
                other.sources[0].article != r.sources[0].article,
                merge._canonical(other),
            )
            if best is None or score < best[0]:
                best = (score, j)
        if best is not None:
            union(i, best[1])


def _pairs(join, recs, contains) -> list[tuple[int, int]]:
    buckets: dict[object, list[int]] = {}
    for i, r in enumerate(recs):
        for key in merge._bucket_keys(r):
            buckets.setdefault(key, []).append(i)
    dated = {i for i, r in enumerate(recs) if merge._dated(r)}
    joined: list[tuple[int, int]] = []
    join(recs, buckets, dated, lambda a, b: joined.append((a, b)), contains)
    return joined


def _records(corpus: Path, out: Path) -> list:
    from kg.pipeline.build import build

    result = build(corpus, out)
    recs = [e for x in result.extractions for e in x.events]
    return sorted((r for r in recs if merge.informative(r)), key=merge._canonical)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_corpus

    corpus = tmp_path_factory.mktemp("merge") / "corpus"
    make_corpus.generate(150, corpus, seed=7)
    return corpus


@pytest.mark.parametrize("which", ["seeds", "unseen", "synthetic"])
def test_tiered_join_equals_the_definition(which, synthetic, seed_build, tmp_path):
    if which == "seeds":
        extractions = seed_build.extractions
        recs = sorted(
            (e for x in extractions for e in x.events if merge.informative(e)),
            key=merge._canonical,
        )
    elif which == "unseen":
        recs = _records(ROOT / "tests" / "data" / "unseen", tmp_path / "out")
    else:
        recs = _records(synthetic, tmp_path / "out")
    contains = load_gazetteer().contains
    fast = _pairs(merge._join_undated, recs, contains)
    slow = _pairs(_reference, recs, contains)
    assert fast == slow
    undated = sum(1 for r in recs if not merge._dated(r))
    assert undated > 0  # the join had something to do
    if which == "synthetic":
        assert len(fast) >= 10
