"""`kg push` against misbehaving servers: --timeout is a deadline for the whole push,
and a push that stops part-way says which graphs the remote already has."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from kg.read.store import PushError, push

KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]
G = "https://w3id.org/kg-iraq/id/graph/"


def _dump(tmp_path, graphs: int = 6):
    quads = [
        ox.Quad(
            ox.NamedNode(f"https://w3id.org/kg-iraq/id/event/e{i}-{j}"),
            ox.NamedNode("https://w3id.org/kg-iraq/ontology#quote"),
            ox.Literal(f"سقطت صواريخ {j}", language="ar"),
            ox.NamedNode(f"{G}a{i}"),
        )
        for i in range(graphs)
        for j in range(3)
    ]
    path = tmp_path / "graph.trig"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG))
    return path, [f"{G}a{i}" for i in range(graphs)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "ok"  # "drip", "fail3", "slow"
    seen: list[str] = []
    stop = threading.Event()

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        graph = urllib.parse.unquote(self.path.partition("graph=")[2])
        type(self).seen.append(graph)
        n = len(type(self).seen)
        if self.mode == "drip":
            # a byte of the status line every 0.2 s: each read succeeds, the answer never ends
            for byte in b"HTTP/1.1 204 No Content\r\n" * 1000:
                if self.stop.wait(0.2):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        if self.mode == "fail3" and n == 3:
            body = b"store is read-only for maintenance"
            self.send_response(503)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.mode == "slow":
            self.stop.wait(0.5)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def _server(mode: str):
    _Handler.mode = mode
    _Handler.seen = []
    _Handler.stop = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        _Handler.stop.set()
        server.shutdown()
        server.server_close()


def test_a_drip_feeding_server_cannot_outlast_the_deadline(tmp_path):
    path, graphs = _dump(tmp_path)
    with _server("drip") as url:
        started = time.monotonic()
        with pytest.raises(PushError) as info:
            push(path, url, timeout=1.5)
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 3.0, elapsed  # the old per-read timeout would wait for ever
    err = info.value
    assert "timed out after 1.5 s" in str(err) and "graph 1 of 6" in str(err)
    assert err.done == [] and err.not_done == graphs
    assert err.failed == graphs[0] and err.failed_state == "unknown"
    assert "no graph replaced on the remote" in str(err)


def test_the_deadline_is_for_the_whole_push_not_each_graph(tmp_path):
    """Every answer comes in 0.5 s, well inside a per-request timeout of 1.8 s; the
    push as a whole is still stopped at 1.8 s, and it says what got through."""
    path, graphs = _dump(tmp_path, graphs=8)
    with _server("slow") as url:
        started = time.monotonic()
        with pytest.raises(PushError) as info:
            push(path, url, timeout=1.8)
        elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    err = info.value
    assert 2 <= len(err.done) <= 4, err.done
    assert err.done == graphs[: len(err.done)]
    assert err.not_done == graphs[len(err.done) :]
    assert f"{len(err.done)} of 8 graph(s) replaced on the remote (<{graphs[0]}>" in str(err)


def test_a_failure_at_the_third_graph_names_the_two_done(tmp_path):
    path, graphs = _dump(tmp_path)
    with _server("fail3") as url:
        with pytest.raises(PushError) as info:
            push(path, url, timeout=30)
    err = info.value
    message = str(err)
    assert err.done == graphs[:2]
    assert err.not_done == graphs[2:]
    assert err.failed == graphs[2] and err.failed_state == "not replaced"
    assert "HTTP 503" in message and "read-only for maintenance" in message
    assert f"2 of 6 graph(s) replaced on the remote (<{graphs[0]}>, <{graphs[1]}>)" in message
    assert f"4 not replaced (<{graphs[2]}>, <{graphs[3]}>, <{graphs[4]}>, ...)" in message
    assert "\n" not in message


def test_cli_says_it_in_one_line(tmp_path):
    path, graphs = _dump(tmp_path)
    with _server("fail3") as url:
        proc = subprocess.run(
            [*KG, "push", "--endpoint", url, "--graph", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: push of <")
    assert f"2 of 6 graph(s) replaced on the remote (<{graphs[0]}>, <{graphs[1]}>)" in lines[0]


def test_cli_deadline_with_a_drip_feeding_server(tmp_path):
    path, _ = _dump(tmp_path)
    with _server("drip") as url:
        started = time.monotonic()
        proc = subprocess.run(
            [*KG, "push", "--endpoint", url, "--graph", str(path), "--timeout", "1"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = time.monotonic() - started
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "timed out after 1 s (--timeout is for the whole push)" in lines[0]
    assert elapsed < 30, elapsed  # interpreter start-up included; the drip would last minutes


def test_a_timeout_that_is_not_positive_is_refused(tmp_path):
    path, _ = _dump(tmp_path)
    with pytest.raises(Exception, match="positive number of seconds"):
        push(path, "http://127.0.0.1:9/store", timeout=0)
