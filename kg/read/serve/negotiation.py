"""Content negotiation: which format an answer is written in.

Why a module of its own: the choice (a ``format=`` or ``output=`` parameter first,
then the Accept header, then the default of the query kind) is made in a worker
process, away from the HTTP handler, and its names and media types come from kg's
one table of formats (:mod:`kg.read.formats`).
"""

from __future__ import annotations

from kg.read.formats import ANSWER_FORMATS, DEFAULT, aliases

# format names that a ``format=`` / ``output=`` parameter or an Accept media type maps
# to, and the Content-Type of each format: read from kg's one table (kg.read.formats)
SELECT_ALIASES = aliases("select")
GRAPH_ALIASES = aliases("graph")
MIME = {f.name: f.media_type for f in ANSWER_FORMATS}


def _accept_list(accept: str) -> list[str]:
    """Media types of an Accept header, best first (stable for equal q)."""
    items = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)]


def negotiate(kind: str, accept: str = "", formats: list[str] | None = None) -> str:
    """The result format for a query kind ("select", "ask", "graph")."""
    names = GRAPH_ALIASES if kind == "graph" else SELECT_ALIASES
    default = DEFAULT.get(kind, DEFAULT["select"])
    for f in formats or []:
        key = f.strip().lower()
        if key in names:
            return names[key]
    for media in _accept_list(accept or ""):
        if media in names:
            return names[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default
