"""The `kg` command line: thin typer commands over the library, one module per group.

``kg build`` (kg.cli.build); ``kg query``, ``kg queries``, ``kg serve``, ``kg push``
(kg.cli.query); ``kg export``, ``kg chains``, ``kg path``, ``kg viz`` (kg.cli.chains).

Conventions every command shares: ``-h`` and ``--help``; ``kg --version`` (``-V``);
shell completion (``kg --install-completion``, ``kg --show-completion``); help text
in click's plain layout, where a flag shows no value placeholder.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import build, chains, maps, query
from kg.cli.common import (
    CONTEXT_SETTINGS,
    EXIT_FAIL,
    EXIT_OK,
    EXIT_PARTIAL,
    err_console,
    fail,
    out_console,
    versions,
)

__all__ = [
    "EXIT_FAIL",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "app",
    "err_console",
    "fail",
    "main",
    "out_console",
]

app = typer.Typer(
    help="kg: Arabic conflict news → a knowledge graph of who attacked what, with what, when, "
    "who says so, and what came of it.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # click's plain help: typer's rich panels show a "<bool>" placeholder for every flag
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        v = versions()
        typer.echo(
            f"kg {v['kg']} (Python {v['python']}, spaCy {v['spacy']}, "
            f"rdflib {v['rdflib']}, pyoxigraph {v['pyoxigraph']})"
        )
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Print kg's version (and those of Python, spaCy, rdflib, pyoxigraph) and exit.",
        ),
    ] = False,
) -> None:
    """kg: Arabic conflict news → a knowledge graph (run a command with -h for its options)."""


for _group in (build, query, chains, maps):
    _group.register(app)


def main() -> None:  # pragma: no cover - console entry
    app()
