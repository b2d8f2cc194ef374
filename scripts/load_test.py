"""Load test of `kg serve`: concurrent clients sending the competency questions.

Usage::

    python scripts/load_test.py --clients 50 --queries 200             # starts kg serve on out/
    python scripts/load_test.py --graph bench-out/ --workers 2
    python scripts/load_test.py --url http://127.0.0.1:7878/sparql     # a server already running

Without ``--url`` it starts ``kg serve`` on a free localhost port over ``--graph``
(default ``out/``), waits until it answers, and stops it at the end. With ``--url``
only 127.0.0.1 / localhost / [::1] are accepted: this is not a tool for loading
other people's servers.

Each of ``--clients`` threads sends ``--queries`` queries one after the other (so
clients × queries in all), taken in a shuffled round-robin from queries/*.rq (the
competency questions; a parameter left unbound means "any"). It prints the latency
percentiles (p50, p90, p99, max), the throughput, errors by kind, and the median
per query. Exit code 0 when there was no error, 1 otherwise.

``--heavy-share 0.05`` replaces that share of the queries (at random, the same for
a given ``--seed``) by heavy ones: cartesian products, one with ORDER BY (it takes
gigabytes: the worker's memory cap stops it) and one counted (little memory, it
runs until the timeout). The light queries' latency is then reported apart, with
the heavy ones' outcomes (memory cap, timeout, too many heavy at once ...); heavy
queries are expected to fail, so only errors of light queries count for the exit
code. Light queries are meant to keep their pace while heavy ones run (kg serve
moves a query that runs longer than --heavy-after to a process of its own).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
HEAVY = [
    ("cartesian-order-by", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a"),
    ("cartesian-count", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
]


def local_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(
            f"load_test: --url must be http://127.0.0.1, localhost or [::1], not {url!r}"
        )
    return url


def competency_queries() -> list[tuple[str, str]]:
    from kg.read.sparql import named_queries

    found = [(q.name, q.text) for q in named_queries()]
    if not found:
        raise SystemExit("load_test: no queries in queries/*.rq")
    return found


class Server:
    """`kg serve` in a subprocess on a free localhost port."""

    def __init__(
        self,
        graph: Path,
        workers: int,
        timeout: float,
        max_rows: int,
        extra: list[str] | None = None,
    ):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "serve",
                "--graph",
                str(graph),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--workers",
                str(workers),
                "--timeout",
                str(timeout),
                "--max-rows",
                str(max_rows),
                "-q",
                *(extra or []),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", line)
            if m:
                self.url = m.group(1)
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"load_test: kg serve stopped: {self.proc.stderr.read().strip()}")
        self.stop()
        raise SystemExit("load_test: kg serve did not start in 180 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def send(url: str, text: str, timeout: float) -> tuple[int | str, int, str]:
    """POST one query; (HTTP status, or the name of the connection error; bytes received;
    the first line of an error's body)."""
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, len(resp.read()), ""
    except urllib.error.HTTPError as exc:
        said = exc.read(300).decode("utf-8", "replace").split("\n")[0]
        return exc.code, 0, said
    except urllib.error.URLError as exc:
        reason = exc.reason
        name = type(reason).__name__ if isinstance(reason, BaseException) else "URLError"
        return name, 0, ""
    except OSError as exc:
        return type(exc).__name__, 0, ""


def outcome(status: int | str, said: str) -> str:
    """A heavy query's outcome in a few words."""
    if status == 200:
        return "200 answered"
    for key, words in (
        ("needed more than", "memory cap"),
        ("timed out", "timeout"),
        ("too many long queries", "too many heavy at once"),
        ("answer too large", "answer too large"),
        ("busy", "all workers busy"),
        ("crashed", "worker crashed"),
    ):
        if key in said:
            return f"{status} {words}"
    return f"{status} {said[:60]}".strip()


def summary(values: list[float]) -> dict:
    lat = sorted(values)
    return {
        "p50": round(percentile(lat, 50) * 1000, 1),
        "p90": round(percentile(lat, 90) * 1000, 1),
        "p99": round(percentile(lat, 99) * 1000, 1),
        "max": round(lat[-1] * 1000, 1) if lat else None,
        "mean": round(statistics.fmean(lat) * 1000, 1) if lat else None,
    }


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def run(
    url: str, clients: int, queries: int, timeout: float, seed: int, heavy_share: float = 0.0
) -> dict:
    mix = competency_queries()
    latencies: list[float] = []
    heavy_latencies: list[float] = []
    by_query: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    heavy_outcomes: Counter = Counter()
    lock = threading.Lock()
    # warm up: each query once (the first run of a query plans it and fills caches)
    for _name, text in mix:
        send(url, text, timeout)

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        order = list(mix)
        rng.shuffle(order)
        heavy_rng = random.Random(seed * 1000 + i + 500_000)
        for n in range(queries):
            heavy = heavy_share > 0 and heavy_rng.random() < heavy_share
            name, text = heavy_rng.choice(HEAVY) if heavy else order[n % len(order)]
            t0 = time.perf_counter()
            status, _size, said = send(url, text, timeout)
            dt = time.perf_counter() - t0
            with lock:
                if heavy:
                    heavy_latencies.append(dt)
                    heavy_outcomes[f"{name}: {outcome(status, said)}"] += 1
                else:
                    latencies.append(dt)
                    by_query[name].append(dt)
                    statuses[status] += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    return {
        "url": url,
        "clients": clients,
        "queries_per_client": queries,
        "heavy_share": heavy_share,
        "requests": len(latencies) + len(heavy_latencies),
        "light_requests": len(latencies),
        "distinct_queries": len(mix),
        "seconds": round(wall, 2),
        "throughput_qps": round((len(latencies) + len(heavy_latencies)) / wall, 1),
        "light_throughput_qps": round(len(latencies) / wall, 1),
        "latency_ms": summary(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "errors": sum(v for k, v in statuses.items() if k != 200),
        "per_query_p50_ms": {
            name: round(statistics.median(v) * 1000, 1) for name, v in sorted(by_query.items())
        },
        "heavy_requests": len(heavy_latencies),
        "heavy_latency_ms": summary(heavy_latencies) if heavy_latencies else None,
        "heavy_outcomes": dict(sorted(heavy_outcomes.items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--queries", type=int, default=200, help="queries per client (default 200)")
    ap.add_argument("--url", help="a running endpoint on this machine (else kg serve is started)")
    ap.add_argument(
        "--graph",
        type=Path,
        default=ROOT / "out",
        help="graph folder or file for kg serve (default out/)",
    )
    ap.add_argument("--workers", type=int, default=2, help="kg serve --workers (default 2)")
    ap.add_argument(
        "--server-timeout", type=float, default=30.0, help="kg serve --timeout (default 30)"
    )
    ap.add_argument(
        "--max-rows", type=int, default=10000, help="kg serve --max-rows (default 10000)"
    )
    ap.add_argument(
        "--timeout", type=float, default=120.0, help="client timeout per request, seconds"
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the query order (default 0)")
    ap.add_argument(
        "--heavy-share",
        type=float,
        default=0.0,
        help="share of heavy queries, 0..1 (cartesian products; default 0)",
    )
    ap.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="another option for the kg serve started here (repeatable), e.g. --server-arg=--max-heavy=1",
    )
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.queries < 1 or args.clients > 500 or args.queries > 100_000:
        raise SystemExit("load_test: --clients 1..500 and --queries 1..100000")
    if not 0.0 <= args.heavy_share <= 1.0:
        raise SystemExit("load_test: --heavy-share is a share, 0..1")
    server = None
    if args.url:
        url = local_url(args.url)
    else:
        server = Server(
            args.graph, args.workers, args.server_timeout, args.max_rows, args.server_arg
        )
        url = server.url
    try:
        print(
            f"load test: {args.clients} clients x {args.queries} queries against {url} "
            f"({'started here, ' + str(args.workers) + ' workers' if server else 'given'})",
            flush=True,
        )
        res = run(url, args.clients, args.queries, args.timeout, args.seed, args.heavy_share)
    finally:
        if server is not None:
            server.stop()
    lat = res["latency_ms"]
    print(
        f"{res['requests']} requests ({res['distinct_queries']} competency queries"
        f"{', ' + str(res['heavy_requests']) + ' heavy' if res['heavy_requests'] else ''}) "
        f"in {res['seconds']} s: {res['throughput_qps']} queries/s"
    )
    light = "light queries" if res["heavy_requests"] else "latency"
    print(
        f"{light} ms: p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  max {lat['max']}  mean {lat['mean']}"
    )
    print(f"statuses: {res['statuses']}  errors: {res['errors']}")
    print(
        "median per query (ms): "
        + ", ".join(f"{k} {v}" for k, v in res["per_query_p50_ms"].items())
    )
    if res["heavy_requests"]:
        h = res["heavy_latency_ms"]
        print(f"heavy queries ms: p50 {h['p50']}  p90 {h['p90']}  max {h['max']}")
        print("heavy outcomes: " + ", ".join(f"{k} x{v}" for k, v in res["heavy_outcomes"].items()))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
