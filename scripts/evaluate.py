"""Score builds against the gold files: the seeds and the development set.

    python scripts/evaluate.py                      # build both sets, report both side by side
    python scripts/evaluate.py --set dev --details  # one set, with the lists of misses
    python scripts/evaluate.py --out out --gold gold/seeds.gold.json --corpus seeds [--json]
        [--min-event-f1 X] [--min-roles Y]          # score a build you already made

The sets (:data:`SETS`): the five seed articles (``seeds/``, ``gold/seeds.gold.json``)
and the development set of 32 articles written for kg in the genre's styles, on Iraq
and the neighbouring wars (``tests/data/dev/``, ``gold/dev.gold.json``). Without
``--out`` each set is built into a temporary folder first (the build's own cache is not
used, so the figures are those of the code as it is).

For each set: event precision/recall/F1 (category only and category+type), the share
of predicted events that are extra reports of an event already found (duplicates),
whether confidence ranks (right vs wrong events, AUC), per-role accuracy over matched
pairs with a macro average, entity P/R/F1; ``--details`` (or ``--out``) adds the misses.

Exit codes: 0 when the evaluation ran (whatever the figures), 1 when a ``--min-*``
threshold is not met (on every set evaluated), 2 on unreadable input (one-line message).
The logic lives in :mod:`kg.analysis.evaluation`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

try:
    from kg.errors import KgError
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.errors import KgError

from kg.analysis.evaluation import Report, evaluate, format_report, load_gold, read_jsonl

ROOT = Path(__file__).resolve().parents[1]

SETS = {
    "seeds": (Path("seeds"), Path("gold/seeds.gold.json")),
    "dev": (Path("tests/data/dev"), Path("gold/dev.gold.json")),
}
"""Named evaluation sets: (corpus folder, gold file), relative to the repository."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Score kg builds against the gold files.")
    ap.add_argument(
        "--set",
        choices=[*SETS, "all"],
        default="all",
        help="which set to build and score (default: all)",
    )
    ap.add_argument("--out", type=Path, default=None, help="score this build folder instead")
    ap.add_argument("--gold", type=Path, default=None, help="gold file for --out")
    ap.add_argument("--corpus", type=Path, default=None, help="article folder for --out")
    ap.add_argument("--details", action="store_true", help="list the misses of each set")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument(
        "--min-event-f1",
        type=float,
        default=None,
        help="exit 1 if event F1 (category only) is below",
    )
    ap.add_argument(
        "--min-roles", type=float, default=None, help="exit 1 if the macro role accuracy is below"
    )
    return ap.parse_args(argv)


def _score(out: Path, gold_path: Path, corpus: Path) -> Report:
    gold = load_gold(gold_path)
    events = read_jsonl(out / "events.jsonl")
    entities = read_jsonl(out / "entities.jsonl")
    return evaluate(events, entities, gold, corpus)


def _build(corpus: Path, out: Path) -> None:
    from kg.pipeline.build import build

    build(corpus, out, cache=False)


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def side_by_side(reports: dict[str, Report]) -> str:
    """The headline figures of several sets, one column each."""
    names = list(reports)
    rows = [("", names)]

    def add(label: str, f) -> None:
        rows.append((label, [f(reports[n]) for n in names]))

    add("event precision", lambda r: _pct(r.events.precision))
    add("event recall", lambda r: _pct(r.events.recall))
    add("event F1", lambda r: _pct(r.events.f1))
    add("event F1 (+type)", lambda r: _pct(r.events_typed.f1))
    add("events (pred/gold)", lambda r: f"{r.events.n_pred}/{r.events.n_gold}")
    add("duplicates", lambda r: _pct(r.duplicates))
    add("confidence right", lambda r: _pct(r.confidence.get("right_mean")))
    add("confidence wrong", lambda r: _pct(r.confidence.get("wrong_mean")))
    add("confidence AUC", lambda r: _pct(r.confidence.get("auc")))
    for role in reports[names[0]].roles:
        add(f"  {role.role}", lambda r, name=role.role: _pct(r.role(name).accuracy))
    add("roles (macro)", lambda r: _pct(r.roles_macro))
    add("entities F1", lambda r: _pct(r.entities.f1))
    width = max(len(label) for label, _ in rows) + 2
    lines = []
    for label, cells in rows:
        lines.append(label.ljust(width) + "".join(f"{c:>12}" for c in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    reports: dict[str, Report] = {}
    try:
        if args.out is not None:
            corpus, gold = SETS["seeds"]
            reports["build"] = _score(
                args.out, args.gold or ROOT / gold, args.corpus or ROOT / corpus
            )
        else:
            names = list(SETS) if args.set == "all" else [args.set]
            with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
                for name in names:
                    corpus, gold = SETS[name]
                    out = Path(tmp) / name
                    _build(ROOT / corpus, out)
                    reports[name] = _score(out, ROOT / gold, ROOT / corpus)
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    failures = []
    for name, report in reports.items():
        if args.min_event_f1 is not None and report.events.f1 < args.min_event_f1:
            failures.append(f"{name}: event F1 {report.events.f1:.3f} < {args.min_event_f1}")
        roles = report.roles_macro or 0.0
        if args.min_roles is not None and roles < args.min_roles:
            failures.append(f"{name}: roles {roles:.3f} < {args.min_roles}")

    if args.json:
        if list(reports) == ["build"]:
            d = reports["build"].to_dict()
        else:
            d = {name: r.to_dict() for name, r in reports.items()}
        d["thresholds_failed"] = failures
        print(json.dumps(d, ensure_ascii=False, indent=2))
    elif list(reports) == ["build"]:
        print(format_report(reports["build"]))
    else:
        print(side_by_side(reports))
        if args.details:
            for name, report in reports.items():
                print(f"\n==== {name}\n" + format_report(report))
    for f in failures:
        print(f"below threshold: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
