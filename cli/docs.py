"""`fairscore docs …`: documentation generated from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import cli
from cli.output import console, fail
from domain.metric_docs import render

docs = typer.Typer(help="Documentation generated from the code.", no_args_is_help=True)
# The checkout's docs/, found from this package (so any working directory will do); an
# installed wheel has no docs/ beside it, and says so.
METRICS_PAGE = Path(cli.__file__).resolve().parents[1] / "docs" / "metrics.md"


@docs.command("metrics")
def metrics(
    output: Annotated[Path, typer.Option(help="default: the checkout's docs/metrics.md")] = (
        METRICS_PAGE
    ),
) -> None:
    """Write the metric definitions page from the metric dictionary."""
    if not output.parent.is_dir():
        raise fail(
            f"{output.parent} is not a directory (install from a checkout with "
            "`pip install -e .`, or pass --output)"
        )
    output.write_text(render(), encoding="utf-8")
    console.print(f"wrote {output}")
