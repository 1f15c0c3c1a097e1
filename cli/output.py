"""Where the CLI writes: results to stdout, errors and progress to stderr."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print `message` as an error; raise the returned Exit (status 1)."""
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)  # one line, copy-pastable
    return typer.Exit(code=1)
