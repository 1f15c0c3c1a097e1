"""The re-score's fast writer and reader speak the codec's formats: the same JSON as
breakdown_to_json, the same positions as metrics_to_json."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.casemix import Adjustment, Comparison, StratumRow
from domain.metrics import Basis, Level
from domain.model import KpiModel
from domain.periods import Grain, Period
from domain.scoring import as_scored, fields_for, score
from domain.scoring_columns import ColumnScorer, ScoredColumns, scored_rows
from domain.snapshots import ScoredGroup, ScoringRow
from domain.values import MetricSet, MetricValue, with_counts
from infra.db.codec import (
    breakdown_from_json,
    breakdown_to_json,
    metrics_from_json,
    metrics_to_json,
)
from infra.db.repositories.rescoring import (
    NULL,
    POSITION,
    breakdown_text,
    breakdowns,
    copy_lines,
    copy_text,
)
from infra.db.repositories.score_text import staged_lines
from tests.unit.domain.test_column_scoring import models, stored


def test_positions_are_where_metrics_to_json_puts_the_numbers() -> None:
    mix = Adjustment(Comparison.DIFFERENCE, 6.5, 7.5, 7, -1.0, (-2.0, 0.5))
    value = MetricValue("csat", Basis.CALENDAR, 0.5, 7, 1.5, 2.5, 3.5, positives=4, case_mix=mix)
    stored_row = metrics_to_json({("csat", Basis.CALENDAR): value})["csat|CALENDAR"]
    for name, position in POSITION.items():
        assert stored_row[position] == getattr(value, name)


@settings(max_examples=300, deadline=None)
@given(model=models, metrics=stored(), level=st.sampled_from(list(Level)))
def test_breakdown_text_is_breakdown_to_json(
    model: KpiModel, metrics: MetricSet, level: Level
) -> None:
    breakdown = score(model, with_counts(metrics, level=level))  # every status, gates too
    assert json.loads(breakdown_text(as_scored(breakdown))) == breakdown_to_json(breakdown)


@settings(max_examples=300, deadline=None)
@given(model=models, metrics=stored(), level=st.sampled_from(list(Level)))
def test_a_stored_breakdown_reads_back_as_scored(
    model: KpiModel, metrics: MetricSet, level: Level
) -> None:
    """Only the results are stored; points, contributions, totals come back the same."""
    breakdown = score(model, with_counts(metrics, level=level))
    stored_text = breakdown_text(as_scored(breakdown))
    assert breakdown_from_json(json.loads(stored_text), model) == breakdown
    # rows written before (every number stored) read as they did
    old = {
        "t": breakdown.total,
        "u": breakdown.uncapped_total,
        "g": list(breakdown.failed_gates),
        "c": [
            [s.value, s.raw_value, s.sample_size, s.attainment, s.points, s.contribution, code]
            for s, code in zip(breakdown.components, json.loads(stored_text)["c"], strict=True)
        ],
    }
    for component in old["c"]:
        component[-1] = component[-1][-1]  # the status code
    assert breakdown_from_json(json.loads(json.dumps(old)), model) == breakdown


@settings(max_examples=200, deadline=None)
@given(model=models, snapshots=st.lists(stored(), max_size=5), level=st.sampled_from(list(Level)))
def test_copy_lines_write_breakdown_text_row_by_row(
    model: KpiModel, snapshots: list[MetricSet], level: Level
) -> None:
    fields = fields_for([model])
    numbers = [[getattr(m.get((k, b)), name, None) for k, b, name in fields] for m in snapshots]
    scored = ColumnScorer(model, level, fields)(numbers)
    day = date(2026, 1, 1)
    rows = [
        ScoringRow(
            level, f"s{i}", Period(Grain.DAY, day), n, (level.value, f"s{i}", "DAY", day, None)
        )
        for i, n in enumerate(numbers)
    ]
    group = ScoredGroup(rows, "m1", 3, scored)
    lines = copy_lines(group, "\tnow\n", "t1")
    expected = "".join(
        f"t1\t{level.value}\ts{i}\tDAY\t2026-01-01\tm1\t3\t{NULL if s[0] is None else repr(s[0])}\t"
        f"{copy_text(breakdown_text(s))}\tnow\n"
        for i, s in enumerate(scored_rows(scored))
    )
    assert lines == expected
    # the update path's JSON texts (rescoring_pg), unescaped, and its staged rows
    assert breakdowns(group) == [breakdown_text(s) for s in scored_rows(scored)]
    # as rescoring_pg stages them: the score's ctid (none here) first, no tenant, no tail
    staged = [f"{NULL}{line[2:-5]}\n" for line in lines.splitlines(keepends=True)]
    assert staged_lines(group) == "".join(staged)


def test_staged_lines_escape_a_backslash_in_a_breakdown_and_an_id() -> None:
    """A breakdown's JSON escapes a tab or newline itself; a backslash is COPY's to escape."""
    scored = ScoredColumns([None], [None], [("a\\b\tc",)], ())
    day = date(2026, 1, 1)
    row = ScoringRow(
        Level.AGENT, "s\\1", Period(Grain.DAY, day), (), ("AGENT", "s\\1", "DAY", day, "(0,1)")
    )
    text = '{"c":[],"g":["a\\\\b\\tc"]}'
    assert json.loads(text) == {"c": [], "g": ["a\\b\tc"]}
    expected = f"(0,1)\tAGENT\ts\\\\1\tDAY\t2026-01-01\t{NULL}\t1\t{NULL}\t{copy_text(text)}\n"
    assert staged_lines(ScoredGroup([row], None, 1, scored)) == expected


def testcopy_text_escapes_only_what_copy_reads_specially() -> None:
    assert copy_text("4f2a9c") == "4f2a9c"
    assert copy_text('{"g": ["a\\"b"]}') == '{"g": ["a\\\\"b"]}'
    assert copy_text("a\tb\nc\rd") == "a\\tb\\nc\\rd"


def test_case_mix_survives_the_codec() -> None:
    mix = Adjustment(
        Comparison.RATIO, 30.0, 20.0, 3, 1.5, (0.9, 2.1), (StratumRow("chat/*", 30.0, 20.0, 3),)
    )
    value = MetricValue("reply_time", Basis.BUSINESS, 25.0, 3, 30.0, 25.0, 40.0, case_mix=mix)
    stored_value = metrics_to_json({("reply_time", Basis.BUSINESS): value})
    assert metrics_from_json(json.loads(json.dumps(stored_value))) == {
        ("reply_time", Basis.BUSINESS): value
    }
