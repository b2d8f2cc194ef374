"""Score a build against the gold file.

    python scripts/evaluate.py --out out/ --gold gold/seeds.gold.json --corpus seeds/ [--json]
        [--min-event-f1 X] [--min-roles Y]

Reads ``<out>/events.jsonl`` and ``<out>/entities.jsonl``, prints event
precision/recall/F1 (category only and category+type), per-role accuracy
over matched pairs with a macro average, entity P/R/F1, then the misses.
``--json`` prints the same as one JSON object.

Exit codes: 0 when the evaluation ran (whatever the figures), 1 when a
``--min-*`` threshold is not met, 2 on unreadable input (one-line message).
The logic lives in :mod:`kg.analysis.evaluation`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    from kg.errors import KgError
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.errors import KgError

from kg.analysis.evaluation import evaluate, format_report, load_gold, read_jsonl


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Score events.jsonl / entities.jsonl against a gold file."
    )
    ap.add_argument(
        "--out", type=Path, default=Path("out"), help="build output folder (default: out)"
    )
    ap.add_argument(
        "--gold",
        type=Path,
        default=Path("gold/seeds.gold.json"),
        help="gold file (default: gold/seeds.gold.json)",
    )
    ap.add_argument(
        "--corpus", type=Path, default=Path("seeds"), help="article folder (default: seeds)"
    )
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        gold = load_gold(args.gold)
        events = read_jsonl(args.out / "events.jsonl")
        entities = read_jsonl(args.out / "entities.jsonl")
        report = evaluate(events, entities, gold, args.corpus)
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    failures = []
    if args.min_event_f1 is not None and report.events.f1 < args.min_event_f1:
        failures.append(f"event F1 {report.events.f1:.3f} < {args.min_event_f1}")
    roles = report.roles_macro or 0.0
    if args.min_roles is not None and roles < args.min_roles:
        failures.append(f"roles {roles:.3f} < {args.min_roles}")

    if args.json:
        d = report.to_dict()
        d["thresholds_failed"] = failures
        print(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
        for f in failures:
            print(f"below threshold: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
