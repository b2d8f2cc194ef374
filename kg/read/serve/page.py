"""The query page of ``kg serve`` (``/``) and the files it loads (``/static/...``).

Why a module of its own: the page is a real file (kg/read/page.html, package data),
that runs YASGUI, vendored from npm (``@zazuko/yasgui``) under kg/read/static/ with its
license (package data) and served by ``kg serve`` itself: no CDN, it works offline.
The marks of the page are filled in here: the default query, the named queries (the
competency questions, each opened in a tab of its own) and kg's prefixes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kg.errors import KgError

STATIC_PREFIX = "/static/"
"""Where the page's vendored files are served (``/static/yasgui.min.js`` ...)."""

_STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def static_dir() -> Path:
    """kg/read/static/ (package data): YASGUI's built files and their license."""
    return Path(__file__).parents[1] / "static"


def static_files() -> dict[str, tuple[str, bytes]]:
    """The files served under ``/static/``, by name: (Content-Type, bytes), read once.

    Only the files of kg/read/static/ with a known type are served, by exact name: no
    route reads a file named by the request."""
    folder = static_dir()
    if not folder.is_dir():
        return {}
    return {
        p.name: (_STATIC_TYPES[p.suffix], p.read_bytes())
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix in _STATIC_TYPES
    }


def page_template() -> str:
    """The query page (kg/read/page.html, package data): HTML, CSS and JS in one real file,
    with __DEFAULT_JSON__, __EXAMPLES__ and __PREFIXES__ filled in by :func:`render_page`."""
    return (Path(__file__).parents[1] / "page.html").read_text(encoding="utf-8")


DEFAULT_QUERY = """PREFIX kgo: <https://w3id.org/kg-iraq/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?event ?type ?date WHERE {
  ?event a ?type ; kgo:status ?status .
  OPTIONAL { ?event kgo:date ?date }
} ORDER BY ?date LIMIT 100
"""


def named_examples() -> list[dict[str, str]]:
    from kg.read.sparql import named_queries

    try:
        return [{"name": q.name, "question": q.question, "text": q.text} for q in named_queries()]
    except (KgError, OSError):
        return []


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_page(examples: list[dict[str, str]]) -> bytes:
    from kg.read.store import prefixes

    values = {
        "__DEFAULT_JSON__": _script_json(DEFAULT_QUERY),
        "__EXAMPLES__": _script_json(examples),
        "__PREFIXES__": _script_json(prefixes()),
    }
    # one pass: a mark inside a filled-in value (a query's text) is left as it is
    page = re.sub("|".join(values), lambda m: values[m.group(0)], page_template())
    return page.encode("utf-8")
