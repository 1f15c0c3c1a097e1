"""History files → canonical events, one line at a time (for `fairscore import`).

* `zendesk`: a Zendesk incremental export in JSON lines (infra/sources/zendesk_export),
  whose event ids are the Zendesk webhook adapter's: an import after webhooks, or
  twice, stores nothing twice.
* `generic`: canonical events (SPEC §3), one object — or `{"events": [...]}` — per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from domain.event_fields import EventError
from domain.events import CanonicalEvent, parse_batch, parse_event
from domain.json_nesting import DEFAULT_MAX_DEPTH, loads
from domain.services.importing import LineFailure
from infra.sources.zendesk_export import ExportError, iter_events

FORMATS = ("zendesk", "generic")
Item = CanonicalEvent | LineFailure


class LineReader:
    """Decoded lines of a binary file, counting the line number and bytes consumed."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.line = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.line += 1
            self.bytes_read += len(raw)
            yield raw.decode("utf-8", errors="replace")


def read_history(reader: LineReader, *, fmt: str) -> Iterator[Item]:
    if fmt == "zendesk":
        return _zendesk(reader)
    if fmt == "generic":
        return _generic(reader)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _zendesk(reader: LineReader) -> Iterator[Item]:
    # The export parser finishes a line before it reads the next one, so the reader's
    # line number is the line each event or error came from.
    for found in iter_events(reader):
        if isinstance(found, ExportError):
            yield LineFailure(found.line, found.message)
            continue
        try:
            yield parse_event(found, where=f"line {reader.line}")
        except EventError as exc:
            yield LineFailure(reader.line, str(exc))


def _generic(lines: Iterable[str]) -> Iterator[Item]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield from parse_batch(loads(text, max_depth=DEFAULT_MAX_DEPTH))
        except json.JSONDecodeError as exc:
            yield LineFailure(number, f"not JSON: {exc}")
        except EventError as exc:
            yield LineFailure(number, str(exc))
