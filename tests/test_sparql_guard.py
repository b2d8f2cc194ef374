"""The checks kg makes on a query's text before any engine parses it (kg/read/sparql.py).

SERVICE must never reach an engine: pyoxigraph and rdflib both send SERVICE
requests to whatever endpoint a query names. The checks read the query with
one lexer of the SPARQL grammar's terminals, in every reading an engine may
make of it (as written, and with \\u escapes applied), and refuse any token a
parser could take for the SERVICE keyword. Here a listener on 127.0.0.1 stands
for the endpoint: it must receive nothing, whatever the spelling, while the
same texts sent to an unguarded pyoxigraph do reach it (so the test is
meaningful). Legitimate mentions of "service" (strings, IRIs, comments,
variables, prefixed names) still run.
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and answers each with a 500."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.received: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = b""
                self.received.append(data or b"(connected)")
                try:
                    conn.sendall(
                        b"HTTP/1.1 500 no\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self._thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    lis = Listener()
    try:
        yield lis
    finally:
        lis.close()


def small_store() -> ox.Store:
    """Triples whose objects let the glued spellings (trueSERVICE, 1SERVICE, ex:) match."""
    s, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")
    store = ox.Store()
    for o in (
        ox.Literal(True),
        ox.Literal(1),
        ox.Literal("x"),
        ox.Literal("x", language="en"),
        ox.NamedNode("http://[::1]"),
        ox.NamedNode("http://e/c"),
    ):
        store.add(ox.Quad(s, p, o))
    return store


def spellings(url: str, port: int) -> list[str]:
    """SERVICE calls to ``url``, written every way we could think of."""
    body = "{ ?x ?y ?z }"
    hp = f"127.0.0.1:{port}"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {body} }}",
        f"PREFIX ع: <{url}>\nSELECT * WHERE {{ SERVICE ع:sparql {body} }}",
        f"PREFIX сервер: <{url}>\nSELECT * WHERE {{ SERVICE сервер:x {body} }}",
        f"PREFIX 服务: <{url}>\nSELECT * WHERE {{ SERVICE 服务:端点 {body} }}",
        f"PREFIX ex: <{url}>\nSELECT * WHERE {{ SERVICE ex:_under {body} }}",
        f"PREFIX : <{url}>\nSELECT * WHERE {{ SERVICE :x {body} }}",
        f"PREFIX : <{url}>\nSELECT * WHERE {{ SERVICE:x {body} }}",
        f"PREFIX ex: <{url}>\nSELECT * WHERE {{ SERVICEex:x {body} }}",
        f"PREFIX ex: <{url}>\nSELECT * WHERE {{ SERVICESILENTex:x {body} }}",
        f"BASE <{url}>\nSELECT * WHERE {{ SERVICE <sparql> {body} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {body} }}",
        f"SELECT * WHERE {{ \\U00000053ERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ \\u00000053ERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVICE <\\u0068ttp://{hp}/> {body} }}",
        f"SELECT * WHERE {{ ſERVICE <{url}> {body} }}",
        f"select * where {{ service <{url}> {body} }}",
        f"SELECT * WHERE {{ sErViCe SiLeNt <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVICE<{url}>{body} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{url}> {body} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # a comment that ends at CR\rSERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {body} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE SILENT ?e {body} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?service) SERVICE ?service {body} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}>{body} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE<{url}>{body} }}",
        f"PREFIX ex: <http://[::1]>\nSELECT * WHERE {{ ?s ?p ex:SERVICE<{url}>{body} }}",
        f"ASK {{ SERVICE <{url}> {body} }}",
        f"CONSTRUCT {{ ?x ?y ?z }} WHERE {{ SERVICE <{url}> {body} }}",
        f"DESCRIBE ?x WHERE {{ SERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {body} }} }}",
    ]


LEGITIMATE = [
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 2",
    "SELECT ?SERVICE_level WHERE { ?SERVICE_level ?p ?o } LIMIT 2",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'SERVICE <http://127.0.0.1:9/> { }') } LIMIT 2",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o != """a SERVICE call { ?s ?p ?o }""") } LIMIT 2',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'service'@en) } LIMIT 2",
    "# this query uses no SERVICE <http://127.0.0.1:9/> { }\nSELECT * WHERE { ?s ?p ?o } LIMIT 2",
    "SELECT * WHERE { ?s ?p ?o . # service\n FILTER(?p != <http://example.org/SERVICE>) } LIMIT 2",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?p ?o FILTER(?p != ex:SERVICE) } LIMIT 2",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?p ?o FILTER(?p NOT IN (ex:service, ex:serviceType)) } LIMIT 2",
    "SELECT * WHERE { ?s ?p ?o FILTER(!CONTAINS(STR(?o), 'SERVICE')) } LIMIT 2",
    'SELECT ("\\u0053ERVICE" AS ?word) WHERE { }',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != <urn:service:x>) } LIMIT 2",
]


def test_every_spelling_is_refused():
    from kg.read.sparql import UnsafeQuery, check_query

    for text in spellings("http://127.0.0.1:9/", 9):
        with pytest.raises(UnsafeQuery, match="SERVICE refused"):
            check_query(text)
        with pytest.raises(PermissionError):  # the old name and class still work
            check_query(text)


def test_legitimate_mentions_pass():
    from kg.read.sparql import check_query, refuse_unsafe

    for text in LEGITIMATE:
        check_query(text)
        refuse_unsafe(text)


def test_kg_query_sends_nothing_and_pyoxigraph_alone_would(listener):
    """kg.query (both engines) refuses every spelling; the listener hears nothing. The same
    texts given to pyoxigraph directly do call the listener: the test proves something."""
    import kg
    from kg.errors import QueryError
    from kg.read.sparql import KnowledgeGraph

    store = small_store()
    graph = KnowledgeGraph(list(store))
    texts = spellings(listener.url, listener.port)
    for text in texts:
        for engine in ("oxigraph", "rdflib"):
            with pytest.raises(QueryError, match="SERVICE refused"):
                kg.query(graph, text, engine=engine)
    assert listener.received == []
    called = 0
    for text in texts:
        before = len(listener.received)
        try:
            answer = store.query(text)
            if not isinstance(answer, ox.QueryBoolean):
                list(answer)
        except (SyntaxError, OSError, ValueError, RuntimeError):
            pass
        called += len(listener.received) > before
    assert called >= 25, f"only {called} of {len(texts)} spellings reached pyoxigraph's SERVICE"
    listener.received.clear()


def test_kg_query_command_refuses_service(listener, seed_build):
    for text in spellings(listener.url, listener.port)[:3]:
        proc = subprocess.run(
            [*KG, "query", text, "--graph", str(seed_build.out)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert proc.returncode == 2
        assert proc.stderr.startswith("kg: error: SERVICE refused") and proc.stderr.count("\n") == 1
    assert listener.received == []


def test_legitimate_mentions_run_in_kg_query(seed_build):
    import kg

    graph = kg.load(seed_build.out)
    for text in LEGITIMATE:
        kg.query(graph, text)


# --- the differential test: generated queries, the guard against pyoxigraph itself -----

KEYWORDS = [
    "SERVICE",
    "service",
    "SeRvIcE",
    "\\u0053ERVICE",
    "SERVIC\\u0045",
    "S\\u0045RVICE",
    "\\U00000053ERVICE",
    "ſERVICE",
    "?SERVICE",
    '"SERVICE"',
    "ex:SERVICE",
    "e2:service",
    "<http://e/SERVICE>",
]
BEFORE = [
    "",
    " ",
    "\n",
    "\r",
    "#c\n",
    "#c\r",
    "#c",
    ".",
    " . ",
    "?s ?p ?o",
    "?s ?p ?o ",
    "?s ?p true",
    "?s ?p 1",
    "?s ?p 1.5e0",
    "?s ?p ex:",
    "?s ?p :",
    '?s ?p "x"',
    "?s ?p 'x'",
    '?s ?p "x"@en',
    '?s ?p "x"@en-',
    "FILTER(true)",
    "{}",
    "BIND(1 AS ?z)",
    '"',
    "'",
    "<",
    '"""',
    "'''",
    "\\",
    "{",
    "OPTIONAL{",
    "{SELECT * {",
    "\\u0022",
    "\\u0023",
    "<?s#",
    "FILTER(?s <?s#x>)",
    "?s ?p ?o FILTER(?o < 2)",
]
BETWEEN = ["", " ", "\n", "SILENT", " SILENT ", "#x\n", "#x\r", "\\u0020", "\t"]
TARGETS = [
    "<URL>",
    "<URL#x>",
    "ex:x",
    ":x",
    "?e",
    "$e",
    "<rel>",
    "e2:x",
    "ex:",
    "\\u003CURL>",
    "<\\u0068ttp://HP/>",
    "ex:SERVICE",
    "ع:x",
]
AFTER = ["{}", "{ ?a ?b ?c }", "{?a ?b ?c}", " {}", "#\n{}", "{ BIND(1 AS ?q) }", ""]
PROLOGUES = [
    "",
    "PREFIX ex: <URL>\n",
    "PREFIX ex: <http://[::1]>\n",
    "PREFIX : <URL>\n",
    "PREFIX : <http://[::1]>\nPREFIX ex: <URL>\n",
    "BASE <URL>\n",
    "PREFIX e2: <http://e/>\nPREFIX ex: <http://[::1]>\n",
    "PREFIX ع: <URL>\nPREFIX ex: <http://e/>\n",
]
BINDINGS = ["", "VALUES ?e { <URL> } ", "BIND(<URL> AS ?e) "]
WRAPS = [
    ("SELECT * WHERE {", "}"),
    ("ASK {", "}"),
    ("SELECT * { { SELECT * WHERE {", "} } }"),
    ("SELECT * { ?s ?p ?o OPTIONAL {", "} }"),
    ("SELECT * { ?s ?p ?o FILTER EXISTS {", "} }"),
]
NOISE = "\"'#<>\\{}:.\r\n ?$@"


