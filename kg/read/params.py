"""Parameters: values from a command line, a URL or Python, bound as RDF terms.

Why a module of its own: a parameter is never pasted into a query's text; it is
parsed into one RDF term (an IRI, a prefixed name, a language or typed literal),
checked against the type the query's header declares, and handed to the engine as
a binding (pyoxigraph ``substitutions`` / rdflib ``initBindings``). Those rules are
the same for ``kg query --param``, ``kg.query(..., params)`` and every engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.read.lexer import query_variables
from kg.read.names import Named, NameIndex, UnknownNameError
from kg.read.queries import NamedQuery, Param
from kg.read.store import XSD, Term, from_rdflib, prefixes

__all__ = ["PARAM_TYPES", "bind_params", "coerce_param", "parse_term"]

PARAM_TYPES = {"iri", "string", "literal", "text", "date", "integer", "int", "year"}

_LANG_RE = re.compile(r"^(.*)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)
_PNAME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:(\S*)$")


def parse_term(value: str, known: Mapping[str, str] | None = None) -> Term:
    """A command-line value as an RDF term.

    ``<iri>`` or ``http(s)://...`` → IRI; ``prefix:local`` with a known prefix → IRI;
    ``text@ar`` → language literal; ``text^^xsd:date`` → typed literal; else a plain literal.
    """
    known = prefixes() if known is None else known
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        return _iri(v[1:-1])
    if v.startswith(("http://", "https://")) and not any(c.isspace() for c in v):
        return _iri(v)
    m = _PNAME_RE.match(v)
    if m and (m.group(1) or "") in known and "://" not in v:
        return _iri(known[m.group(1) or ""] + m.group(2))
    if "^^" in value:
        lex, _, dtype = value.rpartition("^^")
        dt_term = parse_term(dtype, known)
        if isinstance(dt_term, ox.NamedNode):
            return ox.Literal(lex, datatype=dt_term)
    m = _LANG_RE.match(value)
    if m:
        return ox.Literal(m.group(1), language=m.group(2).lower())
    return ox.Literal(value)


def _iri(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise QueryError(f"<{text}> is not a valid IRI ({exc})") from None


def coerce_param(param: Param | None, value: Any) -> Term:
    """A parameter value (text or python value) as an RDF term, checked against its declared type."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        term = value
    elif isinstance(value, bool):
        term = ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    elif isinstance(value, int):
        term = ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    elif isinstance(value, dt.date):
        term = ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    elif hasattr(value, "n3") and type(value).__module__.startswith("rdflib"):
        term = from_rdflib(value)  # kg's one rdflib → pyoxigraph converter
    else:
        term = parse_term(str(value))
    if param is None:
        return term
    kind = param.type.lower()
    if param.wants_iri and not isinstance(term, ox.NamedNode):
        raise QueryError(
            f"parameter {param.name} needs an IRI (<...>, http(s)://... or a prefixed name like kgr:entity/...), got {value!r}"
        )
    if kind == "date" and isinstance(term, ox.Literal) and term.datatype.value == XSD + "string":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value):
            raise QueryError(f"parameter {param.name} needs a date YYYY-MM-DD, got {value!r}")
        term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "date"))
    if (
        kind in ("integer", "int")
        and isinstance(term, ox.Literal)
        and term.datatype.value == XSD + "string"
    ):
        if not re.fullmatch(r"-?\d+", term.value):
            raise QueryError(f"parameter {param.name} needs an integer, got {value!r}")
        term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal" and isinstance(term, ox.Literal) and term.datatype.value == XSD + "string":
        if not re.fullmatch(r"-?(\d+\.?\d*|\.\d+)", term.value):
            raise QueryError(f"parameter {param.name} needs a decimal number, got {value!r}")
        term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "decimal" and isinstance(value, float):
        term = ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "decimal"))
    return term


Names = NameIndex | Callable[[], NameIndex]
"""Where names are looked up: an index, or a function that builds it (only called when
a name has to be resolved)."""
OnName = Callable[[str, str, Named], None]


def bind_params(
    q: NamedQuery,
    params: Mapping[str, Any] | None,
    names: Names | None = None,
    on_name: OnName | None = None,
) -> dict[str, Term]:
    """Check the parameters against the query's header (or its variables) and make them terms.

    A parameter the header declares as an IRI may be given as a name (English or Arabic,
    any label or alias; see :mod:`kg.read.names`) when ``names`` is given: the one entity
    it names is bound, and ``on_name(parameter, text, entity)`` is told which; a name
    that picks several raises :class:`kg.read.names.AmbiguousName` listing them."""
    params = dict(params or {})
    declared = {p.name: p for p in q.params}
    if declared or q.path is not None:  # a query file: its header is the contract
        unknown = sorted(set(params) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise QueryError(f"unknown parameter {unknown[0]!r} for {q.name} (it takes: {takes})")
        missing = [p for p in q.params if p.name not in params]
        if missing:
            p = missing[0]
            raise QueryError(
                f"missing parameter {p.name} for {q.name}: {p.type}, {p.meaning}".rstrip(", ")
            )
    else:
        variables = query_variables(q.text)
        unknown = sorted(set(params) - variables, key=str)
        if unknown:
            raise QueryError(
                f"unknown parameter {unknown[0]!r}: the query has no ?{_printable(unknown[0])}"
            )
    out = {}
    index: list[NameIndex] = []
    for k, v in params.items():
        _unicode_text(f"parameter {_printable(k)}", v)
        param = declared.get(k)
        if names is not None and param is not None and _is_name(param, v):
            if not index:
                index.append(names() if callable(names) else names)
            try:
                chosen = index[0].one(str(v))
            except UnknownNameError as exc:
                raise _for_param(k, exc) from None
            if on_name is not None:
                on_name(k, str(v), chosen)
            v = ox.NamedNode(chosen.iri)
        try:
            out[k] = coerce_param(param, v)
        except ValueError as exc:  # pyoxigraph refusing a term the checks above let through
            raise QueryError(f"parameter {_printable(k)}: {' '.join(str(exc).split())}") from None
    return out


def _is_name(param: Param, value: Any) -> bool:
    """A text given for an IRI parameter that is not an IRI: a name to look up."""
    if not param.wants_iri or not isinstance(value, str) or not value.strip():
        return False
    try:
        return not isinstance(parse_term(value), ox.NamedNode)
    except QueryError:
        return False


def _for_param(name: str, exc: UnknownNameError) -> UnknownNameError:
    """The same error, its message prefixed with the parameter it was given for."""
    new = type(exc).__new__(type(exc))
    new.__dict__.update(exc.__dict__)
    new.args = (f"parameter {_printable(name)}: {exc}",)
    return new


def _printable(value: Any) -> str:
    """Text for a one-line message: lone surrogates and control characters escaped."""
    text = str(value)
    if text.isprintable():
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            pass
    return repr(text)[1:-1]


def _unicode_text(what: str, value: Any) -> None:
    """Refuse text that is not Unicode: a lone surrogate (from bytes that were not UTF-8
    in a command line, or from a Python string built by hand) cannot be an RDF term."""
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"{what} is not valid Unicode text: a lone surrogate {value[exc.start]!r} "
            f"at character {exc.start + 1} (bytes that are not UTF-8?)"
        ) from None
