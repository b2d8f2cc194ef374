"""What one query, or one client, may take from `kg serve`.

- memory: a worker is capped (``--worker-memory``); a query that needs more gets
  a one-line 503 and the worker is replaced;
- answer size: over ``--max-bytes`` a one-line 507;
- time and other clients: a query running longer than ``--heavy-after`` moves
  to a process of its own, so light queries keep being answered while heavy
  ones run; at most ``--max-heavy`` at once, then 503 with Retry-After;
- query text: over 256 KB or nested deeper than 200, a 400 before parsing;
  chains that overflowed an 8 MB stack are parsed on the worker's 512 MB one;
- connections: at most ``--max-connections``; a client must send its headers
  within ``--header-timeout`` in all (one byte at a time does not reset it);
  a slow client is dropped to make room for a new one.

Correctness only: the times here are generous bounds, not measurements (those
are in docs/SAFETY.md).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from test_serve import http, start_server, stop_server

CARTESIAN_ORDER_BY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a"  # 61 bytes, gigabytes
CPU_HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # little memory
LIGHT = "ASK { ?s ?p ?o }"
MEMORY_MB = 300
HEADER_TIMEOUT = 2
MAX_CONNECTIONS = 8


@pytest.fixture(scope="module")
def server(seed_build):
    proc, url = start_server(
        str(seed_build.out),
        "--workers",
        "2",
        "--timeout",
        "12",
        "--heavy-after",
        "0.5",
        "--max-heavy",
        "2",
        "--worker-memory",
        str(MEMORY_MB),
        "--max-bytes",
        "200000",
        "--max-connections",
        str(MAX_CONNECTIONS),
        "--header-timeout",
        str(HEADER_TIMEOUT),
    )
    try:
        yield proc, url
    finally:
        stop_server(proc)


def post(url: str, query: str, timeout: float = 60):
    body = urllib.parse.urlencode({"query": query}).encode()
    return http(url + "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def workers(proc) -> set[int]:
    """The worker processes: children of the graph process, the server's child that has some."""
    found: set[int] = set()
    for child in children(proc.pid):
        found |= set(children(child))
    return found


def wait_for(condition, seconds: float = 60.0, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def one_line(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.count("\n") == 1 and "Traceback" not in text, text
    return text


# --- memory and answer size ---------------------------------------------------------------


def test_a_query_that_needs_too_much_memory_gets_503_and_the_worker_is_replaced(server):
    proc, url = server
    before = wait_for(lambda: len(workers(proc)) == 2 and workers(proc))
    status, _, body = post(url, CARTESIAN_ORDER_BY)
    assert status == 503, body
    assert f"needed more than {MEMORY_MB} MB" in one_line(body)
    status, _, body = post(url, LIGHT)
    assert status == 200 and b"true" in body
    after = wait_for(lambda: len(workers(proc)) == 2 and workers(proc))
    assert len(after) == 2 and after != before  # one worker was replaced, the pool is whole


def test_an_answer_over_max_bytes_gets_507(server):
    _, url = server
    status, _, body = post(url, "SELECT * WHERE { ?s ?p ?o }")  # about a megabyte of JSON
    assert status == 507 and "answer too large" in one_line(body)
    doubling = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(18))
    one_huge_value = f"SELECT ?a18 WHERE {{ BIND('0123456789' AS ?a0) {doubling} }}"
    status, _, body = post(url, one_huge_value)
    assert status == 507 and "answer too large" in one_line(body)
    status, _, _ = post(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert status == 200


# --- light queries keep their workers --------------------------------------------------------


def test_light_queries_are_answered_while_two_heavy_ones_run(server):
    proc, url = server
    heavy: list[tuple[int, bytes]] = []

    def run_heavy() -> None:
        status, _, body = post(url, CPU_HEAVY)
        heavy.append((status, body))

    threads = [threading.Thread(target=run_heavy) for _ in range(2)]
    for t in threads:
        t.start()
    # both move out of the light lane (each into a process of its own)
    assert wait_for(lambda: len(workers(proc)) >= 4, 30), workers(proc)
    for _ in range(3):
        status, _, body = post(url, LIGHT)
        assert status == 200 and b"true" in body
    assert not heavy, "the heavy queries were expected to be still running"
    # a third one turning heavy is stopped: two at most (--max-heavy 2)
    status, headers, body = post(url, CPU_HEAVY)
    assert status == 503 and "too many long queries" in one_line(body), body
    assert int(headers["Retry-After"]) >= 1
    assert not heavy
    for t in threads:
        t.join(60)
    assert [s for s, _ in heavy] == [503, 503]  # they hit the 12 s timeout
    assert all(b"timed out" in b for _, b in heavy)
    assert wait_for(lambda: len(workers(proc)) == 2, 30)  # heavy workers are gone


# --- the query text -------------------------------------------------------------------------


def test_too_large_or_too_deep_is_refused_before_parsing(server):
    proc, url = server
    before = wait_for(lambda: len(workers(proc)) == 2 and workers(proc))
    huge = "SELECT * WHERE { ?s ?p ?o }" + "#" * 300_000
    status, _, body = http(
        url + "/sparql", huge.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status in (400, 413) and ("too large" in one_line(body))
    for text in (
        "SELECT * WHERE { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }",  # 40 KB
        "SELECT * WHERE " + "{" * 5_000 + "}" * 5_000,
        "ASK { ?s ?p " + "[ ?p " * 3_000 + "1" + " ]" * 3_000 + " }",
    ):
        status, _, body = post(url, text)
        assert status == 400 and "nested too deeply" in one_line(body)
    assert workers(proc) == before  # no worker crashed


def test_long_flat_chains_do_not_crash_a_worker(server):
    """These crashed a worker with the usual 8 MB stack (SIGSEGV, then a reload)."""
    proc, url = server
    chains = [
        "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10_000) + " > 0) }",
        "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(3_000)) + " } LIMIT 1",
        "SELECT * WHERE { " + "MINUS{}" * 3_000 + " } LIMIT 1",
        "SELECT * WHERE { FILTER(" + "*".join(["1"] * 10_000) + " > 0) }",
    ]
    for text in chains:
        status, _, body = post(url, text)
        # an answer: a crash would be a 500 "the query crashed its worker process"
        assert status in (200, 400, 507), (status, body[:200])
    assert wait_for(lambda: len(workers(proc)) == 2, 30)


