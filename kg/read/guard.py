"""The guard: what is checked on a query's text before any engine parses it, and the
stack it runs on.

Why a module of its own: kg runs read-only queries only and never calls another
endpoint, whoever sends the query (``kg query``, ``kg.query``, ``kg serve``). An
update or a SERVICE keyword anywhere (any case, any spelling of the target, in a
subquery, after codepoint escapes) is refused, as is text that is not Unicode, too
large, or nested deeper than a parser's recursion survives; the checks read the
tokens of kg's one lexer (:mod:`kg.read.lexer`), in every reading an engine may make
of the text. A query that passes runs on a thread with a large stack
(:func:`on_big_stack`), so a long chain cannot crash the calling process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.read.lexer import Token, nesting, readings, tokenize, unescape
from kg.read.store import prefixes

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_BYTES",
    "UPDATE_KEYWORDS",
    "UnsafeQuery",
    "check_query",
    "on_big_stack",
    "refuse_unsafe",
]

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_QUERY_BYTES = 256 * 1024
"""The largest query ``kg serve`` runs (UTF-8 bytes)."""
MAX_NESTING = 200
"""The deepest nesting of ``{ ( [ <<`` a query may have (kg serve and kg.query)."""


class UnsafeQuery(QueryError, PermissionError):
    """A query kg will not run: an update, or a SERVICE call to another endpoint."""


def _mentions_service(name: str) -> bool:
    # Oxigraph matches keywords by ASCII case folding and without a word boundary
    # (trueSERVICE<...>{} and SERVICEex:x{} call out); rdflib folds with upper().
    return "SERVICE" in name.upper()


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _absolute_iri(token: str) -> str | None:
    """The value of an IRIREF token when it is an absolute IRI, else None."""
    try:
        value = unescape(token[1:-1])
    except QueryError:
        return None
    return value if _SCHEME.match(value) else None


def _expands(namespace: str | None, local: str) -> bool:
    """Whether ``prefix:local`` is a valid IRI for Oxigraph (else it would read the
    bare ``prefix:`` and go on with ``local`` as code: ``ex:SERVICE<...>{}``)."""
    if namespace is None:
        return False
    try:
        ox.NamedNode(namespace + local.replace("\\", ""))
    except ValueError:
        return False
    return True


def _service_token(tokens: list[Token], known: Mapping[str, str]) -> Token | None:
    """The first token that a SPARQL parser could read as the SERVICE keyword."""
    declared: dict[str, str | None] = dict(known)
    for i, t in enumerate(tokens):
        if t.kind in ("word", "langtag") and _mentions_service(t.text):
            return t
        if t.kind != "pname":
            continue
        prefix, _, local = t.text.partition(":")
        if _mentions_service(prefix):
            return t
        if local.upper().startswith("SERVICE") and not _expands(declared.get(prefix), local):
            return t
        if not local and i >= 1 and tokens[i - 1].text.upper() == "PREFIX":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            declared[prefix] = _absolute_iri(nxt.text) if nxt and nxt.kind == "iri" else None
    return None


def check_query(
    text: str,
    *,
    max_bytes: int | None = None,
    max_depth: int | None = MAX_NESTING,
    known_prefixes: Mapping[str, str] | None = None,
) -> None:
    """Refuse, before any parser sees it, a query kg will not run.

    ``UnsafeQuery`` (a ``QueryError`` and a ``PermissionError``) for an update or a
    SERVICE keyword anywhere (any case, any spelling of the target, in a subquery,
    after codepoint escapes); ``QueryError`` for text that is not Unicode, over
    ``max_bytes`` UTF-8 bytes, or nested deeper than ``max_depth`` (a parser's
    recursion would overflow its stack). ``known_prefixes`` are the prefixes the
    engine is given besides the query's own PREFIX lines (default: kg's).
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"the query is not valid Unicode text (a lone surrogate {text[exc.start]!r} "
            f"at character {exc.start + 1})"
        ) from None
    if max_bytes is not None and size > max_bytes:
        raise QueryError(
            f"query too large: {size:,} bytes (the limit is {max_bytes:,}); "
            "send a shorter query or bind values as parameters"
        )
    known = prefixes() if known_prefixes is None else known_prefixes
    for reading in readings(text):
        tokens = tokenize(reading)
        if max_depth is not None:
            depth = nesting(tokens)
            if depth > max_depth:
                raise QueryError(
                    f"query nested too deeply: {depth} levels of brackets (the limit is {max_depth})"
                )
        for t in tokens:
            if t.kind == "word" and t.text.upper() in UPDATE_KEYWORDS:
                raise UnsafeQuery(f"{t.text.upper()} refused: kg runs read-only queries")
        found = _service_token(tokens, known)
        if found is not None:
            where = f"at character {found.start + 1}"
            if found.text.upper() != "SERVICE":
                where = f"{found.text[:40]!r} {where} reads as the SERVICE keyword"
            raise UnsafeQuery(f"SERVICE refused: kg never calls other endpoints ({where})")


def refuse_unsafe(text: str) -> None:
    """Raise ``UnsafeQuery`` (a ``PermissionError``) for an update or a SERVICE call."""
    check_query(text, max_depth=None)


_STACK_BYTES = 512 * 1024 * 1024
_STACK_LOCK = threading.Lock()


def on_big_stack(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a thread with a 512 MB stack.

    Oxigraph's parser and evaluator recurse once per element of a chain (10,000
    ``1+1+...`` or 3,000 ``BIND``s in a 20 KB query overflow the usual 8 MB stack
    and kill the process); with 512 MB every query under 256 KB measured was
    parsed. The stack is address space, used only as deep as a query needs.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    with _STACK_LOCK:
        try:
            previous = threading.stack_size(_STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform without it: the caller's stack
            return fn(*args, **kwargs)
        try:
            thread = threading.Thread(target=target, name="kg-query", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")
