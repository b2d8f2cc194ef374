"""Parameters that are not Unicode text: a one-line QueryError, never a ValueError.

A lone surrogate reaches kg from a command line whose bytes are not UTF-8
(Python decodes argv with surrogateescape) or from a Python string built by
hand; pyoxigraph cannot make an RDF term of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph(seed_build):
    import kg

    return kg.load(seed_build.out)


@pytest.mark.parametrize(
    "value",
    [
        "\ud800",
        "\udc80",
        "kgr:entity/camp-\udcff",
        "<http://example.org/\udfff>",
        "text\ud83d@ar",
        "2020-01-0\udc81",
        "x^^xsd:\udc80",
    ],
)
def test_library_parameter_with_a_lone_surrogate(graph, value):
    import kg
    from kg.errors import QueryError

    with pytest.raises(QueryError) as info:
        kg.query(graph, "attacks-on-base", {"base": value})
    message = str(info.value)
    assert "not valid Unicode text" in message and "\n" not in message
    message.encode("utf-8")  # the message itself can be printed anywhere


def test_inline_query_parameter_and_query_text(graph):
    import kg
    from kg.errors import QueryError

    with pytest.raises(QueryError, match="parameter x is not valid Unicode"):
        kg.query(graph, "SELECT ?x WHERE { ?s ?p ?x } LIMIT 1", {"x": "a\udc80b"})
    with pytest.raises(QueryError, match="not valid Unicode"):
        kg.query(graph, "SELECT ?x WHERE { ?s ?p '\udc80' } LIMIT 1")
    with pytest.raises(QueryError) as info:
        kg.query(graph, "SELECT ?x WHERE { ?s ?p ?x } LIMIT 1", {"\udc80": "a"})
    str(info.value).encode("utf-8")


def test_command_line_parameter_with_bytes_that_are_not_utf8(seed_build):
    """`kg query NAME --param base=<bytes 0xff 0xfe>`: exit 2 and one line on stderr."""
    argv = [
        os.fsencode(sys.executable),
        b"-c",
        b"import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()",
        b"query",
        b"attacks-on-base",
        b"--graph",
        os.fsencode(str(seed_build.out)),
        b"--param",
        b"base=kgr:entity/\xff\xfe",
    ]
    proc = subprocess.run(argv, capture_output=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.decode("utf-8", "replace")
    assert err.startswith("kg: error: parameter base is not valid Unicode text")
    assert err.count("\n") == 1 and "Traceback" not in err
