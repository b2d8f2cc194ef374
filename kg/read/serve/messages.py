"""The plain-text answers of the endpoint: one line each, never a traceback.

Why a module of its own: the HTTP handler, the worker pool and the worker processes
all answer errors the same way (one line of UTF-8 text), and the text of a memory
error is written both by a worker that caught it and by the pool that saw a worker
die of it.
"""

from __future__ import annotations

from kg.read.serve.config import MB

PLAIN = "text/plain; charset=utf-8"
"""The Content-Type of every error and message the endpoint writes."""


def line(message: str) -> bytes:
    """``message`` on one line (whitespace runs folded), UTF-8, with a newline."""
    return (" ".join(message.split()) + "\n").encode("utf-8")


def one_line(exc: BaseException) -> str:
    """An exception's text on one line (its type's name when it has none)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def size_text(n: int) -> str:
    """A byte count as a reader wants it: whole MB, else bytes."""
    return f"{n // MB} MB" if n % MB == 0 else f"{n:,} bytes"


def memory_message(memory_mb: int) -> str:
    return (
        f"query needed more than {memory_mb} MB of memory (the limit of a query worker, "
        "kg serve --worker-memory); its worker was replaced"
    )
