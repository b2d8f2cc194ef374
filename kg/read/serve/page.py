"""The query page of ``kg serve`` (``/``): one HTML file, filled in once per server.

Why a module of its own: the page is a real file (kg/read/page.html, package data:
HTML, CSS and JavaScript, no CDN, works offline) with three marks filled in here: the
default query, the named queries as examples, and kg's prefixes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.errors import KgError


def page_template() -> str:
    """The query page (kg/read/page.html, package data): HTML, CSS and JS in one real file,
    with __DEFAULT__, __EXAMPLES__ and __PREFIXES__ filled in by :func:`render_page`."""
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
    from html import escape as html_escape

    from kg.read.store import prefixes

    page = (
        page_template()
        .replace("__DEFAULT__", html_escape(DEFAULT_QUERY))
        .replace("__EXAMPLES__", _script_json(examples))
        .replace("__PREFIXES__", _script_json(prefixes()))
    )
    return page.encode("utf-8")
