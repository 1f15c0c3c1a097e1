"""History files are read a line at a time; each failure names its line and the rest goes on."""

from __future__ import annotations

import io
import json

from domain.events import TicketCreated, TicketMessage
from domain.services.importing import MAX_REPORTED, ImportSummary, LineFailure
from infra.history import LineReader, read_history
from tests.factories import Ticket


def reader(*lines: str | bytes) -> LineReader:
    raw = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    return LineReader(io.BytesIO(raw))


def test_the_reader_counts_lines_and_bytes_as_it_goes() -> None:
    lines = reader('{"a": 1}', "", "é")

    assert list(lines) == ['{"a": 1}\n', "\n", "é\n"]
    assert (lines.line, lines.bytes_read) == (3, 9 + 1 + 3)


def test_generic_lines_hold_one_event_or_a_batch() -> None:
    story = Ticket("G-1").created(0).customer(1).events
    items = list(
        read_history(reader(json.dumps(story[0]), json.dumps({"events": story[1:]})), fmt="generic")
    )

    assert [type(i) for i in items] == [TicketCreated, TicketMessage]


def test_generic_failures_name_their_line_and_do_not_stop_the_import() -> None:
    story = Ticket("G-1").created(0).customer(1).events
    bad = {**story[1], "author_type": "robot"}
    lines = reader("{oops", "", json.dumps(bad), b"\xff\xfe", json.dumps(story[0]))

    items = list(read_history(lines, fmt="generic"))

    failures = [i for i in items if isinstance(i, LineFailure)]
    assert [f.line for f in failures] == [1, 3, 4]
    assert failures[0].reason.startswith("not JSON")
    assert "'author_type' must be one of" in failures[1].reason
    assert isinstance(items[-1], TicketCreated)


def test_hostile_lines_are_failures_of_their_own_not_a_crash() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    huge = '{"events": [' + "9" * 5_000 + "]}"
    for fmt in ("generic", "zendesk"):
        failures = list(read_history(reader(deep, huge), fmt=fmt))

        assert all(isinstance(f, LineFailure) for f in failures), fmt
        assert [f.line for f in failures] == [1, 2], fmt
        assert "nesting deeper than 64" in failures[0].reason, fmt
        assert "more than" in failures[1].reason and "digits" in failures[1].reason, fmt


def test_zendesk_failures_carry_the_export_line() -> None:
    ticket = {"id": 7, "created_at": "2025-03-03T09:00:00Z", "requester_id": 1}
    lines = reader(json.dumps({"role": "end-user", "id": 1}), "[1, 2", json.dumps(ticket))

    items = list(read_history(lines, fmt="zendesk"))

    assert isinstance(items[0], LineFailure) and items[0].line == 2
    assert isinstance(items[1], TicketCreated) and items[1].ticket_id == "7"


def test_a_summary_keeps_the_first_failures_and_counts_all() -> None:
    summary = ImportSummary()
    for line in range(MAX_REPORTED + 5):
        summary.fail(LineFailure(line, "bad"))

    assert summary.failed == MAX_REPORTED + 5
    assert len(summary.failures) == MAX_REPORTED
