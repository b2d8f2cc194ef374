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


def local_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(
            f"load_test: --url must be http://127.0.0.1, localhost or [::1], not {url!r}"
        )
    return url


def competency_queries() -> list[tuple[str, str]]:
    from kg.sparql import named_queries

    found = [(q.name, q.text) for q in named_queries()]
    if not found:
        raise SystemExit("load_test: no queries in queries/*.rq")
    return found


class Server:
    """`kg serve` in a subprocess on a free localhost port."""

    def __init__(self, graph: Path, workers: int, timeout: float, max_rows: int):
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


def send(url: str, text: str, timeout: float) -> tuple[int | str, int]:
    """POST one query; (HTTP status, or the name of the connection error; bytes received)."""
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
            return resp.status, len(resp.read())
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, 0
    except urllib.error.URLError as exc:
        reason = exc.reason
        return type(reason).__name__ if isinstance(reason, BaseException) else "URLError", 0
    except OSError as exc:
        return type(exc).__name__, 0


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def run(url: str, clients: int, queries: int, timeout: float, seed: int) -> dict:
    mix = competency_queries()
    latencies: list[float] = []
    by_query: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    lock = threading.Lock()
    # warm up: each query once (the first run of a query plans it and fills caches)
    for _name, text in mix:
        send(url, text, timeout)

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        order = list(mix)
        rng.shuffle(order)
        for n in range(queries):
            name, text = order[n % len(order)]
            t0 = time.perf_counter()
            status, _size = send(url, text, timeout)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                by_query[name].append(dt)
                statuses[status] += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    return {
        "url": url,
        "clients": clients,
        "queries_per_client": queries,
        "requests": len(lat),
        "distinct_queries": len(mix),
        "seconds": round(wall, 2),
        "throughput_qps": round(len(lat) / wall, 1),
        "latency_ms": {
            "p50": round(percentile(lat, 50) * 1000, 1),
            "p90": round(percentile(lat, 90) * 1000, 1),
            "p99": round(percentile(lat, 99) * 1000, 1),
            "max": round(lat[-1] * 1000, 1) if lat else None,
            "mean": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        },
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "errors": sum(v for k, v in statuses.items() if k != 200),
        "per_query_p50_ms": {
            name: round(statistics.median(v) * 1000, 1) for name, v in sorted(by_query.items())
        },
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
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.queries < 1 or args.clients > 500 or args.queries > 100_000:
        raise SystemExit("load_test: --clients 1..500 and --queries 1..100000")
    server = None
    if args.url:
        url = local_url(args.url)
    else:
        server = Server(args.graph, args.workers, args.server_timeout, args.max_rows)
        url = server.url
    try:
        print(
            f"load test: {args.clients} clients x {args.queries} queries against {url} "
            f"({'started here, ' + str(args.workers) + ' workers' if server else 'given'})",
            flush=True,
        )
        res = run(url, args.clients, args.queries, args.timeout, args.seed)
    finally:
        if server is not None:
            server.stop()
    lat = res["latency_ms"]
    print(
        f"{res['requests']} requests ({res['distinct_queries']} competency queries) in {res['seconds']} s: "
        f"{res['throughput_qps']} queries/s"
    )
    print(
        f"latency ms: p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  max {lat['max']}  mean {lat['mean']}"
    )
    print(f"statuses: {res['statuses']}  errors: {res['errors']}")
    print(
        "median per query (ms): "
        + ", ".join(f"{k} {v}" for k, v in res["per_query_p50_ms"].items())
    )
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
