"""The `kg` command line: thin typer commands over the library, one module per group.

``kg build`` (kg.cli.build); ``kg query``, ``kg queries``, ``kg serve``, ``kg push``
(kg.cli.query); ``kg export``, ``kg chains``, ``kg path``, ``kg viz`` (kg.cli.chains).
"""

from __future__ import annotations

import typer

from kg.cli import build, chains, query
from kg.cli.common import EXIT_FAIL, EXIT_OK, EXIT_PARTIAL, err_console, fail, out_console

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
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    """kg: Arabic conflict news → a knowledge graph (run a command with --help for its options)."""


for _group in (build, query, chains):
    _group.register(app)


def main() -> None:  # pragma: no cover - console entry
    app()
