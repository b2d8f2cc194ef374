"""`kg build`: a folder of articles to the graph and tables, with a progress bar and a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import kg.lang as kglang
from kg.cli.common import EXIT_FAIL, EXIT_PARTIAL, err_console, fail, out_console
from kg.errors import KgError


def build(
    corpus: Annotated[
        Path, typer.Argument(help="Folder of article files (+ optional manifest.csv).")
    ] = Path("seeds"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    ontology: Annotated[
        Path | None, typer.Option(help="Ontology folder (default: the repository's ontology/).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes for extraction (1: in this process)."
        ),
    ] = 1,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where extraction runs: local (this machine, --jobs processes) or dask (a Dask cluster).",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:8786) for --engine dask; "
            "default: a local cluster of 2 worker processes.",
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Re-extract every article instead of reusing the cache in OUT/.kg (and refresh it).",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a non-empty folder that kg did not write (kg adds its files "
            "beside yours and never removes or replaces them).",
        ),
    ] = False,
    overrides: Annotated[
        Path | None,
        typer.Option(
            "--overrides",
            help="A CSV of corrections to the merge: rows 'report,split' keep a report out "
            "of every join; 'report,join,other' put it in the event of report OTHER "
            "(report ids as in events.jsonl's reports).",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            help="The language the articles are read in: a code of kg.lang (ar: Arabic).",
        ),
    ] = kglang.DEFAULT,
) -> None:
    """Read a folder of articles (Arabic unless --lang) and write the graph (TriG, Turtle, N-Quads) and event tables.

    Only new or changed articles are extracted again: the others come from the cache.
    The outputs are replaced as one set, and only if at least one article was read.
    """
    from kg.pipeline.build import ENGINES
    from kg.pipeline.build import build as run_build

    if engine not in ENGINES:
        raise fail(f"--engine must be one of: {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise fail("--scheduler needs --engine dask")
    try:
        language = kglang.get(lang)  # an unknown code stops here, before any work
    except ValueError:
        raise fail(
            f"--lang {lang!r}: no such language (known: {', '.join(kglang.codes())})"
        ) from None
    try:
        with BuildProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
            result = run_build(
                corpus,
                out,
                ontology,
                progress.advance,
                jobs=jobs,
                engine=engine,
                scheduler=scheduler,
                full=full,
                force=force,
                overrides=overrides,
                language=language.code,
                on_start=progress.start,
                on_phase=progress.phase,
            )
    except KgError as exc:
        raise fail(str(exc)) from None
    for problem in result.problems:
        err_console.print(f"kg: skipped {problem}", markup=False, highlight=False, soft_wrap=True)
    if not result.articles:
        what = (
            "no article could be read"
            if result.problems
            else f"no article files in {corpus} (.txt, .text, .md, .html, .htm)"
        )
        raise fail(f"{what}; nothing was written", EXIT_FAIL)
    if not quiet:
        _print_summary(result)
    if result.problems:
        raise typer.Exit(EXIT_PARTIAL)


class BuildProgress:
    """A rich progress bar on stderr (articles, articles/s, time left), or nothing at all."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.task = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
            )

    def __enter__(self) -> BuildProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, total: int) -> None:
        if self.bar is not None:
            self.task = self.bar.add_task("extracting", total=total, rate="")

    def advance(self, _file_name: str) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
            speed = self.bar.tasks[self.task].speed
            self.bar.update(self.task, rate=f"{speed:.1f} articles/s" if speed else "")

    def phase(self, name: str) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, description=name)


def _print_summary(result) -> None:
    c = out_console
    c.print(
        f"Read {len(result.articles)} article(s)"
        + (f", skipped {len(result.problems)}" if result.problems else "")
        + f"; {result.triples} triples ({result.quads} quads in {len(result.articles) + 1} graphs)."
    )
    reused = len(result.articles) - len(getattr(result, "extracted", result.articles))
    if reused > 0:
        c.print(
            f"Extracted {len(result.articles) - reused} new or changed article(s); "
            f"{reused} unchanged came from the cache.",
            markup=False,
            highlight=False,
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
    for _name, path in sorted(result.files.items()):
        c.print(f"  {path}", markup=False, highlight=False)
    c.print(_timings_line(result.timings), markup=False, highlight=False)
    if result.versions:
        v = result.versions
        c.print(
            f"kg {v['kg']}, Python {v['python']}, spaCy {v['spacy']}, rdflib {v['rdflib']}, "
            f"pyoxigraph {v['pyoxigraph']}",
            markup=False,
            highlight=False,
        )


_PHASES = (("extract", "extract"), ("merge", "merge"), ("dumps", "graph"), ("tables", "tables"))


def _timings_line(timings: dict[str, float]) -> str:
    """``Took 4.1 s: extract 2.9 s, merge 0.1 s, graph 0.9 s, tables 0.2 s``."""
    parts = [f"{label} {timings[key]:.1f} s" for key, label in _PHASES if key in timings]
    total = timings.get("total", sum(timings.get(k, 0.0) for k, _ in _PHASES))
    return f"Took {total:.1f} s" + (": " + ", ".join(parts) if parts else "") + "."


def register(app: typer.Typer) -> None:
    """Add `kg build` to the kg app."""
    app.command()(build)
