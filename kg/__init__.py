"""kg: Arabic conflict news to a knowledge graph.

The public Python API is imported lazily, so that ``import kg`` is cheap and
does no work (no spaCy, no ontology loading) until a function is used:

- ``kg.build(corpus, out)``: build the graph and tables of a corpus folder;
- ``kg.load(path)``, ``kg.query(graph, sparql, ...)``: load a built graph and query it;
- ``kg.to_networkx(graph, view=...)``: networkx views of the graph;
- ``kg.serve(graph)``: the SPARQL endpoint in the background (``with kg.serve("out") as
  url: ...``), for notebooks and scripts; ``%load_ext kg.notebook`` adds ``%%sparql``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "build": "kg.pipeline.build",
    "load": "kg.read.sparql",
    "query": "kg.read.sparql",
    "serve": "kg.notebook",
    "to_networkx": "kg.analysis.views",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = sorted(_LAZY)
