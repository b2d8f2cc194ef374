"""`kg serve` never calls another endpoint.

Every spelling of SERVICE (tests/test_sparql_guard.py) gets a one-line 403 by
GET and both POST forms, and a listener on 127.0.0.1 standing for the other
endpoint hears nothing; legitimate mentions of "service" are answered. Behind
the check, the worker processes have no network at all (a network namespace of
their own): a SERVICE query handed to a worker directly reaches nothing either.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from test_serve import http, start_server, stop_server
from test_sparql_guard import LEGITIMATE, Listener, spellings


@pytest.fixture(scope="module")
def listener():
    lis = Listener()
    try:
        yield lis
    finally:
        lis.close()


@pytest.fixture(scope="module")
def served(seed_build):
    proc, url = start_server(str(seed_build.out))
    try:
        yield proc, url
    finally:
        stop_server(proc)


def ask(url: str, text: str, how: str):
    if how == "GET":
        return http(url + "/sparql?" + urllib.parse.urlencode({"query": text}))
    if how == "form":
        return http(
            url + "/sparql",
            urllib.parse.urlencode({"query": text}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    return http(url + "/sparql", text.encode(), {"Content-Type": "application/sparql-query"})


def test_every_spelling_is_refused_and_nothing_is_sent(served, listener):
    _, url = served
    for text in spellings(listener.url, listener.port):
        for how in ("GET", "form", "direct"):
            status, headers, body = ask(url, text, how)
            assert status == 403, (text, how, status, body)
            assert headers["Content-Type"].startswith("text/plain")
            assert body.startswith(b"SERVICE refused") and body.count(b"\n") == 1, body
    assert listener.received == []


def test_legitimate_mentions_are_answered(served):
    _, url = served
    for text in LEGITIMATE:
        status, _, body = ask(url, text, "form")
        assert status == 200, (text, body)


def test_the_startup_lines_say_whether_workers_are_network_isolated(served):
    proc, _ = served
    line = proc.stdout.readline() + proc.stdout.readline()
    assert re.search(r"\d+ workers, (network-isolated|NOT network-isolated)", line), line


def test_a_worker_reaches_nothing_even_past_the_checks(seed_build, listener):
    """Defence in depth: the query goes straight to a worker, as if the checks had missed it."""
    from kg.read.serve import WorkerPool
    from kg.read.store import graph_file

    pool = WorkerPool(graph_file(seed_build.out), 1)
    try:
        if not pool.isolated:
            pytest.skip("no network namespace here (not root, no unprivileged user namespaces)")
        for text in (
            f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}",
        ):
            request = {"query": text, "max_rows": 5, "max_bytes": 1 << 20}
            status, _, body, _ = pool.run(request, 30)
            assert status in (200, 400, 500), body  # SILENT gives an empty answer
        assert listener.received == []
    finally:
        pool.close()