# Parts that pyoxigraph accepts, so that many generated texts really call out.
VALID_PROLOGUES = [
    "PREFIX ex: <URL>\nPREFIX : <URL>\nBASE <URL>\n",
    "PREFIX ex: <http://[::1]>\nPREFIX : <URL>\nBASE <URL>\n",
    "PREFIX ع: <URL>\nPREFIX ex: <URL>\nBASE <URL>\n",
]
VALID_BEFORE = [
    "",
    " ",
    "\n",
    "#c\n",
    "#c\r",
    ".",
    "?s ?p ?o",
    "?s ?p ?o .",
    "?s ?p true",
    "?s ?p 1",
    '?s ?p "x"',
    "?s ?p ex:",
    "FILTER(true)",
    "{}",
    "BIND(1 AS ?z)",
    "OPTIONAL{}",
]
VALID_KEYWORDS = ["SERVICE", "service", "SeRvIcE", "sErViCe"]
VALID_BETWEEN = ["", " ", "\n", "SILENT ", " SILENT ", "#x\n", "#x\r", "\t"]
VALID_TARGETS = ["<URL>", "<URL#x>", "ex:x", ":x", "ع:x", "<rel>", "<\\u0068ttp://HP/>", ":"]
VALID_AFTER = ["{}", "{ ?a ?b ?c }", " {}", "#\n{}", "{?a ?b ?c}"]
DECOYS = [  # "service" where it is no keyword: these must pass, and run
    "?s ?p ?o FILTER(?o != 'SERVICE <URL> {}')",
    '?s ?p ?o FILTER(?o != """SERVICE <URL> { ?a ?b ?c }""")',
    "?s ?p ?o # SERVICE <URL> {}\n",
    "?s ?p ?o FILTER(?p != <URL#SERVICE>)",
    "?s ?p ?o FILTER(?p != ex:SERVICE)",
    "?service ?p ?o",
    "?s ?p ?o BIND('\\u0053ERVICE <URL> {}' AS ?w)",
]


