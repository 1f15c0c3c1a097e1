"""`fairscore import`: load a helpdesk's history from a file, streaming, idempotently."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TimeElapsedColumn
from rich.table import Table

from cli.output import console, err, fail
from domain.services.importing import BATCH, ImportSummary, import_events
from infra import admin
from infra.bootstrap import container
from infra.db.repositories.system import NotFoundError
from infra.history import FORMATS, LineReader, read_history

Report = Callable[[str, int, int], None]
ALL_FAILED = 1
SOME_FAILED = 3  # 2 is a usage error


def import_history(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    tenant: str = typer.Option(..., help="tenant slug"),
    source: str = typer.Option(..., help=" | ".join(FORMATS)),
    batch: int = typer.Option(BATCH, min=1, help="events per transaction"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Import history from a Zendesk export or canonical JSON lines; stored events are skipped.

    Exit status: 0 when every line was imported (or was already there), 3 when some lines
    failed and the rest were imported (fix them and run again: nothing is imported twice),
    1 when nothing could be imported: every line failed, or the command itself did.
    """
    if source not in FORMATS:
        raise fail(f"--source must be one of {', '.join(FORMATS)}")
    c = container()
    try:
        profile = admin.tenant_by_slug(c, tenant)
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    started = time.perf_counter()
    with file.open("rb") as stream:
        reader = LineReader(stream)
        with _progress(reader, total=file.stat().st_size, quiet=as_json) as report:
            summary = import_events(
                lambda: c.uow(profile.id, exclusive=True),
                source=source,
                items=read_history(reader, fmt=source),
                batch=batch,
                progress=report,
            )
            admin.derive_now(c, profile.id, progress=report)  # scores, before we answer
    elapsed = time.perf_counter() - started
    if as_json:
        print(json.dumps({**asdict(summary), "lines": reader.line, "seconds": round(elapsed, 2)}))
    else:
        _print_summary(summary, lines=reader.line, seconds=elapsed)
    _finish(summary)


def _finish(summary: ImportSummary) -> None:
    """Say on stderr how many lines failed, and exit with the status the help promises."""
    if not summary.failed:
        return
    if summary.events == 0:
        err.print(f"[red]error:[/red] every line failed ({summary.failed:,}): nothing imported")
        raise typer.Exit(code=ALL_FAILED)
    err.print(
        f"[yellow]warning:[/yellow] {summary.failed:,} line(s) failed, the rest was imported; "
        "fix them and run the import again"
    )
    raise typer.Exit(code=SOME_FAILED)


@contextmanager
def _progress(reader: LineReader, *, total: int, quiet: bool) -> Iterator[Report]:
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        "{task.fields[detail]}",
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, disable=quiet) as bar:
        reading = bar.add_task("import", total=max(total, 1), detail="")
        scoring: list[TaskID] = []

        def report(stage: str, done: int, stage_total: int) -> None:
            if stage == "import":
                detail = f"{done:,} events"
                bar.update(reading, completed=reader.bytes_read, detail=detail)
                return
            if not scoring:
                bar.update(reading, completed=max(total, 1))
                scoring.append(bar.add_task("re-score", total=stage_total, detail=""))
            bar.update(scoring[0], completed=done, detail=f"{done}/{stage_total} periods")

        yield report


def _print_summary(summary: ImportSummary, *, lines: int, seconds: float) -> None:
    table = Table(title="import summary", show_header=False)
    table.add_row("lines read", f"{lines:,}")
    table.add_row("events read", f"{summary.events:,}")
    table.add_row("imported", f"{summary.imported:,}")
    table.add_row("skipped duplicates", f"{summary.duplicates:,}")
    table.add_row("failed lines", f"{summary.failed:,}")
    table.add_row("time", f"{seconds:.1f} s")
    console.print(table)
    for failure in summary.failures:
        console.print(f"[red]line {failure.line}[/red]: {failure.reason}")
    if summary.failed > len(summary.failures):
        console.print(f"… and {summary.failed - len(summary.failures):,} more failed lines")
