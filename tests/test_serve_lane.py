"""The light lane of `kg serve`'s worker pool, driven directly (kg.read.serve.WorkerPool).

A query that holds a worker while another query waits for one leaves the pool:
it goes on in its own process (at most ``size`` such at once) and a fresh
worker is forked for the waiting query; when no such process is left, the
query that has run longest is stopped with TooManyHeavy (503 and Retry-After
over HTTP). Light queries are answered meanwhile. The sleeps here only make sure a query has started; no
assertion is about speed.
"""

from __future__ import annotations

import threading
import time

import pytest

CPU_HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK { ?s ?p ?o }"


def request(text: str) -> dict:
    return {"query": text, "max_rows": 100, "max_bytes": 1 << 20}


@pytest.fixture
def pool(seed_build):
    from kg.read.serve import WorkerPool
    from kg.read.store import graph_file

    p = WorkerPool(graph_file(seed_build.out), 1, heavy_after=30, max_heavy=1)
    try:
        yield p
    finally:
        p.close()


def test_a_waiting_query_moves_a_long_one_out_then_sheds_the_longest(pool):
    from kg.read.serve import TooManyHeavy

    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            outcomes[name] = pool.run(request(CPU_HEAVY), 15)[0]
        except Exception as exc:
            outcomes[name] = type(exc).__name__

    first = threading.Thread(target=run, args=("first",))
    first.start()
    time.sleep(0.6)  # the only worker is busy with it for longer than 0.25 s
    status, _, body, _ = pool.run(request(LIGHT), 15)
    assert status == 200 and b"true" in body  # it got a fresh worker: the long one moved out
    assert first.is_alive() and "first" not in outcomes  # and goes on in its own process
    assert pool.processes() == 2

    second = threading.Thread(target=run, args=("second",))
    second.start()
    time.sleep(0.6)
    status, _, body, _ = pool.run(request(LIGHT), 15)
    assert status == 200 and b"true" in body
    # no process was left to move the second one to: the query running longest (the
    # first) was stopped, and the second moved out in its place
    first.join(15)
    assert outcomes["first"] == TooManyHeavy.__name__
    assert second.is_alive() and "second" not in outcomes
    second.join(30)
    assert outcomes["second"] == "QueryTimeout"
    assert pool.processes() == 1  # back to the pool's size


def test_light_queries_alone_are_never_moved(pool):
    for _ in range(20):
        status, _, _, _ = pool.run(request(LIGHT), 15)
        assert status == 200
    assert pool.processes() == 1
