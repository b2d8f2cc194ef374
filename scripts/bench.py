"""End-to-end benchmarks of `kg build` and of the competency queries.

    python scripts/bench.py [--sizes 100,1000,10000] [--jobs 1,2] [--out BENCHMARKS.md]

For each corpus size N it generates N synthetic articles (scripts/make_corpus.py,
seed 0, so a size is always the same corpus) and measures, each in a fresh
subprocess so that every run starts cold and its peak memory is its own:

- a full build (``build(..., full=True)`` into an empty folder) for each ``--jobs``:
  wall and CPU seconds, articles/s, words/s, triples/s, peak RSS of the main
  process and of the worker processes, and the time of each phase;
- a no-change rebuild (every article from the cache);
- a bare spaCy tokenizer pass (``spacy.blank("ar").tokenizer``) over the same
  texts, and the ratio of the build's words/s to it;
- pyoxigraph alone serialising the same quads (TriG, N-Quads, Turtle from an
  in-memory sorted list), against the build's dump phase.

On the largest graph (or the one of ``--queries-on N``) it times every
competency query in ``queries/*.rq`` with pyoxigraph and with rdflib's in-memory
engine (median of ``--runs`` runs after loading; a query's parameters are bound
to the example its ``# Params:`` line documents; a query slower than
``--query-timeout`` is reported as such).

The tables and the machine (CPU, cores, RAM, load, versions) replace the block
between ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` in ``--out``; the rest
of the file is kept. Benchmarks are a script, not a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


# --- child processes: one measurement each ------------------------------------------


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _texts(corpus: Path) -> list[str]:
    from kg.pipeline.corpus import Article, iter_corpus

    return [a.text for a in iter_corpus(corpus) if isinstance(a, Article)]


PARAM = re.compile(r"^#\s*Params:\s*(\w+)\s*\(([^,)]+)[^)]*?e\.g\.\s*([^)\s]+)\)", re.M)


def bind_example(text: str, corpus_files: list[str]) -> tuple[dict, str]:
    """A query's parameters bound to their documented examples ("# Params: base (IRI, … e.g.
    kgr:entity/camp-taji)"), as pyoxigraph terms, the way `kg query --param` binds them (no
    text pasted); an example article file name is replaced by the first article of the
    benchmark corpus. Returns the bindings and a description."""
    import pyoxigraph as ox

    from kg.pipeline.dumps import PREFIXES

    bindings, bound = {}, []
    for name, kind, example in PARAM.findall(text):
        if kind.strip().upper() == "IRI":
            prefix, _, local = example.partition(":")
            iri = (
                PREFIXES[prefix] + local
                if prefix in PREFIXES and not example.startswith("http")
                else example
            )
            bindings[name] = ox.NamedNode(iri)
        else:
            if example.endswith(".txt") and corpus_files:
                example = corpus_files[0]
            bindings[name] = ox.Literal(example)
        bound.append(f"{name} = {example}")
    return bindings, ", ".join(bound) or "none"


def child_build(corpus: Path, out: Path, jobs: int, full: bool) -> dict:
    from kg.pipeline.build import build

    marks: list[tuple[str, float]] = []
    phases = {"extracting": "extract", "merging events": "merge", "writing the graph": "dumps"}
    phases["writing the tables"] = "tables"

    def on_phase(name: str) -> None:
        marks.append((phases.get(name, name), time.process_time()))

    t0, c0 = time.perf_counter(), time.process_time()
    result = build(corpus, out, jobs=jobs, full=full, on_phase=on_phase)
    wall = time.perf_counter() - t0
    marks.append(("end", time.process_time()))
    cpu_phases = {name: marks[i + 1][1] - at for i, (name, at) in enumerate(marks[:-1])}
    words = sum(len(t.split()) for t in _texts(corpus))
    return {
        "wall": wall,
        "cpu_main": time.process_time() - c0,
        "cpu_workers": _cpu(resource.RUSAGE_CHILDREN),
        "rss_main_mb": _rss_mb(resource.RUSAGE_SELF),
        "rss_workers_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "articles": len(result.articles),
        "extracted": len(result.extracted),
        "problems": len(result.problems),
        "events": len(result.events),
        "words": words,
        "triples": result.triples,
        "quads": result.quads,
        "timings": result.timings,
        "cpu_phases": cpu_phases,
        "bytes": {name: p.stat().st_size for name, p in result.files.items()},
    }


def child_tokenize(corpus: Path) -> dict:
    import spacy

    texts = _texts(corpus)
    tokenizer = spacy.blank("ar").tokenizer
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = sum(len(tokenizer(t)) for t in texts)
    return {
        "wall": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "words": sum(len(t.split()) for t in texts),
        "tokens": tokens,
    }


def child_oxdump(nq: Path) -> dict:
    """pyoxigraph alone: serialise the (already sorted) quads of graph.nq three ways."""
    import pyoxigraph as ox

    from kg.pipeline.dumps import PREFIXES

    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    t0 = time.perf_counter()
    ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    triples = sorted(
        {q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return {"wall": time.perf_counter() - t0, "quads": len(quads)}


def child_query(engine: str, nq: Path, queries: list[str], runs: int, corpus: Path) -> None:
    """Load once, then time each query; one JSON line per step on stdout, as it completes."""
    files = sorted(p.name for p in corpus.glob("*.txt"))
    t0 = time.perf_counter()
    from kg.read.store import OxigraphStore, RdflibStore, read_quads

    # kg's own stores, as `kg query` and `kg serve` use them (for pyoxigraph: the union of
    # the named graphs copied into the default graph; for rdflib: a default_union Dataset)
    quads = read_quads(nq)
    store = (OxigraphStore if engine == "oxigraph" else RdflibStore).from_quads(quads)
    del quads

    def run(q: str, bindings: dict) -> int:
        return len(store.query(q, bindings or None, use_prefixes=False))

    print(json.dumps({"load": time.perf_counter() - t0}), flush=True)
    for path in queries:
        text = Path(path).read_text(encoding="utf-8")
        bindings, binding = bind_example(text, files)
        times, rows = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            rows = run(text, bindings)
            times.append(time.perf_counter() - t)
        result = {"p50": statistics.median(times), "rows": rows, "runs": runs, "binding": binding}
        print(json.dumps({"name": Path(path).name, **result}), flush=True)


def run_queries(
    engine: str, nq: Path, files: list[str], runs: int, corpus: Path, timeout: float
) -> tuple[dict, float | None]:
    """Time every query with one engine; a query slower than ``timeout`` is marked and
    skipped (its process is killed, a new one loads the graph for the queries left)."""
    import select

    results: dict = {}
    load = None
    todo = list(files)
    while todo:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "query",
            engine,
            str(nq),
            json.dumps(todo),
            str(runs),
            str(corpus),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        done = 0
        limit = max(timeout, 600)  # loading first
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], limit)
            if not ready:
                proc.kill()
                proc.wait()
                _progress(f"{Path(todo[done]).name} with {engine}: timeout")
                todo = todo[done + 1 :]
                break
            line = proc.stdout.readline()
            if not line:
                if proc.wait() != 0:
                    raise RuntimeError(f"queries with {engine} failed")
                todo = []
                break
            msg = json.loads(line)
            if "load" in msg:
                load = msg["load"] if load is None else load
            else:
                results[msg.pop("name")] = msg
                _progress(f"{Path(todo[done]).name} with {engine}: {msg['p50'] * 1000:,.1f} ms")
                done += 1
            limit = timeout
    return results, load


def _child_main(argv: list[str]) -> int:
    kind, *args = argv
    if kind == "build":
        res = child_build(Path(args[0]), Path(args[1]), int(args[2]), args[3] == "full")
    elif kind == "tokenize":
        res = child_tokenize(Path(args[0]))
    elif kind == "oxdump":
        res = child_oxdump(Path(args[0]))
    elif kind == "query":
        child_query(args[0], Path(args[1]), json.loads(args[2]), int(args[3]), Path(args[4]))
        return 0
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps(res))
    return 0


def _run_child(*args: str, timeout: float | None = None) -> dict | None:
    cmd = [sys.executable, __file__, "--child", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        if "changed while this build was running" in proc.stderr:  # kg edited meanwhile: again
            _progress(f"{args[0]}: kg changed during the run; running it again")
            return _run_child(*args, timeout=timeout)
        raise RuntimeError(f"{' '.join(args[:1])} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the machine -----------------------------------------------------------------


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib.metadata import version

    for pkg in ("spacy", "pyoxigraph", "rdflib", "dask", "distributed"):
        try:
            info[pkg] = version(pkg)
        except Exception:  # not installed
            info[pkg] = "-"
    return info


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "-"


# --- the report -------------------------------------------------------------------


def _ratio(x: float) -> str:
    return f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×"


def _f(x: float, nd: int = 1) -> str:
    return f"{x:,.{nd}f}"


def render(data: dict) -> str:
    m = data["machine"]
    lines = [
        BEGIN,
        "",
        f"Measured {data['date']} with `{data['command']}`",
        f"(kg {data['kg']}; load average {data['load_before']} before, {data['load_after']} after).",
        *(
            [
                f"Builds (the tables up to the queries) measured {data['builds_measured']};",
                "the queries were timed again by the command above, on those builds.",
            ]
            if data.get("builds_measured")
            else []
        ),
        *(
            [f"Queries timed {data['queries_measured']}, on builds that give the same bytes."]
            if data.get("queries_measured")
            else []
        ),
        "",
        f"Machine: {m.get('cpu', '?')}, {m['cores']} cores, {m.get('ram_gb', '?')} GB RAM; "
        f"Python {m['python']}, spaCy {m['spacy']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, "
        f"dask {m['dask']}.",
        "",
        "Corpora: `scripts/make_corpus.py N --seed 0` (synthetic articles in the style of the seeds).",
        "Every build is a fresh process building into an empty folder (`full=True`); CPU is user+system",
        "time of the build process and its workers. Peak RSS: main process / largest worker.",
        "",
        "### End to end",
        "",
        "| N | jobs | wall s | CPU s | articles/s | words/s | triples/s | build ÷ tokenizer (words/s) "
        "| peak RSS MB | triples | events |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["builds"]:
        b, tok = row["build"], data["tokenizer"][str(row["n"])]
        tok_wps = tok["words"] / tok["wall"]
        wps = b["words"] / b["wall"]
        rss = _f(b["rss_main_mb"], 0) + (
            f" / {_f(b['rss_workers_mb'], 0)}" if row["jobs"] > 1 else ""
        )
        lines.append(
            f"| {row['n']:,} | {row['jobs']} | {_f(b['wall'])} | {_f(b['cpu_main'] + b['cpu_workers'])} "
            f"| {_f(b['articles'] / b['wall'])} | {_f(wps, 0)} | {_f(b['triples'] / b['wall'], 0)} "
            f"| 1/{_f(tok_wps / wps, 0)} | {rss} | {b['triples']:,} | {b['events']:,} |"
        )
    lines += [
        "",
        "### Phases (wall seconds) and the tokenizer baseline",
        "",
        "| N | jobs | extract | merge events | quads (mapping) | sort + 3 files | pyoxigraph alone, same quads "
        "| tables | rebuild, nothing changed | bare tokenizer s | tokenizer words/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["builds"]:
        b, n = row["build"], str(row["n"])
        tok, ox_ = data["tokenizer"][n], data["oxdump"][n]
        t = b["timings"]
        rebuild = data["rebuild"].get(n)
        lines.append(
            f"| {row['n']:,} | {row['jobs']} | {_f(t['extract'])} | {_f(t['merge'], 2)} | {_f(t['quads'], 2)} "
            f"| {_f(t['dumps'] - t['quads'], 2)} "
            f"| {_f(ox_['wall'], 2)} | {_f(t['tables'], 2)} "
            f"| {_f(rebuild['wall']) if rebuild and row['jobs'] == 1 else ''} "
            f"| {_f(tok['wall'], 2)} | {_f(tok['words'] / tok['wall'], 0)} |"
        )
    lines += [
        "",
        "### CPU milliseconds per article, by phase (jobs = 1)",
        "",
        "| N | extract | merge events | dumps | tables | total |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["builds"]:
        if row["jobs"] != 1:
            continue
        c, n = row["build"]["cpu_phases"], row["n"]
        lines.append(
            f"| {n:,} | {_f(c['extract'] / n * 1000)} | {_f(c['merge'] / n * 1000)} "
            f"| {_f(c['dumps'] / n * 1000)} | {_f(c['tables'] / n * 1000)} "
            f"| {_f(sum(c.values()) / n * 1000)} |"
        )
    lines += ["", "### Competency queries", ""]
    q = data.get("queries")
    if not q or not q.get("files"):
        lines.append("No `queries/*.rq` file was found; nothing timed.")
    else:
        lines += [
            f"On the N = {q['n']:,} graph ({q['quads']:,} quads), median of {q['runs']} runs after loading "
            f"(load: pyoxigraph {_f(q['load'].get('oxigraph') or 0)} s, rdflib {_f(q['load'].get('rdflib') or 0)} s). "
            "A query with parameters runs with its documented example bound as `kg query --param` binds it.",
            "",
            "| query | parameters | rows | pyoxigraph p50 ms | rdflib p50 ms | rdflib ÷ pyoxigraph |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name in q["files"]:
            ox_ = q["oxigraph"].get(name)
            rl = q["rdflib"].get(name)
            oxs = f"{ox_['p50'] * 1000:,.1f}" if ox_ else f"> {q['timeout']:.0f} s (timeout)"
            rls = f"{rl['p50'] * 1000:,.1f}" if rl else f"> {q['timeout']:.0f} s (timeout)"
            ratio = _ratio(rl["p50"] / ox_["p50"]) if ox_ and rl and ox_["p50"] > 0 else "-"
            rows = (ox_ or rl or {}).get("rows", "-")
            binding = (ox_ or rl or {}).get("binding", "?")
            lines.append(f"| `{name}` | {binding} | {rows} | {oxs} | {rls} | {ratio} |")
    lines += ["", "### Targets", "", *targets(data), "", END]
    return "\n".join(lines) + "\n"


def targets(data: dict) -> list[str]:
    out = ["| target | measured | met |", "|---|---|---|"]
    serial = sorted((r for r in data["builds"] if r["jobs"] == 1), key=lambda r: r["n"])
    if not serial:
        return out
    best: dict[int, dict] = {}
    for r in data["builds"]:
        if r["n"] not in best or r["build"]["wall"] < best[r["n"]]["wall"]:
            best[r["n"]] = r["build"]
    big = max(best)
    b, tok = best[big], data["tokenizer"][str(big)]
    wall_ratio = (tok["words"] / tok["wall"]) / (b["words"] / b["wall"])
    s_big = serial[-1]["build"]
    cpu_ratio = (tok["words"] / tok["cpu"]) / (
        s_big["words"] / (s_big["cpu_main"] + s_big["cpu_workers"])
    )
    out.append(
        f"| end to end ≥ 1/3 of the bare tokenizer's words/s | 1/{wall_ratio:,.0f} wall (best --jobs), "
        f"1/{cpu_ratio:,.0f} per CPU second, at N = {big:,} | {'yes' if wall_ratio <= 3 else 'no'} |"
    )
    if len(serial) >= 2:
        lo, hi = serial[0], serial[-1]

        def per(row: dict, phase: str | None = None) -> float:
            b = row["build"]
            cpu = b["cpu_phases"][phase] if phase else b["cpu_main"] + b["cpu_workers"]
            return cpu / row["n"]

        grow = per(hi) / per(lo)
        merge = per(hi, "merge") / per(lo, "merge")
        out.append(
            f"| time linear in N | CPU per article {per(lo) * 1000:,.0f} ms at N = {lo['n']:,}, "
            f"{per(hi) * 1000:,.0f} ms at N = {hi['n']:,} (×{grow:.2f}); of which merging events "
            f"{per(lo, 'merge') * 1000:,.1f} → {per(hi, 'merge') * 1000:,.1f} ms (×{merge:.1f}) "
            f"| {'yes' if grow < 1.15 else 'no'} |"
        )
        m_lo, m_hi = lo["build"]["rss_main_mb"], hi["build"]["rss_main_mb"]
        slope = (m_hi - m_lo) / (hi["n"] - lo["n"]) * 1000
        out.append(
            f"| peak memory not growing with N | {m_lo:,.0f} MB at N = {lo['n']:,}, {m_hi:,.0f} MB at "
            f"N = {hi['n']:,} (+{slope:,.0f} MB per 1,000 articles) | {'yes' if m_hi / m_lo < 1.1 else 'no'} |"
        )
    t = b["timings"]
    write, ox_ = t["dumps"] - t["quads"], data["oxdump"][str(big)]["wall"]
    out.append(
        f"| dumps at Oxigraph speed | sorting and writing the 3 files {write:,.1f} s vs {ox_:,.1f} s for "
        f"pyoxigraph alone serialising the same sorted quads held in memory (×{write / ox_:.1f}); making "
        f"the quads (kg.pipeline.rdf, rdflib terms) {t['quads']:,.1f} s more | {'yes' if write / ox_ < 2 else 'no'} |"
    )
    q = data.get("queries") or {}
    if q.get("files"):
        p50 = {n: (q["oxigraph"].get(n) or {}).get("p50") for n in q["files"]}
        fast = sorted(n for n, v in p50.items() if v is not None and v < 0.05)
        slow = {n: v for n, v in p50.items() if n not in fast}
        worst = max(
            slow, key=lambda n: slow[n] if slow[n] is not None else float("inf"), default=None
        )
        what = f"{len(fast)} of {len(p50)} under 50 ms at p50 on the N = {q['n']:,} graph"
        if worst is not None:
            w = slow[worst]
            what += f"; slowest `{worst}` " + (f"{w * 1000:,.0f} ms" if w else "(timeout)")
        out.append(
            f"| every competency query < 50 ms p50 (pyoxigraph) | {what} | {'yes' if not slow else 'no'} |"
        )
    return out


def write_report(path: Path, block: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + block.rstrip("\n") + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip("\n") + "\n\n## Build and query speed\n\n" + block
    path.write_text(new, encoding="utf-8")


# --- main ---------------------------------------------------------------------------


class _SkipQueries(Exception):
    """--builds-only: the query timings come from the earlier run."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child_main(argv[1:])
    ap = argparse.ArgumentParser(description="Benchmark kg build and the competency queries.")
    ap.add_argument(
        "--sizes", default="100,1000,10000", help="corpus sizes (default 100,1000,10000)"
    )
    ap.add_argument("--jobs", default="1,2", help="--jobs values to build with (default 1,2)")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report file")
    ap.add_argument(
        "--work", type=Path, default=None, help="folder for corpora and builds (default: temporary)"
    )
    ap.add_argument("--runs", type=int, default=3, help="runs per query (median reported)")
    ap.add_argument(
        "--query-timeout", type=float, default=120, help="seconds a query may take (per engine)"
    )
    ap.add_argument(
        "--queries-on",
        type=int,
        default=None,
        help="corpus size whose graph is queried (default: the largest)",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the raw measurements here")
    ap.add_argument(
        "--queries-only",
        action="store_true",
        help="time the queries again on the builds already in --work, keeping the build "
        "measurements of the earlier run stored in --json (the report names both commands)",
    )
    ap.add_argument(
        "--builds-only",
        action="store_true",
        help="measure the builds again, keeping the query timings of the earlier run stored "
        "in --json (the builds give the same bytes, so those timings hold for them)",
    )
    args = ap.parse_args(argv)
    if args.builds_only and not (args.json and args.json.is_file()):
        ap.error("--builds-only needs the --json file of the run that timed the queries")
    if args.queries_only and not (args.work and args.json and args.json.is_file()):
        ap.error("--queries-only needs --work and the --json file of the run that built them")
    sizes = [int(x) for x in args.sizes.split(",") if x]
    jobs = [int(x) for x in args.jobs.split(",") if x]
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_corpus

    import kg

    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data: dict = {
        "date": dt.date.today().isoformat(),
        "command": "python scripts/bench.py " + " ".join(argv),
        "kg": kg.__version__,
        "machine": machine(),
        "load_before": load_average(),
        "builds": [],
        "tokenizer": {},
        "oxdump": {},
        "rebuild": {},
    }
    if args.queries_only:
        earlier = json.loads(args.json.read_text(encoding="utf-8"))
        for key in ("builds", "tokenizer", "oxdump", "rebuild"):
            data[key] = earlier[key]
        data["builds_measured"] = (
            f"{earlier['date']} with `{earlier.get('builds_command', earlier['command'])}`"
        )
        data["builds_command"] = earlier.get("builds_command", earlier["command"])
        sizes = []
    if args.builds_only:
        earlier = json.loads(args.json.read_text(encoding="utf-8"))
        data["queries"] = earlier["queries"]
        data["queries_measured"] = (
            f"{earlier['date']} with `{earlier.get('queries_command', earlier['command'])}`"
        )
        data["queries_command"] = earlier.get("queries_command", earlier["command"])
    try:
        for n in sizes:
            corpus = work / f"corpus-{n}"
            if corpus.exists():
                shutil.rmtree(corpus)
            make_corpus.generate(n, corpus, seed=0)
            data["tokenizer"][str(n)] = _run_child("tokenize", str(corpus))
            for j in jobs:
                out = work / f"out-{n}-j{j}"
                shutil.rmtree(out, ignore_errors=True)
                res = _run_child("build", str(corpus), str(out), str(j), "full")
                data["builds"].append({"n": n, "jobs": j, "build": res})
                _progress(f"N={n} jobs={j}: {res['wall']:.1f} s, {res['triples']:,} triples")
            last = work / f"out-{n}-j{jobs[-1]}"
            data["rebuild"][str(n)] = _run_child(
                "build", str(corpus), str(last), "1", "incremental"
            )
            data["oxdump"][str(n)] = _run_child("oxdump", str(last / "graph.nq"))
        if args.builds_only:
            raise _SkipQueries
        n = args.queries_on or (sizes[-1] if sizes else max(int(k) for k in data["tokenizer"]))
        nq = work / f"out-{n}-j{jobs[-1]}" / "graph.nq"
        files = sorted(str(p) for p in (ROOT / "queries").glob("*.rq"))
        q = {
            "n": n,
            "runs": args.runs,
            "timeout": args.query_timeout,
            "files": [Path(f).name for f in files],
        }
        q["quads"] = sum(1 for _ in nq.open(encoding="utf-8"))
        q["load"] = {"oxigraph": None, "rdflib": None}
        for engine in ("oxigraph", "rdflib"):
            q[engine], q["load"][engine] = run_queries(
                engine, nq, files, args.runs, work / f"corpus-{n}", args.query_timeout
            )
        data["queries"] = q
    except _SkipQueries:
        pass
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    data["load_after"] = load_average()
    if args.json:
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    write_report(args.out, render(data))
    print(render(data))
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
