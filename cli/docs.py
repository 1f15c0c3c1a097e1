"""`fairscore docs …`: documentation generated from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, fail
from domain.metric_docs import render

docs = typer.Typer(help="Documentation generated from the code.", no_args_is_help=True)
METRICS_PAGE = Path("docs/metrics.md")


@docs.command("metrics")
def metrics(
    output: Annotated[Path, typer.Option(help="run from the repository root")] = METRICS_PAGE,
) -> None:
    """Write the metric definitions page from the metric dictionary."""
    if not output.parent.is_dir():
        raise fail(f"{output.parent} is not a directory (run from the repository root)")
    output.write_text(render(), encoding="utf-8")
    console.print(f"wrote {output}")
