"""`kg push` to a real SPARQL 1.1 Graph Store (an `oxigraph serve` started here), and the dump's hygiene."""

from __future__ import annotations

import base64
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]
ONTOLOGY_GRAPH = "https://w3id.org/kg-iraq/ontology"


def kg_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120)


def oxigraph_binary() -> str | None:
    """The `oxigraph` command of the `oxigraph` PyPI package (installed next to python)."""
    near = Path(sys.executable).parent / "oxigraph"
    if near.exists():
        return str(near)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, wait: float = 30.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"oxigraph serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(
                url + "/query?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=2
            ):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError("oxigraph serve did not start in time")


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def remote_counts(url: str) -> dict[str, int]:
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(url + "/query")
    sw.setQuery("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sw.setReturnFormat(JSON)
    doc = sw.query().convert()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}


def test_push_to_oxigraph_twice_equals_once(oxigraph_server, seed_build):
    import kg

    local = kg.load(seed_build.out).triples_per_graph()
    assert ONTOLOGY_GRAPH in local and len(local) == len(seed_build.articles) + 1
    endpoint = oxigraph_server + "/store"
    first = kg_run("push", "--endpoint", endpoint, "--graph", str(seed_build.out))
    assert first.returncode == 0, first.stderr
    assert f"Pushed {len(local)} graph(s), {sum(local.values())} triples" in first.stdout
    assert remote_counts(oxigraph_server) == local
    second = kg_run("push", "--endpoint", endpoint, "--graph", str(seed_build.out))
    assert second.returncode == 0, second.stderr
    assert remote_counts(oxigraph_server) == local


def test_push_replaces_a_graph(oxigraph_server, seed_build, tmp_path):
    from kg.read.store import push, read_quads

    endpoint = oxigraph_server + "/store"
    push(seed_build.out, endpoint)
    quads = read_quads(seed_build.out)
    article_graph = sorted(
        {q.graph_name.value for q in quads if q.graph_name.value != ONTOLOGY_GRAPH}
    )[0]
    kept = [q for q in quads if q.graph_name.value == article_graph][:10]
    smaller = tmp_path / "smaller.trig"
    smaller.write_bytes(ox.serialize(kept, format=ox.RdfFormat.TRIG))
    done = push(smaller, endpoint)
    assert [(p.graph, p.triples) for p in done] == [(article_graph, len(set(kept)))]
    counts = remote_counts(oxigraph_server)
    assert counts[article_graph] == len(set(kept))  # replaced, not added to
    assert counts[ONTOLOGY_GRAPH] > 1000  # the other graphs are untouched


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def do_PUT(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_push_requests(seed_build):
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/repositories/kg/rdf-graphs/service"
        proc = kg_run(
            "push",
            "--endpoint",
            url,
            "-g",
            str(seed_build.out),
            "--user",
            "ana",
            "--password",
            "s3cret",
        )
        assert proc.returncode == 0, proc.stderr
    finally:
        server.shutdown()
        server.server_close()
    graphs = []
    for path, headers, body in _Recorder.seen:
        m = re.fullmatch(r"/repositories/kg/rdf-graphs/service\?graph=(.+)", path)
        assert m, path
        graphs.append(urllib.parse.unquote(m.group(1)))
        assert headers["Content-Type"] == "application/n-triples"
        assert headers["Authorization"] == "Basic " + base64.b64encode(b"ana:s3cret").decode()
        parsed = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        assert parsed
    assert ONTOLOGY_GRAPH in graphs and len(graphs) == len(seed_build.articles) + 1


def test_push_errors_are_one_line(seed_build):
    for endpoint, fragment in (
        (f"http://127.0.0.1:{free_port()}/store", "cannot reach"),
        ("ftp://x/store", "http(s)"),
    ):
        proc = kg_run("push", "--endpoint", endpoint, "-g", str(seed_build.out), "--timeout", "5")
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kg: error: ") and fragment in lines[0]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dump_is_clean_for_triple_stores(seed_build):
    import rdflib

    path = seed_build.out / "graph.trig"
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    assert len(quads) == seed_build.quads
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            assert not isinstance(term, ox.BlankNode), q
            if isinstance(term, ox.NamedNode):
                assert term.value.isascii() and re.fullmatch(r"[!-~]+", term.value), term
            if isinstance(term, ox.Literal) and term.language:
                assert term.language in ("ar", "en"), q
        assert isinstance(q.graph_name, ox.NamedNode), "every triple lives in a named graph"
    ds = rdflib.Dataset()
    ds.parse(path, format="trig")
    assert sum(1 for _ in ds.quads((None, None, None, None))) == len(quads)
    assert not any(
        isinstance(t, rdflib.BNode) for quad in ds.quads((None, None, None, None)) for t in quad[:3]
    )
