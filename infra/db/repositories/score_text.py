"""A re-score's score rows as text: each breakdown as the JSON `codec.breakdown_to_json`
writes (built column by column, tested equal), and as lines of COPY's text format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from domain.ports import ScoredGroup
from domain.scoring import ComponentStatus, Scored
from domain.scoring_columns import ComponentColumns

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
    (subject type, subject id, grain, period start: rescoring.read's), model, total,
    breakdown, then `tail`."""
    model = NULL if group.model_id is None else copy_text(group.model_id)
    head = f"{model}\t{group.model_version}\t"
    totals = [NULL if t is None else repr(t) for t in group.scored.total]
    keys: Iterator[tuple[str, str, str, date]] = (row.key for row in group.rows)  # type: ignore[misc]
    return "".join(
        [
            f"{tenant}\t{st}\t{copy_text(sid)}\t{gr}\t{ps}\t{head}{total}\t{copy_text(b)}{tail}"
            for (st, sid, gr, ps), total, b in zip(keys, totals, breakdowns(group), strict=True)
        ]
    )


def breakdowns(group: ScoredGroup) -> list[str]:
    """`breakdown_text` of every row of the group, built column by column (tested)."""
    scored = group.scored
    texts = [_component_texts(c) for c in scored.components]
    gates = [_GATES[f] if f in _GATES else _gates(f) for f in scored.failed]
    if not texts:
        return [
            f'{{"t": {_json(t)}, "u": {_json(u)}, "g": {g}, "c": []}}'
            for t, u, g in zip(scored.total, scored.uncapped, gates, strict=True)
        ]
    return [
        f'{{"t": {_json(t)}, "u": {_json(u)}, "g": {g}, "c": [{", ".join(parts)}]}}'
        for t, u, g, *parts in zip(scored.total, scored.uncapped, gates, *texts, strict=True)
    ]


def _component_texts(c: ComponentColumns) -> list[str]:
    """`breakdown_text`'s entry of one component, for every row."""
    values = ["null" if v is None else repr(v) for v in c.value]
    raws = [
        vt if r is v else ("null" if r is None else repr(r))
        for vt, v, r in zip(values, c.value, c.raw, strict=True)
    ]
    return [
        f"[{v}, {r}, {n}, null, null, null, {STATUS_CODE[st]}]"
        if a is None and p is None and q is None
        else f"[{v}, {r}, {n}, {_json(a)}, {_json(p)}, {_json(q)}, {STATUS_CODE[st]}]"
        for v, r, n, a, p, q, st in zip(
            values, raws, c.sample, c.attainment, c.points, c.contribution, c.status, strict=True
        )
    ]


_GATES: dict[tuple[str, ...], str] = {(): "[]"}


def _gates(failed: tuple[str, ...]) -> str:
    found = _GATES[failed] = json.dumps(list(failed))
    return found


def breakdown_text(scored: Scored) -> str:
    """codec.breakdown_to_json of the same breakdown, as JSON text, written directly:
    repr is how json.dumps writes numbers, and the value and raw value of a component
    are usually the same number, formatted once."""
    total, uncapped, failed, components = scored
    parts = []
    for value, raw, sample, reached, points, contribution, status in components:
        v = "null" if value is None else repr(value)
        r = v if raw is value else _json(raw)
        if reached is None and points is None and contribution is None:
            parts.append(f"[{v}, {r}, {sample}, null, null, null, {STATUS_CODE[status]}]")
            continue
        parts.append(
            f"[{v}, {r}, {sample}, {_json(reached)}, {_json(points)}, "
            f"{_json(contribution)}, {STATUS_CODE[status]}]"
        )
    gates = json.dumps(list(failed)) if failed else "[]"
    return (
        f'{{"t": {_json(total)}, "u": {_json(uncapped)}, "g": {gates}, "c": [{", ".join(parts)}]}}'
    )


def _json(x: float | int | None) -> str:
    return "null" if x is None else repr(x)
