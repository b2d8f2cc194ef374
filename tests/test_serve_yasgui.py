"""The query page of `kg serve` is YASGUI, and YASGUI on another origin queries `kg serve`.

Checked in headless chromium with every name but 127.0.0.1 unresolvable (so a CDN
or any other outside resource would fail): the page served by `kg serve` draws
YASGUI from its own /static/ files and offers the competency questions; a copy of
the page served by a second small HTTP server on another port (another origin) and
pointed at `kg serve` with ``?endpoint=`` runs a query through CORS and draws its
results. The same copy against a server that allows only another origin draws none.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import headless_chromium
from test_serve import start_server, stop_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install -y chromium); the page is checked in a real browser",
)

QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?place WHERE { ?place skos:prefLabel "Camp Taji"@en }"""

# appended to the copy of the page: run QUERY in the open tab, and say on <html> what happened
PROBE = """<script>
(function () {
  const root = document.documentElement;
  const y = window.kgYasgui;
  if (!y) { root.dataset.probe = "no-yasgui"; return; }
  root.dataset.endpoint = window.kgEndpoint;
  if (new URL(location.href).searchParams.get("probe") === "examples") {
    const sel = document.getElementById("examples");
    for (const name of ["withdrawals", "attacks-on-base", "withdrawals"]) {
      sel.value = name;
      sel.dispatchEvent(new Event("change"));
    }
    const tabs = Object.values(y._tabs);
    root.dataset.tabs = tabs.map(t => t.getName()).join(",");
    root.dataset.active = y.getTab().getName();
    root.dataset.text = y.getTab().getQuery().includes("Question:") ? "1" : "0";
    root.dataset.probe = "examples";
    return;
  }
  const tab = y.getTab();
  tab.getYasr().on("drawn", () => { root.dataset.drawn = "1"; });
  y.on("queryResponse", () => { root.dataset.response = "1"; });
  tab.setQuery(__QUERY__);
  tab.query().catch(e => { root.dataset.failed = String(e); });
  root.dataset.probe = "ran";
})();
</script>
"""


@pytest.fixture(scope="module")
def kg_url(seed_build):
    proc, url = start_server(str(seed_build.out), "--workers", "1")
    try:
        yield url
    finally:
        stop_server(proc)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


@pytest.fixture(scope="module")
def elsewhere(kg_url, tmp_path_factory):
    """A second HTTP server on another 127.0.0.1 port serving a copy of the page."""
    import json

    site = tmp_path_factory.mktemp("elsewhere")
    (site / "static").mkdir()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        (site / "static" / name).write_bytes(fetch(f"{kg_url}/static/{name}"))
    page = fetch(kg_url + "/").decode("utf-8")
    probe = PROBE.replace("__QUERY__", json.dumps(QUERY))
    (site / "index.html").write_text(page.replace("</body>", probe + "</body>"), "utf-8")
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def dump_dom(url: str, profile: Path) -> str:
    cmd = headless_chromium(
        profile,
        # offline: no name resolves but 127.0.0.1 (a CDN would fail)
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--virtual-time-budget=20000",
        "--dump-dom",
        url,
    )
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def root_attrs(dom: str) -> dict[str, str]:
    m = re.search(r"<html([^>]*)>", dom)
    assert m, dom[:500]
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', m.group(1))}


def test_the_page_is_yasgui_from_its_own_files(kg_url):
    page = fetch(kg_url + "/").decode("utf-8")
    assert '<script src="static/yasgui.min.js"></script>' in page
    assert '<link rel="stylesheet" href="static/yasgui.min.css">' in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "no outside resources: works offline"
    assert "attacks-on-base" in page  # the competency questions are offered
    license_text = fetch(kg_url + "/static/LICENSE.txt").decode("utf-8")
    assert "MIT" in license_text and "@zazuko/yasgui" in license_text


@needs_chromium
def test_yasgui_runs_in_chromium_with_the_competency_questions(kg_url, tmp_path):
    dom = dump_dom(kg_url + "/", tmp_path / "profile")
    assert 'class="yasgui' in dom, "YASGUI did not draw"
    assert 'id="kg-error"></div>' in dom, "the page reported an error"
    assert re.search(r'<div[^>]+class="[^"]*CodeMirror', dom), "no query editor"
    options = re.findall(r'<option value="([^"]+)">', dom)
    assert "attacks-on-base" in options and "withdrawals" in options
    assert f'<code id="ep">{kg_url}/sparql</code>' in dom


@needs_chromium
def test_the_competency_questions_open_as_tabs(kg_url, elsewhere, tmp_path):
    dom = dump_dom(
        f"{elsewhere}/index.html?endpoint={kg_url}/sparql&probe=examples", tmp_path / "profile"
    )
    attrs = root_attrs(dom)
    assert attrs.get("data-probe") == "examples", attrs
    # one tab per question, chosen again: the tab it already has
    assert attrs["data-tabs"] == "Query,withdrawals,attacks-on-base"
    assert attrs["data-active"] == "withdrawals" and attrs["data-text"] == "1"


@needs_chromium
def test_yasgui_on_another_origin_queries_kg_serve(kg_url, elsewhere, tmp_path):
    assert elsewhere.rsplit(":", 1)[1] != kg_url.rsplit(":", 1)[1]  # another origin
    dom = dump_dom(f"{elsewhere}/index.html?endpoint={kg_url}/sparql", tmp_path / "profile")
    attrs = root_attrs(dom)
    assert attrs.get("data-probe") == "ran", attrs
    assert attrs.get("data-endpoint") == f"{kg_url}/sparql"
    assert "data-failed" not in attrs, attrs
    assert attrs.get("data-response") == "1" and attrs.get("data-drawn") == "1", attrs
    # the answer is drawn as YASR's table: the place from the graph, with kg's prefix
    assert re.search(r'<a class="iri" href="https://w3id.org/kg-iraq/id/entity/camp-taji"', dom)
    assert ">ent:camp-taji</a>" in dom
    assert re.search(r"<table[^>]*dataTable", dom), "no results table"


@needs_chromium
def test_an_origin_not_allowed_gets_no_results(seed_build, elsewhere, tmp_path):
    proc, url = start_server(
        str(seed_build.out), "--workers", "1", "--allow-origin", "https://only.example"
    )
    try:
        dom = dump_dom(f"{elsewhere}/index.html?endpoint={url}/sparql", tmp_path / "profile")
    finally:
        stop_server(proc)
    attrs = root_attrs(dom)
    assert attrs.get("data-probe") == "ran", attrs
    assert attrs.get("data-response") == "1", attrs  # YASGUI got an answer: an error
    assert ">ent:camp-taji</a>" not in dom  # the browser withheld the results from the page
