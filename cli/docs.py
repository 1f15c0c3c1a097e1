"""`fairscore docs …`: documentation generated from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import cli
from cli.output import console, fail
from domain import metric_docs

docs = typer.Typer(help="Documentation generated from the code.", no_args_is_help=True)
# The checkout, found from this package (so any working directory will do); an installed
# wheel has no docs/ beside it, and says so.
CHECKOUT = Path(cli.__file__).resolve().parents[1]
METRICS_PAGE = CHECKOUT / "docs" / "metrics.md"
SCHEMA_FILE = CHECKOUT / "schema.graphql"


@docs.command("metrics")
def metrics(
    output: Annotated[Path, typer.Option(help="default: the checkout's docs/metrics.md")] = (
        METRICS_PAGE
    ),
) -> None:
    """Write the metric definitions page from the metric dictionary."""
    _write(output, metric_docs.render())


@docs.command("schema")
def schema(
    output: Annotated[Path, typer.Option(help="default: the checkout's schema.graphql")] = (
        SCHEMA_FILE
    ),
) -> None:
    """Write the GraphQL schema (SDL) from the API's code."""
    from api import sdl  # noqa: PLC0415 - the schema takes 0.35 s to import: only here

    _write(output, sdl.render())


def _write(output: Path, text: str) -> None:
    if not output.parent.is_dir():
        raise fail(
            f"{output.parent} is not a directory (install from a checkout with "
            "`pip install -e .`, or pass --output)"
        )
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output}")