def generate(rng: random.Random, url: str, port: int) -> str:
    open_, close = rng.choice(WRAPS)
    if rng.random() < 0.15:
        q = "PREFIX ex: <URL>\n" + open_ + rng.choice(DECOYS) + close
    elif rng.random() < 0.5:  # a text pyoxigraph is likely to run
        q = (
            rng.choice(VALID_PROLOGUES)
            + open_
            + rng.choice(VALID_BEFORE)
            + rng.choice(VALID_KEYWORDS)
            + rng.choice(VALID_BETWEEN)
            + rng.choice(VALID_TARGETS)
            + rng.choice(VALID_AFTER)
            + close
        )
    else:  # anything, with noise
        q = (
            rng.choice(PROLOGUES)
            + open_
            + rng.choice(BINDINGS)
            + rng.choice(BEFORE)
            + rng.choice(KEYWORDS)
            + rng.choice(BETWEEN)
            + rng.choice(TARGETS)
            + rng.choice(AFTER)
            + close
        )
        for _ in range(rng.choice((0, 1, 2))):  # a character inserted or deleted somewhere
            at = rng.randrange(len(q) + 1)
            if rng.random() < 0.6:
                q = q[:at] + rng.choice(NOISE) + q[at:]
            else:
                q = q[:at] + q[at + 1 :]
    return q.replace("URL", url).replace("HP", f"127.0.0.1:{port}")


