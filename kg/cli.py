"""The `kg` command line: thin typer commands over the library.

Every command turns kg's errors into one line on stderr and an exit code:
0 everything worked, 1 done but some inputs failed (named), 2 nothing done.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KgError

app = typer.Typer(
    help="kg: Arabic conflict news → a knowledge graph of who attacked what, with what, when, "
    "who says so, and what came of it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_PARTIAL, EXIT_FAIL = 0, 1, 2


@app.callback()
def _main() -> None:
    """kg: Arabic conflict news → a knowledge graph (run a command with --help for its options)."""


def fail(message: str, code: int = EXIT_FAIL) -> typer.Exit:
    err_console.print(f"kg: error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


@app.command()
def build(
    corpus: Path = typer.Argument(Path("seeds"), help="Folder of article files (+ optional manifest.csv)."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    ontology: Path | None = typer.Option(None, help="Ontology folder (default: the repository's ontology/)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems."),
) -> None:
    """Read a folder of Arabic articles and write the graph (TriG, Turtle, N-Quads) and event tables."""
    from kg.builder import build as run_build

    try:
        result = run_build(corpus, out, ontology)
    except KgError as exc:
        raise fail(str(exc)) from None
    for problem in result.problems:
        err_console.print(f"kg: skipped {problem}", markup=False, highlight=False)
    if not quiet:
        _print_summary(result)
    if not result.articles:
        raise fail("no article could be read", EXIT_FAIL)
    if result.problems:
        raise typer.Exit(EXIT_PARTIAL)


def _print_summary(result) -> None:
    c = out_console
    c.print(
        f"Read {len(result.articles)} article(s)"
        + (f", skipped {len(result.problems)}" if result.problems else "")
        + f"; {result.triples} triples ({result.quads} quads in {len(result.articles) + 1} graphs)."
    )
    ents = Table(title="Entities by class", show_edge=False)
    ents.add_column("class")
    ents.add_column("count", justify="right")
    for cls, n in sorted(result.entity_counts().items()):
        ents.add_row(cls, str(n))
    c.print(ents)
    evs = Table(title="Events by type", show_edge=False)
    evs.add_column("category/type")
    evs.add_column("count", justify="right")
    for t, n in sorted(result.event_counts().items()):
        evs.add_row(t, str(n))
    c.print(evs)
    c.print("Wrote:")
    for name, path in sorted(result.files.items()):
        c.print(f"  {path}", markup=False, highlight=False)


def _register_commands() -> None:
    """Commands defined in other modules add themselves to ``app`` (one module per verb group)."""
    import importlib
    import importlib.util

    for name in ("kg.cli_query", "kg.cli_chains", "kg.cli_tools"):
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(app)


_register_commands()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
