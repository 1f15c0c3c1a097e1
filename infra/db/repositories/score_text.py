"""A re-score's score rows as text: each breakdown as the JSON `codec.breakdown_to_json`
writes (built column by column, tested equal), and as lines of COPY's text format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from domain.scoring import ComponentStatus, Scored
from domain.scoring_columns import ComponentColumns
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
    model = NULL if group.model_id is None else copy_text(group.model_id)
    head = f"{model}\t{group.model_version}\t"
    totals = [NULL if t is None else repr(t) for t in group.scored.total]
    keys: Iterator[tuple[str, str, str, date, None]] = (row.key for row in group.rows)  # type: ignore[misc]
    return "".join(
        [
            f"{tenant}\t{st}\t{copy_text(sid)}\t{gr}\t{ps}\t{head}{total}\t{copy_text(b)}{tail}"
            for (st, sid, gr, ps, _), total, b in zip(keys, totals, breakdowns(group), strict=True)
        ]
    )


def breakdowns(group: ScoredGroup) -> list[str]:
    """`breakdown_text` of every row of the group, built column by column (tested)."""
    scored = group.scored
    gates = [_GATES[f] if f in _GATES else _gates(f) for f in scored.failed]
    if not scored.components:
        return [f'{{"c": []{g}}}' for g in gates]
    texts = zip(*(_component_texts(c) for c in scored.components), strict=True)
    return [f'{{"c": [{", ".join(parts)}]{g}}}' for g, parts in zip(gates, texts, strict=True)]


def _component_texts(c: ComponentColumns) -> list[str]:
    """`breakdown_text`'s entry of one component, for every row: the value and raw value
    are usually the same number, formatted once."""
    values = ["null" if v is None else repr(v) for v in c.value]
    return [
        f"[{vt}, {vt if r is v else _json(r)}, {n}, {'null' if a is None else repr(a)}{_TAIL[st]}"
        for vt, v, r, n, a, st in zip(
            values, c.value, c.raw, c.sample, c.attainment, c.status, strict=True
        )
    ]


# what follows a failed gates' JSON list, by the gates; after a component's numbers, its status
_GATES: dict[tuple[str, ...], str] = {(): ""}
_TAIL = {status: f", {code}]" for status, code in STATUS_CODE.items()}


def _gates(failed: tuple[str, ...]) -> str:
    found = _GATES[failed] = f', "g": {json.dumps(list(failed))}'
    return found


def breakdown_text(scored: Scored) -> str:
    """codec.breakdown_to_json of the same breakdown, as JSON text, written directly
    (repr is how json.dumps writes numbers)."""
    _, _, failed, components = scored
    parts = [
        f"[{_json(value)}, {_json(raw)}, {sample}, {_json(reached)}{_TAIL[status]}"
        for value, raw, sample, reached, _, _, status in components
    ]
    gates = f', "g": {json.dumps(list(failed))}' if failed else ""
    return f'{{"c": [{", ".join(parts)}]{gates}}}'


def _json(x: float | int | None) -> str:
    return "null" if x is None else repr(x)
