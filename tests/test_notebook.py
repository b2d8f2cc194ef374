"""examples/kg-tour.ipynb runs from top to bottom (build, kg.query with names and typed
DataFrames, %%sparql, chains as HTML, kg.serve + SPARQLWrapper); kg.serve, %%sparql and
kg.notebook.html on their own."""

from __future__ import annotations

import json
import re

import pytest


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return data.get("text/plain", "") + data.get("text/html", "")


def test_notebook_is_stored_clean(root):
    raw = (root / "examples" / "kg-tour.ipynb").read_text(encoding="utf-8")
    nb = json.loads(raw)
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"/(tmp|work|home|Users)/", raw), "no machine paths in the notebook"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_notebook_runs(root):
    # the `notebook` extra; `test` has them too, so CI runs the notebook
    nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[notebook]'")
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[notebook]'")
    pytest.importorskip("ipykernel", reason="pip install -e '.[notebook]' (a Jupyter kernel)")
    pytest.importorskip("pandas", reason="pip install -e '.[notebook]'")

    nb = nbformat.read(root / "examples" / "kg-tour.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(root / "examples")}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(_text(o) for o in outputs)
    assert re.search(r"5 articles, \d+ events, \d+ quads", text)
    assert "BaseHandover" in text and "Camp Taji" in text and "attacks-on-coalition" in text
    for name in ("withdrawals", "attacks-on-coalition", "casualties-by-attacker", "retaliation"):
        m = re.search(rf"{name}: (\d+) rows over HTTP, (\d+) in process, same: True", text)
        assert m and int(m.group(1)) > 0, f"{name} over HTTP"
    assert "server stopped: True" in text
    # names, typed DataFrames, %%sparql, HTML display
    assert "base: قاعدة التاجي → kgr:entity/camp-taji" in text
    assert "resolved: {'base': 'https://w3id.org/kg-iraq/id/entity/camp-taji'}" in text
    assert "killed: Int64 date: datetime64[ns]" in text
    assert "'date': dtype('<M8[ns]')" in text
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('class="kg-rows"' in h for h in html), "query rows as an HTML table"
    assert any("Chain 1" in h for h in html), "a chain result as HTML"
    assert any('class="kg-record"' in h for h in html), "an event as HTML"
    assert not [o for o in outputs if o.get("output_type") == "display_data"], "stray displays"


def test_serve_is_a_context_manager_that_stops(seed_build):
    import json
    import urllib.parse
    import urllib.request

    import kg

    server = kg.serve(seed_build.out)
    assert not server.running
    with server as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/sparql")
        ask = urllib.parse.urlencode({"query": "ASK { ?s a kgo:BaseHandover }"})
        request = urllib.request.Request(
            f"{url}?{ask}", headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["boolean"] is True
        assert "href" in server._repr_html_()
        from kg.notebook import sparql_cell

        remote = sparql_cell(
            "server", "SELECT ?e WHERE { ?e a kgo:BaseHandover }", {"server": server}
        )
        assert len(remote) > 0
    assert not server.running
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=5)


def test_sparql_cell_binds_names_keeps_results_and_makes_frames(seed_build):
    pytest.importorskip("pandas")
    import kg
    from kg.notebook import sparql_cell

    ns = {"g": kg.load(seed_build.out)}
    rows = sparql_cell("g -p base=Taji -o taji", "attacks-on-base", ns)
    assert ns["taji"] is rows and rows.resolved["base"].endswith("/entity/camp-taji")
    assert 'class="kg-rows"' in rows._repr_html_() and "ent:camp-taji" in rows._repr_html_()
    frame = sparql_cell("g --df", "attacks-on-coalition", ns)
    assert str(frame["killed"].dtype) == "Int64" and str(frame["date"].dtype).startswith("datetime")
    assert frame["event"].str.startswith("ev:").all()
    withdrawals = kg.query(ns["g"], "withdrawals", as_="dataframe")
    months = withdrawals[withdrawals["precision"] == "month"]
    assert len(months) and (months["date"].dt.day == 1).all()  # 2020-04 is April, not a string


def test_html_of_events_chains_and_builds(seed_build):
    from kg.analysis.chains import find_chains
    from kg.notebook import html

    assert 'class="kg-record"' in html(seed_build.events[0])
    assert "ev:" in html(seed_build.events[0])
    chains = html(find_chains(seed_build.out, target="Camp Taji"))
    assert "Chain 1" in chains and "<pre" in chains
    assert "events" in html(seed_build)
    with pytest.raises(TypeError):
        html(object())
