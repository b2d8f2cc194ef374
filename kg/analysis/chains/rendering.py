"""Chains and paths for a reader: JSON for ``--format json``, and rich text for a terminal.

Why a module of its own: how a result is shown (the JSON schema of docs/CHAINS.md,
the timeline and the paths printed with rich, the wording of who did what) changes
for other reasons than how it is found, and only the command line needs rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from kg.analysis.chains.model import (
    JSON_SCHEMA_VERSION,
    ChainEvent,
    ChainResult,
    Hop,
    Link,
    PathResult,
    Ref,
    Source,
    sources_of,
)

__all__ = [
    "chains_to_json",
    "format_casualties",
    "format_date",
    "format_who",
    "hop_roles",
    "hop_sources",
    "paths_to_json",
    "render_chains",
    "render_paths",
]


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def _link_json(link: Link) -> dict[str, Any]:
    d = asdict(link)
    d.pop("reason", None)
    return d


def chains_to_json(result: ChainResult) -> dict[str, Any]:
    """A plain dict for ``--format json`` (schema documented in docs/CHAINS.md)."""
    chains = []
    for i, c in enumerate(result.chains, 1):
        events = []
        for e in c.events:
            d = asdict(e)
            d["responsibility"] = e.responsibility
            events.append(d)
        first, last = c.span
        chains.append(
            {
                "n": i,
                "first_date": first,
                "last_date": last,
                "events": events,
                "links": [_link_json(link) for link in c.links],
                "broken_links": [_link_json(link) for link in c.broken],
                "dropped_links": [asdict(link) for link in c.dropped],
            }
        )
    return _clean(
        {
            "version": JSON_SCHEMA_VERSION,
            "query": result.query,
            "chains": chains,
            "warnings": list(result.warnings),
        }
    )


def hop_roles(hop: Hop) -> str:
    """The roles of a hop's edges as one arrow: ``—target, location→``, ``←attributed_to—``,
    or both directions joined by `` / ``."""
    forward = sorted({e["role"] for e in hop.edges if e["direction"] == "forward"})
    backward = sorted({e["role"] for e in hop.edges if e["direction"] != "forward"})
    arrows = []
    if forward:
        arrows.append(f"—{', '.join(forward)}→")
    if backward:
        arrows.append(f"←{', '.join(backward)}—")
    return " / ".join(arrows)


def hop_sources(hop: Hop) -> list[dict[str, Any]]:
    """The evidence of a hop: every sentence of its edges, once, in order."""
    seen: dict[tuple, dict[str, Any]] = {}
    for e in hop.edges:
        for src in e["sources"]:
            key = (src.get("article"), src.get("start"), src.get("end"), src.get("sentence"))
            seen.setdefault(key, dict(src))
    return list(seen.values())


def paths_to_json(result: PathResult) -> dict[str, Any]:
    """A plain dict for ``kg path --format json``: each hop once, with its roles and its
    evidence once (``sources``), and the edges it stands for."""
    return _clean(
        {
            "version": JSON_SCHEMA_VERSION,
            "query": result.query,
            "length": result.length,
            "paths": [
                [
                    {
                        "from": asdict(h.a),
                        "to": asdict(h.b),
                        "roles": sorted({e["role"] for e in h.edges}),
                        "sources": hop_sources(h),
                        "edges": list(h.edges),
                    }
                    for h in p
                ]
                for p in result.paths
            ],
        }
    )


def format_date(e: ChainEvent) -> str:
    if e.date:
        return f"{e.date} ({e.date_precision})" if e.date_precision else e.date
    lo, hi = e.date_earliest, e.date_latest
    if lo or hi:
        return f"{lo or '?'}..{hi or '?'} ({e.date_precision or 'window'})"
    return "date unknown"


def format_who(e: ChainEvent) -> str:
    if not e.parties:
        return (
            "nobody claimed it (no attacker named)"
            if e.not_claimed
            else "unknown (no attacker named)"
        )
    parts = []
    for p in e.parties:
        if p.responsibility == "attributed":
            by = ", ".join(b.name for b in p.by)
            parts.append(
                f"{p.entity.name} (attributed by {by})"
                if by
                else f"{p.entity.name} (attributed; source not named)"
            )
        else:
            parts.append(f"{p.entity.name} ({p.responsibility})")
    if e.not_claimed:
        parts.append("nobody claimed it")
    return "; ".join(parts)


def _refs(refs: Iterable[Ref]) -> str:
    return ", ".join(r.name for r in refs)


def format_casualties(e: ChainEvent) -> str | None:
    parts = []
    if e.killed is not None:
        parts.append(f"{e.killed} killed")
    if e.wounded is not None:
        parts.append(f"{e.wounded} wounded")
    return ", ".join(parts) or None


def _short(eid: str) -> str:
    return "event/" + eid.rsplit("/", 1)[-1]


def _source_line(s: Source) -> str:
    where = s.article or "?"
    if s.start is not None:
        where += f" [{s.start}–{s.end}]"
    text = " ".join((s.sentence or s.quote or "").split())
    return f"«{text}» — {where}"


def _eventref_of(number: dict[str, int], e: ChainEvent) -> str:
    return f"#{number[e.id]} {e.label_en or e.type or 'event'} — {format_date(e)}"


def render_chains(result: ChainResult, console, max_sources: int = 3) -> None:
    """Print chains as a readable timeline."""
    from rich.table import Table
    from rich.text import Text

    if not result.chains:
        console.print("No events match.", highlight=False)
    for i, c in enumerate(result.chains, 1):
        first, last = c.span
        span = f"{first} → {last}" if first else "undated"
        n = len(c.events)
        console.print(Text(f"Chain {i} · {n} event{'s' if n != 1 else ''} · {span}", style="bold"))
        number = {e.id: k for k, e in enumerate(c.events, 1)}
        by_id = {e.id: e for e in c.events}
        for k, e in enumerate(c.events, 1):
            head = Text(f"{k:>2}. ", style="bold")
            head.append(format_date(e), style="cyan")
            head.append("  ")
            head.append(e.type_label_en or e.type or "event", style="bold")
            if e.type_label_ar:
                head.append(f" · {e.type_label_ar}")
            head.append(f"  {_short(e.id)}", style="dim")
            if e.start:
                head.append("  (start)", style="dim")
            console.print(head)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column()
            grid.add_row("    who", format_who(e))
            grid.add_row("    responsibility", e.responsibility)
            grid.add_row(
                "    what", f"{e.type or '?'} ({e.category or '?'}, {e.status or 'status unknown'})"
            )
            where = []
            if e.targets:
                where.append(f"target: {_refs(e.targets)}")
            if e.locations:
                where.append(f"at: {_refs(e.locations)}")
            if e.recipients:
                where.append(f"to: {_refs(e.recipients)}")
            grid.add_row("    where", "; ".join(where) or "-")
            grid.add_row("    weapon", _refs(e.weapons) or "-")
            grid.add_row("    casualties", format_casualties(e) or "-")
            for other in e.retaliation_for:
                grid.add_row("    answers", _eventref_of(number, by_id[other]))
            for other in e.answered_by:
                grid.add_row("    answered by", _eventref_of(number, by_id[other]))
            for s in e.sources[:max_sources]:
                grid.add_row("    evidence", _source_line(s))
            if len(e.sources) > max_sources:
                grid.add_row("", f"(+{len(e.sources) - max_sources} more; see --format json)")
            console.print(grid)
        if c.dropped:
            console.print(Text("    dropped links (not followed in this chain):", style="yellow"))
            for link in c.dropped:
                line = Text(f"    {_short(link.source)} in retaliation for {_short(link.target)}: ")
                line.append(link.reason or "dropped", style="yellow")
                console.print(line)
                for s in link.sources[:max_sources]:
                    console.print(Text(f"        evidence {_source_line(s)}", style="dim"))
        console.print()
    for w in result.warnings:
        console.print(f"warning: {w}", style="yellow", highlight=False)


def _hop_name(ref: Ref) -> str:
    """An entity's name; an event's label with its id (two events may share a label)."""
    if "/event/" in ref.id:
        return f"{ref.name} [{_short(ref.id)}]"
    return ref.name


def render_paths(result: PathResult, console, max_sources: int = 2) -> None:
    from rich.padding import Padding
    from rich.text import Text

    q = result.query
    if result.length is None:
        console.print(f"No evidenced path between {q['x']!r} and {q['y']!r}.", highlight=False)
        return
    if result.length == 0:
        console.print(f"{q['x']!r} and {q['y']!r} name the same node.", highlight=False)
        return
    console.print(
        Text(
            f"{len(result.paths)} shortest path(s) of {result.length} hop(s) between {q['x']} and {q['y']}",
            style="bold",
        )
    )
    for i, path in enumerate(result.paths, 1):
        console.print(Text(f"Path {i}", style="bold"))
        shown: dict[tuple, int] = {}  # a sentence already printed under an earlier hop
        for n, hop in enumerate(path, 1):
            line = Text(f"  {n}. ")
            line.append(_hop_name(hop.a), style="bold")
            line.append(f" {hop_roles(hop)} ", style="cyan")
            line.append(_hop_name(hop.b), style="bold")
            by = {
                b.get("label_en") or b.get("label_ar") or b["id"]
                for e in hop.edges
                for b in e.get("by") or []
            }
            if by:
                line.append(" (according to " + ", ".join(sorted(by)) + ")", style="dim")
            console.print(line)
            sources = hop_sources(hop)
            again = []
            fresh = []
            for src in sources:
                key = (src.get("article"), src.get("start"), src.get("end"))
                (again if key in shown else fresh).append((key, src))
            for key, src in fresh[:max_sources]:
                shown[key] = n
                console.print(
                    Padding(Text(_source_line(sources_of([src])[0]), style="dim"), (0, 0, 0, 6))
                )
            if len(fresh) > max_sources:
                console.print(
                    Padding(
                        Text(f"(+{len(fresh) - max_sources} more; see --format json)", style="dim"),
                        (0, 0, 0, 6),
                    )
                )
            if again:
                hops = ", ".join(str(h) for h in sorted({shown[k] for k, _ in again}))
                console.print(
                    Padding(Text(f"(and the evidence of hop {hops})", style="dim"), (0, 0, 0, 6))
                )
        console.print()
