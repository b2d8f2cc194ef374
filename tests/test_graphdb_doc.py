"""docs/GRAPHDB.md and the repository configuration it ships agree: the file parses as
Turtle, is a GraphDB repository config, and names the repository id the doc uses."""

from __future__ import annotations

import re

import rdflib

REP = rdflib.Namespace("http://www.openrdf.org/config/repository#")
SR = rdflib.Namespace("http://www.openrdf.org/config/repository/sail#")
SAIL = rdflib.Namespace("http://www.openrdf.org/config/sail#")
GDB = rdflib.Namespace("http://www.ontotext.com/config/graphdb#")


def _config(root):
    g = rdflib.Graph()
    g.parse(root / "docs" / "graphdb" / "repo-config.ttl", format="turtle")
    return g


def test_the_doc_names_a_shipped_config(root):
    doc = (root / "docs" / "GRAPHDB.md").read_text(encoding="utf-8")
    named = set(re.findall(r"docs/graphdb/[\w.-]+", doc))
    assert named == {"docs/graphdb/repo-config.ttl"}
    for path in named:
        assert (root / path).is_file(), path
    assert "importrdf load -c docs/graphdb/repo-config.ttl" in doc
    assert "Import → User data → Upload RDF files" in doc
    assert "Enable replacement of existing data" in doc


def test_the_config_is_a_graphdb_repository_with_the_docs_id(root):
    g = _config(root)
    repos = list(g.subjects(rdflib.RDF.type, REP.Repository))
    assert len(repos) == 1
    repo = repos[0]
    repo_id = str(g.value(repo, REP.repositoryID))
    impl = g.value(repo, REP.repositoryImpl)
    assert str(g.value(impl, REP.repositoryType)) == "graphdb:SailRepository"
    sail = g.value(impl, SR.sailImpl)
    assert str(g.value(sail, SAIL.sailType)) == "graphdb:Sail"
    assert str(g.value(sail, GDB.ruleset)) == "empty"  # answers as `kg query` gives them
    assert str(g.value(sail, GDB["enable-context-index"])) == "true"

    doc = (root / "docs" / "GRAPHDB.md").read_text(encoding="utf-8")
    used = set(re.findall(r"localhost:7200/repositories/([\w-]+)", doc))
    assert used == {repo_id} == {"kg"}
    assert f"id `{repo_id}`" in doc
