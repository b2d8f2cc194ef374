"""kg's data files: the ontology and the SPARQL queries, as package data.

In the repository, ``kg/resources/ontology`` and ``kg/resources/queries`` are links
to the top-level ``ontology/`` and ``queries/`` (the copies people edit); a wheel
carries the files themselves, so an installed kg finds them wherever it runs.
``$KG_ONTOLOGY_DIR`` and ``$KG_QUERIES_DIR`` point kg at other folders.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).parent


def ontology_dir() -> Path:
    """The ontology folder (kg.ttl, shapes.ttl, gazetteer.ttl): $KG_ONTOLOGY_DIR or kg's own."""
    env = os.environ.get("KG_ONTOLOGY_DIR")
    return Path(env) if env else _HERE / "ontology"


def queries_dir() -> Path:
    """The named queries (``*.rq``, ``checks/``, ``views/``): $KG_QUERIES_DIR or kg's own."""
    env = os.environ.get("KG_QUERIES_DIR")
    return Path(env) if env else _HERE / "queries"