def test_generated_queries_never_reach_a_service_past_the_guard(listener):
    """4,000 generated texts: whenever pyoxigraph (unguarded) would send a request, the
    guard refused the text. The generator must make both kinds, or it proves nothing."""
    from kg.errors import QueryError
    from kg.read.sparql import check_query

    store = small_store()
    rng = random.Random(20240611)
    calls = passed = passed_and_ran = 0
    escaped = []
    for _ in range(4000):
        text = generate(rng, listener.url, listener.port)
        try:
            check_query(text, known_prefixes={})
            allowed = True
            passed += 1
        except QueryError:
            allowed = False
        before = len(listener.received)
        try:
            answer = store.query(text)
            if not isinstance(answer, ox.QueryBoolean):
                list(answer)
            passed_and_ran += allowed
        except (SyntaxError, OSError, ValueError, RuntimeError):
            pass
        if len(listener.received) > before:
            calls += 1
            if allowed:
                escaped.append(text)
    listener.received.clear()
    assert not escaped, f"the guard let these SERVICE calls through: {escaped[:5]!r}"
    assert calls >= 300, calls  # pyoxigraph really called out for many generated texts
    assert passed >= 500 and passed_and_ran >= 300, (passed, passed_and_ran)


# --- the one lexer ------------------------------------------------------------------------


def test_tokens_of_every_terminal():
    from kg.read.sparql import tokenize

    text = (
        "PREFIX ع: <http://e/#x>\n# a comment with 'quotes' and <no iri\n"
        'SELECT ?a $b WHERE { _:n1 ع:p 1.5e3, -2, .5, \'it\', "x"@ar-IQ, """long "q" """, '
        "'''l'o'ng''', ex:a.b\\~c ; ?p ?o . FILTER(?o <= 3 && !BOUND(?z) || ?o^^<x:y>) }"
    )
    kinds = [(t.kind, t.text) for t in tokenize(text, comments=True)]
    assert ("pname", "ع:") in kinds and ("iri", "<http://e/#x>") in kinds
    assert ("comment", "# a comment with 'quotes' and <no iri") in kinds
    assert ("var", "?a") in kinds and ("var", "$b") in kinds and ("bnode", "_:n1") in kinds
    assert ("number", "1.5e3") in kinds and ("number", ".5") in kinds
    assert ("string", "'it'") in kinds and ("langtag", "@ar-IQ") in kinds
    assert ("string", '"""long "q" """') in kinds and ("string", "'''l'o'ng'''") in kinds
    assert ("pname", "ex:a.b\\~c") in kinds
    assert ("punct", "<=") in kinds and ("punct", "&&") in kinds and ("punct", "^^") in kinds
    assert [t.text for t in tokenize(text)] == [t for k, t in kinds if k != "comment"]


def test_the_lexer_is_total():
    """Any text gives tokens that cover it: an unterminated string is a lone quote and the
    rest is read on (nothing after it is hidden from the checks)."""
    from kg.read.sparql import tokenize

    rng = random.Random(7)
    alphabet = "ab SERVICE?$:_<>\"'#\\{}()[].,;\n\r\tعж1e+-^"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        toks = tokenize(text, comments=True)
        covered = "".join(t.text for t in toks)
        assert covered == "".join(text.split()) or len(covered) <= len(text)
        assert all(text[t.start : t.start + len(t.text)] == t.text for t in toks)
    toks = tokenize('SELECT "unterminated SERVICE <x:y> {} }')
    assert ("word", "SERVICE") in [(t.kind, t.text) for t in toks]


def test_variables_come_from_the_lexer():
    from kg.read.sparql import query_variables

    text = "SELECT ?a WHERE { ?b <http://x/?c> '?d' . # ?e\n ?ع $f }"
    assert query_variables(text) == {"a", "b", "ع", "f"}


def test_updates_are_refused_anywhere():
    from kg.read.sparql import UnsafeQuery, check_query

    for text in (
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "SELECT * WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }",
        "\\u0049NSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX x: <http://x/> # c\nclear all",
    ):
        with pytest.raises(UnsafeQuery, match="refused"):
            check_query(text)
    check_query("SELECT * WHERE { ?s ?p 'INSERT DATA' . ?insert ?p ?o }")


def test_size_depth_and_escapes():
    from kg.errors import QueryError
    from kg.read.sparql import check_query

    with pytest.raises(QueryError, match="too large"):
        check_query("SELECT * WHERE { ?s ?p ?o }" + " " * 300_000, max_bytes=256 * 1024)
    for text in (
        "SELECT * WHERE { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }",
        "SELECT * WHERE " + "{" * 250 + "}" * 250,
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 250 + "1" + " ]" * 250 + " }",
        "SELECT * WHERE { ?s ?p " + "<<( " * 250 + "1 1 1" + " )>>" * 250 + " }",
    ):
        with pytest.raises(QueryError, match="nested too deeply"):
            check_query(text)
    check_query("SELECT * WHERE { FILTER(" + "(" * 150 + "1" + ")" * 150 + ") }")
    with pytest.raises(QueryError, match="not a Unicode character"):
        check_query("SELECT * WHERE { ?s ?p '\\uD800' }")
    with pytest.raises(QueryError, match="not valid Unicode"):
        check_query("SELECT * WHERE { ?s ?p '\ud800' }")
