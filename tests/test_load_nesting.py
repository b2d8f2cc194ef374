"""Deeply nested RDF 1.2 triple terms crash pyoxigraph's parser (a segmentation fault
at about 18,000 levels): kg refuses them before parsing, with one line naming the file.

Every load of a hostile file runs in a child process, so a regression kills that
process, not pytest.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.read.store import MAX_TRIPLE_TERM_DEPTH, count_triple_term_openings

KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]
E = "http://example.org/"


def triple_terms(depth: int, fmt: str, tail: str = "") -> str:
    """One statement whose object is ``depth`` triple terms nested in each other."""
    term = "<<( <x:a> <x:b> " * depth + "<x:c>" + " )>>" * depth  # 20 bytes a level
    if fmt == "trig":
        return f"<{E}g> {{ <{E}s> <{E}p> {term} . {tail} }}\n"
    return f"<{E}s> <{E}p> {term} <{E}g> .\n{tail}"


def load_in_child(*paths) -> list[dict]:
    """kg.load on each path in a fresh interpreter: what happened to each."""
    script = """
import json, sys
import kg
from kg.errors import InputError
out = []
for path in sys.argv[1:]:
    try:
        g = kg.load(path)
        out.append({"ok": True, "quads": len(g)})
    except InputError as exc:
        out.append({"ok": False, "error": str(exc)})
print(json.dumps(out))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"the loading process died ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_twenty_thousand_nested_triple_terms_are_refused_not_a_crash(tmp_path, fmt):
    path = tmp_path / f"deep.{fmt}"
    path.write_text(triple_terms(20_000, fmt), encoding="utf-8")
    assert 400_000 < path.stat().st_size < 500_000
    (result,) = load_in_child(path)
    assert not result["ok"]
    assert result["error"].startswith(f"deep.{fmt}: refused: ")
    assert "\n" not in result["error"]


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT * WHERE { ?s ?p ?o }", "-g"],
        ["chains", "--target", "Camp Taji", "--graph"],
        ["export", "--format", "json", "--out", "never.json", "--graph"],
    ],
    ids=["query", "chains", "export"],
)
def test_every_command_that_loads_a_dump_refuses_it_in_one_line(tmp_path, command):
    path = tmp_path / "deep.trig"
    path.write_text(triple_terms(20_000, "trig"), encoding="utf-8")
    proc = subprocess.run(
        [*KG, *command, str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: deep.trig: refused: ")


def test_the_limit_itself(tmp_path):
    """64 levels load; 65 are refused. With many "<<" in a string the file goes
    through the measuring child process, without them through the byte count alone."""
    at = MAX_TRIPLE_TERM_DEPTH
    noise = f'<{E}n> <{E}says> "{"<<" * 500}" .'
    files = {
        "at-limit.trig": triple_terms(at, "trig"),
        "at-limit-measured.trig": triple_terms(at, "trig", noise),
        "over-limit.nq": triple_terms(at + 1, "nq"),
        "over-limit-measured.trig": triple_terms(at + 1, "trig", noise),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert count_triple_term_openings(tmp_path / "at-limit.trig") == at
    assert count_triple_term_openings(tmp_path / "at-limit-measured.trig") > at
    results = dict(zip(files, load_in_child(*(tmp_path / n for n in files)), strict=True))
    assert results["at-limit.trig"] == {"ok": True, "quads": 1}
    assert results["at-limit-measured.trig"] == {"ok": True, "quads": 2}
    for name in ("over-limit.nq", "over-limit-measured.trig"):
        assert results[name]["error"] == (
            f"{name}: refused: triple terms (<<( ... )>>) nested more than {at} deep; "
            "deeper nesting crashes the RDF parser"
        )


def test_shallow_rdf12_and_deep_structures_the_parser_handles(tmp_path):
    """What is not a deep triple term loads: "<<" in strings and IRIs' neighbours,
    many shallow triple terms, reified triples nested 2,000 deep (a blank node per
    level), collections and blank-node property lists nested 100,000 deep."""
    files = {
        "strings.trig": (
            f"<{E}g> {{ <{E}s> <{E}p> \"{'<<' * 3000}\" , '''a << b\n<< c''' . "
            f'<{E}s> <{E}q> <{E}x>, <<( <{E}a> <{E}b> "<<" )>> . }}\n'
        ),
        "shallow.nq": "".join(
            f'<{E}s{i}> <{E}p> <<( <{E}a> <{E}b> <<( <{E}c> <{E}d> "{i}" )>> )>> <{E}g> .\n'
            for i in range(500)
        ),
        "reified.trig": (
            f"<{E}g> {{ <{E}s> <{E}p> "
            + f"<< <{E}a> <{E}b> " * 2000
            + f"<{E}c>"
            + " >>" * 2000
            + " . }\n"
        ),
        "lists.ttl": f"<{E}s> <{E}p> " + "( " * 100_000 + f"<{E}c>" + " )" * 100_000 + " .\n",
        "bnodes.trig": (
            f"<{E}g> {{ <{E}s> <{E}p> "
            + f"[ <{E}p> " * 100_000
            + f"<{E}c>"
            + " ]" * 100_000
            + " . }\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    results = dict(zip(files, load_in_child(*(tmp_path / n for n in files)), strict=True))
    assert results == {
        "strings.trig": {"ok": True, "quads": 4},
        "shallow.nq": {"ok": True, "quads": 500},
        "reified.trig": {"ok": True, "quads": 2001},
        "lists.ttl": {"ok": True, "quads": 200_001},
        "bnodes.trig": {"ok": True, "quads": 100_001},
    }


def test_kg_dumps_have_no_triple_terms_and_load(seed_build):
    import kg

    for name in ("graph.trig", "graph.nq", "graph.ttl"):
        assert count_triple_term_openings(seed_build.out / name) == 0, name
    assert len(kg.load(seed_build.out)) == seed_build.quads
