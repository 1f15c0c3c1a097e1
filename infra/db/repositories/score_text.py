"""A re-score's score rows as text: each breakdown as the JSON `codec.breakdown_to_json`
writes (built column by column, tested equal), and as lines of COPY's text format."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import orjson

from domain.scoring import ComponentStatus, Scored
from domain.snapshots import ScoredGroup

# breakdown_to_json's status codes
STATUS_CODE = {status: code for code, status in enumerate(ComponentStatus)}
NULL = "\\N"  # COPY's text null (an id is never this)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(text: str) -> str:
    """COPY's text format escapes backslashes and separators (rare here: ids, JSON)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def copy_lines(group: ScoredGroup, tail: str, tenant: str) -> str:
    """COPY text of a group's score rows: `tenant` (COPY text already), the row's key
    (subject type, subject id, grain, period start; no score's ctid: rescoring.read's),
    model, total, breakdown, then `tail`."""
    return _lines(group, itertools.repeat(tenant, len(group.rows)), tail)


def staged_lines(group: ScoredGroup) -> str:
    """COPY text of a group's score rows as rescoring_pg stages them: where the score is
    (the key's ctid, or null), the rest of the key, model, total, breakdown."""
    keys: Iterator[tuple[str, str, str, date, str | None]] = (row.key for row in group.rows)  # type: ignore[misc]
    return _lines(group, (NULL if key[4] is None else key[4] for key in keys), "\n")


def _lines(group: ScoredGroup, leads: Iterable[str], tail: str) -> str:
    model = NULL if group.model_id is None else copy_text(group.model_id)
    head = f"{model}\t{group.model_version}\t"
    totals = [NULL if t is None else repr(t) for t in group.scored.total]
    keys: Iterator[tuple[str, str, str, date, None]] = (row.key for row in group.rows)  # type: ignore[misc]
    # a group names few subjects, each escaped once; orjson writes a tab, newline or
    # carriage return inside a string as an escape, so a breakdown can hold a backslash only
    ids, texts = _Escaped(), breakdowns(group)
    if "\\" in "".join(texts):  # one scan of the group's text (rarely true: a gate's label)
        texts = [copy_text(b) for b in texts]
    return "".join(
        [
            f"{lead}\t{st}\t{ids[sid]}\t{gr}\t{ps}\t{head}{total}\t{b}{tail}"
            for lead, (st, sid, gr, ps, _), total, b in zip(leads, keys, totals, texts, strict=True)
        ]
    )


class _Escaped(dict[str, str]):
    def __missing__(self, text: str) -> str:
        found = self[text] = copy_text(text)
        return found


def breakdowns(group: ScoredGroup) -> list[str]:
    """`breakdown_text` of every row of the group, built column by column (tested)."""
    scored = group.scored
    codes = STATUS_CODE
    entries = [
        zip(c.value, c.raw, c.sample, c.attainment, [codes[s] for s in c.status], strict=True)
        for c in scored.components
    ]
    if not entries:
        return [_dumps((), failed) for failed in scored.failed]
    rows = zip(*entries, strict=True)
    return [_dumps(parts, failed) for parts, failed in zip(rows, scored.failed, strict=True)]


def breakdown_text(scored: Scored) -> str:
    """codec.breakdown_to_json of the same breakdown, as JSON text."""
    _, _, failed, components = scored
    parts = [
        (value, raw, sample, reached, STATUS_CODE[status])
        for value, raw, sample, reached, _, _, status in components
    ]
    return _dumps(parts, failed)


def _dumps(parts: Sequence[tuple[Any, ...]], failed: tuple[str, ...]) -> str:
    # orjson: ~5x json.dumps or f-strings of repr (2.1 s of a whole history's re-score,
    # py-spy); its floats are shortest round-trip as repr's, so the same numbers come back.
    # (It would write NaN or infinity as null, where json.dumps wrote what PostgreSQL's json
    # refuses; scoring gives neither: attainment is clipped, a division by 0 raises.)
    return orjson.dumps({"c": parts, "g": failed} if failed else {"c": parts}).decode()
