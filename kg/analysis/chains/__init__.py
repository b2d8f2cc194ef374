"""Chains of attacks and retaliations, and paths between things, over the events view.

A *chain* starts from some events (chosen by actor, target, event or date
range) and follows ``in_retaliation_for`` links both ways: forward to the
events that answered them, the events that answered those, and so on; and
backward to the events they answered, and what those answered. The events
reached are grouped into chains (connected by links), each ordered in time
and by cause (an answered event always comes before its answer), so the
output is acyclic and the same on every run. A link whose answer is dated
before the event it would answer (its last possible day before that event's
first) is never followed: it is listed under the chain's dropped links with
the reason, and warned about. A loop in the data (A answers B answers A) is
broken by dropping one link (the latest), which is reported the same way.

Who did an event is never flattened into a fact: each party comes with its
``responsibility``: ``fact`` (the text states it), ``claimed`` (the party
said so), ``attributed`` (someone else said so, named in ``by``).

A *path* (:func:`find_paths`) answers "how is X connected to Y": the shortest
paths between them in the events view taken as undirected, using only edges
that have evidence; each hop is printed once (all its roles on one arrow) and
each evidence sentence once per path.

Everything here reads the networkx events view (:func:`kg.to_networkx`); the
functions are pure and return dataclasses; :func:`render_chains` and
:func:`render_paths` print them with rich.

The package: :mod:`~kg.analysis.chains.model` (the records, and reading an event
from the view), :mod:`~kg.analysis.chains.algorithms` (finding chains and paths) and
:mod:`~kg.analysis.chains.rendering` (JSON and text for a reader).
"""

from __future__ import annotations

from kg.analysis.chains.algorithms import find_chains, find_paths, resolve, select_events
from kg.analysis.chains.model import (
    JSON_SCHEMA_VERSION,
    PARTY_ROLES,
    RETALIATION,
    Chain,
    ChainError,
    ChainEvent,
    ChainResult,
    Hop,
    Link,
    Party,
    PathResult,
    Ref,
    Source,
    date_interval,
    event_record,
    load_events_view,
    parse_date,
)
from kg.analysis.chains.rendering import (
    chains_to_json,
    format_casualties,
    format_date,
    format_who,
    paths_to_json,
    render_chains,
    render_paths,
)

__all__ = [
    "JSON_SCHEMA_VERSION",
    "PARTY_ROLES",
    "RETALIATION",
    "Chain",
    "ChainError",
    "ChainEvent",
    "ChainResult",
    "Hop",
    "Link",
    "Party",
    "PathResult",
    "Ref",
    "Source",
    "chains_to_json",
    "date_interval",
    "event_record",
    "find_chains",
    "find_paths",
    "format_casualties",
    "format_date",
    "format_who",
    "load_events_view",
    "parse_date",
    "paths_to_json",
    "render_chains",
    "render_paths",
    "resolve",
    "select_events",
]