# --- connections ----------------------------------------------------------------------------


def host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def closed_by_server(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes this connection within ``seconds`` (answer or not)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_slow_clients_are_bounded_and_do_not_starve_others(server):
    proc, url = server
    host, port = host_port(url)
    idle_fds = descriptors(proc.pid)
    slow = []
    try:
        for _ in range(4 * MAX_CONNECTIONS):  # far more than allowed
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: ")
            slow.append(s)
        # the server holds a bounded number of them, not one per client
        assert descriptors(proc.pid) <= idle_fds + MAX_CONNECTIONS + max(8, MAX_CONNECTIONS // 8)
        time.sleep(1.2)  # the slow ones are now old enough to give way
        status, _, body = post(url, LIGHT)  # a normal client is answered
        assert status == 200 and b"true" in body
    finally:
        for s in slow:
            s.close()


def test_a_client_that_sends_a_byte_at_a_time_is_cut_at_the_header_deadline(server):
    _, url = server
    host, port = host_port(url)
    request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: " + host.encode() + b"\r\n" * 40
    with socket.create_connection((host, port), timeout=10) as s:
        cut = False
        for byte in request:  # 0.3 s a byte: 20 s in all, far past the 2 s deadline
            try:
                s.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            s.settimeout(0.3)
            try:
                if s.recv(65536) == b"":
                    cut = True
                    break
            except TimeoutError:
                pass
            except ConnectionResetError:
                cut = True
                break
        assert cut, "the server waited for the whole slow request"


def test_beyond_the_limit_a_503_at_once(seed_build):
    """All slots held by young connections (not yet slow enough to give way): 503."""
    proc, url = start_server(
        str(seed_build.out), "--workers", "1", "--max-connections", "2", "--header-timeout", "5"
    )
    host, port = host_port(url)
    held = []
    try:
        for _ in range(2):
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\n")
            held.append(s)
        time.sleep(0.1)  # both are in, and young: not yet to be dropped for a newcomer
        refused = 0
        for _ in range(5):
            with socket.create_connection((host, port), timeout=30) as s:
                s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n")
                answer = b""
                try:
                    while chunk := s.recv(65536):
                        answer += chunk
                except ConnectionResetError:
                    pass
            if answer.startswith(b"HTTP/1.1 503"):
                assert b"too many connections" in answer and b"Retry-After: 1" in answer
                refused += 1
            else:
                assert answer.startswith(b"HTTP/1.1 200") or answer == b"", answer[:100]
        assert refused >= 1
        for s in held:
            assert closed_by_server(s, 60)  # the held ones are cut at their deadline too
    finally:
        for s in held:
            s.close()
        stop_server(proc)
