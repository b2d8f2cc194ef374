"""The small error hierarchy of kg.

Library code raises these; the CLI turns them into one-line messages and exit
codes. Nothing in kg raises a bare ``Exception`` or calls ``sys.exit``.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class: every error kg raises on purpose."""


class InputError(KgError):
    """An article or corpus that cannot be read (names the file)."""


class OntologyError(KgError):
    """The ontology, shapes or gazetteer are missing or inconsistent."""


class ExtractionError(KgError):
    """Extraction produced something inconsistent (a bug, reported per article)."""


class QueryError(KgError):
    """A SPARQL query that cannot be parsed, bound or run."""


class OutputError(KgError):
    """An output that cannot be written (read-only folder, full disk)."""
