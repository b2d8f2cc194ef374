"""Named queries: the ``.rq`` files of ``queries/``, their questions and parameters.

Why a module of its own: a query is found by name (never outside its folder), read
with its header (``# Question:`` and ``# Params: name (type, meaning), ...``), and
that header is the contract its parameters are checked against
(:mod:`kg.read.params`). ``kg query NAME``, ``kg queries``, ``kg serve``'s page and
the validation checks all list and resolve queries the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError

__all__ = [
    "NamedQuery",
    "Param",
    "check_queries",
    "looks_like_sparql",
    "named_queries",
    "parse_header",
    "queries_dir",
    "resolve",
]


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "IRI", "string", "date" ... as written in the header
    meaning: str

    @property
    def wants_iri(self) -> bool:
        return self.type.lower() == "iri"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path | None
    text: str
    question: str
    params: tuple[Param, ...]


def queries_dir() -> Path:
    """The named queries' folder: $KG_QUERIES_DIR, else kg's own (package data)."""
    from kg.resources import queries_dir as packaged

    return packaged()


_PARAM_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)")


def parse_header(text: str) -> tuple[str, tuple[Param, ...]]:
    """The ``# Question:`` and ``# Params:`` lines at the top of a query."""
    question = ""
    params: list[Param] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        body = s.lstrip("#").strip()
        low = body.lower()
        if low.startswith("question:"):
            question = body.split(":", 1)[1].strip()
        elif low.startswith("params:"):
            for m in _PARAM_RE.finditer(body.split(":", 1)[1]):
                kind, _, meaning = m.group(2).partition(",")
                params.append(Param(m.group(1), kind.strip(), meaning.strip()))
    return question, tuple(params)


def _named(path: Path, name: str) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path.name}: cannot be read ({exc})") from exc
    question, params = parse_header(text)
    return NamedQuery(name, path, text, question, params)


def named_queries(folder: Path | None = None) -> list[NamedQuery]:
    """The competency questions (``queries/*.rq``), by name."""
    folder = folder or queries_dir()
    return [_named(p, p.stem) for p in sorted(folder.glob("*.rq"))]


def check_queries(folder: Path | None = None) -> list[NamedQuery]:
    """The validation checks (``queries/checks/*-violation.rq``): each must return no rows."""
    folder = (folder or queries_dir()) / "checks"
    return [_named(p, f"checks/{p.stem}") for p in sorted(folder.glob("*-violation.rq"))]


def looks_like_sparql(text: str) -> bool:
    return bool(re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text, re.IGNORECASE)) and (
        "{" in text or "\n" in text
    )


def resolve(sparql_or_name: str, folder: Path | None = None) -> NamedQuery:
    """A query text, a ``.rq`` file, or the name of a query in queries/ (never outside it)."""
    text = sparql_or_name
    if looks_like_sparql(text):
        question, params = parse_header(text)
        return NamedQuery("(inline)", None, text, question, params)
    if text.endswith(".rq") and Path(text).is_file():
        p = Path(text)
        return _named(p, p.stem)
    name = text[:-3] if text.endswith(".rq") else text
    if "/" in name or "\\" in name or ".." in name or name.startswith(".") or not name:
        raise QueryError(
            f"{text!r}: a query name may not contain '/' or '..' (give the path of an existing .rq file instead)"
        )
    folder = folder or queries_dir()
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in named_queries(folder)) or "none"
        raise QueryError(f"no query named {name!r} in queries/ (known: {known})")
    return _named(path, name)
