"""The conventions every kg command follows: --version/-V, -h as well as --help, shell
completion, help text without placeholders for flags, timings and versions in the build
summary and build-report.json."""

from __future__ import annotations

import json
import platform
import re

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app

COMMANDS = ("build", "query", "queries", "serve", "push", "export", "chains", "path", "viz")


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_kg_and_what_it_runs_on(flag):
    result = _run(flag)
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith(f"kg {kg.__version__} ")
    for name in ("Python", "spaCy", "rdflib", "pyoxigraph"):
        assert name in line
    assert platform.python_version() in line


@pytest.mark.parametrize("command", ("", *COMMANDS))
def test_every_command_takes_h_and_help_alike_with_no_bool_placeholder(command):
    args = [command] if command else []
    short, long = _run(*args, "-h"), _run(*args, "--help")
    assert short.exit_code == 0 and long.exit_code == 0, short.output
    assert short.output == long.output
    assert "Usage: " in short.output and "-h, --help" in short.output
    assert "<bool>" not in short.output, "a flag shows a value placeholder"
    assert "list[str]" not in short.output


def test_shell_completion_is_offered():
    text = _run("--help").output
    assert "--install-completion" in text and "--show-completion" in text
    shown = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="kg")
    assert shown.exit_code == 0 and "complete" in shown.output


def test_build_summary_and_report_have_timings_and_versions(seeds_dir, tmp_path):
    out = tmp_path / "out"
    result = _run("build", str(seeds_dir), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"Took \d+\.\d s: extract \d+\.\d s, merge \d+\.\d s, graph", result.output)
    assert re.search(r"kg \S+, Python \S+, spaCy \S+, rdflib \S+, pyoxigraph \S+", result.output)
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["versions"]["kg"] == kg.__version__
    assert set(report["versions"]) == {"kg", "python", "spacy", "rdflib", "pyoxigraph"}
    timings = report["timings"]
    assert {"extract", "merge", "dumps", "tables", "total"} <= set(timings)
    assert all(isinstance(v, float | int) and v >= 0 for v in timings.values())
    assert timings["total"] >= timings["extract"]
