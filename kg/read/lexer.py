"""The one SPARQL lexer: every question kg asks of a query's text is answered from its tokens.

Why a module of its own: the guard (:mod:`kg.read.sparql`: updates, SERVICE, size,
nesting), the parameters (a query's variables) and the store (where the outer
WHERE group starts, to put a ``VALUES`` block there: :func:`kg.read.store.with_values`)
all read query text, and they must read it the same way, or a comment, string or IRI
could hide code from one of them. This module depends on nothing else of kg's read
side, so the store can use it without importing the query layer.

It follows the terminals of the SPARQL 1.1 grammar (section 19.8: IRIREF,
PNAME_NS/PNAME_LN with the full Unicode PN_CHARS, BLANK_NODE_LABEL, VAR1/VAR2,
LANGTAG, numbers, the four string forms, comments) and is total: a character that
starts no terminal is an "other" token, an unterminated string is a lone quote
followed by more tokens. So nothing is ever hidden that a parser could read as
code. Where the grammar and Oxigraph's parser differ, the lexer takes the reading
that shows more code: a comment ends at CR or LF, a string at the first closing quote.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.errors import QueryError

__all__ = [
    "Token",
    "body_start",
    "nesting",
    "query_variables",
    "readings",
    "tokenize",
    "unescape",
]

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            r"(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)",
            "(?P<string>'''(?:(?:''|')?+(?:[^'\\\\]|\\\\.))*+'''"
            '|"""(?:(?:""|")?+(?:[^"\\\\]|\\\\.))*+"""'
            "|'(?:[^'\\\\\\r\\n]|\\\\.)*+'"
            '|"(?:[^"\\\\\\r\\n]|\\\\.)*+")',
            f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)",
            r"(?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+"
            r"|[0-9]*\.[0-9]+|[0-9]+)",
            f"(?P<word>[{_PN_CHARS_U}][{_PN_CHARS}]*+)",
            r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|<<\(|\)>>|<<|>>|\{\||\|\}|[{}()\[\];,.*/|^!=<>+\-?~])",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)
_OPENERS = frozenset({"{", "(", "[", "<<", "<<(", "{|"})
_CLOSERS = frozenset({"}", ")", "]", ">>", ")>>", "|}"})


class Token(NamedTuple):
    kind: str  # iri, string, comment, bnode, var, pname, langtag, number, word, punct, other
    text: str
    start: int  # offset in the text


def tokenize(text: str, *, comments: bool = False) -> list[Token]:
    """The SPARQL tokens of ``text`` (whitespace dropped; comments only when asked)."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "ws" or (kind == "comment" and not comments):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


# SPARQL's codepoint escapes (\uXXXX, \UXXXXXXXX) are applied to the whole text
# before parsing (section 19.2), so \u0053ERVICE is SERVICE. Engines differ:
# pyoxigraph 0.5 does not apply them (its standard-unicode-escaping feature is
# off), rdflib does (and reads \u followed by 8 hex digits as one code point).
# Every reading an engine may make is checked.
_ESCAPE_SPEC = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPE_RDFLIB = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)


def _code_point(m: re.Match) -> str:
    digits = m.group(1) or m.group(2)
    n = int(digits, 16)
    if n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        raise QueryError(
            f"\\{m.group()[1]}{digits} at character {m.start() + 1} is not a Unicode character"
        )
    return chr(n)


def unescape(text: str) -> str:
    """``text`` with SPARQL's codepoint escapes applied as the standard says (section
    19.2); QueryError for an escape that is not a Unicode character."""
    return _ESCAPE_SPEC.sub(_code_point, text)


def readings(text: str) -> list[str]:
    """The texts a SPARQL engine may parse: as written, and with the codepoint escapes
    applied (the standard's way and rdflib's)."""
    if "\\u" not in text and "\\U" not in text:
        return [text]
    out = [text]
    for pattern in (_ESCAPE_SPEC, _ESCAPE_RDFLIB):
        expanded = pattern.sub(_code_point, text)
        if expanded not in out:
            out.append(expanded)
    return out


def nesting(tokens: list[Token]) -> int:
    """The deepest nesting of brackets, braces, parentheses and ``<< >>`` in the tokens."""
    depth = deepest = 0
    for t in tokens:
        if t.kind != "punct":
            continue
        if t.text in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif t.text in _CLOSERS and depth:
            depth -= 1
    return deepest


def query_variables(text: str) -> set[str]:
    """The names of the variables a query mentions (outside strings, IRIs and comments)."""
    return {t.text[1:] for t in tokenize(text) if t.kind == "var"}


_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT"})


def body_start(text: str) -> int | None:
    """Offset just inside the outermost WHERE group, or None when it cannot be told.

    Read from the tokens, so a ``{`` or a "WHERE {" in a comment, a string or an IRI
    does not mislead it. The outer WHERE comes first in the text (subqueries sit
    inside it, a CONSTRUCT template before it); ``SELECT * {`` and ``ASK {`` without
    WHERE are handled; anything else gives None, as does a quote that opens no string
    before the group (the text would not parse)."""
    tokens = tokenize(text)
    form = None
    for i, t in enumerate(tokens):
        if t.kind == "other" and t.text in "\"'":
            return None
        if t.kind == "word":
            word = t.text.upper()
            if word == "WHERE":
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                return nxt.start + 1 if nxt is not None and nxt.text in ("{", "{|") else None
            if word in _FORMS and form is None:
                form = word
        elif t.kind == "punct" and t.text in ("{", "{|"):
            if form == "CONSTRUCT":  # the template; its WHERE follows
                continue
            return t.start + 1 if form is not None else None
    return None
