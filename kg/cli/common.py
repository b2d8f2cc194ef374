"""What every kg command shares: the consoles, the exit codes, one-line errors, versions.

Every command turns kg's errors into one line on stderr and an exit code:
0 everything worked, 1 done but some inputs failed (named), 2 nothing done.
"""

from __future__ import annotations

import typer
from rich.console import Console

out_console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_PARTIAL, EXIT_FAIL = 0, 1, 2

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
"""Every command (and the app) takes -h as well as --help (typer passes these on to
the commands registered on the app)."""


def fail(message: str, code: int = EXIT_FAIL) -> typer.Exit:
    """Print ``kg: error: message`` on stderr (one line) and return the Exit to raise."""
    err_console.print(f"kg: error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def versions() -> dict[str, str]:
    """kg's version and those of what it runs on (the build report records the same)."""
    from kg.pipeline.build import software_versions

    return software_versions()
