"""The trend chart: the total score of the review's period and the periods before it, drawn
as vector graphics with reportlab.graphics (labels stay text in the PDF)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import Marker, makeMarker
from reportlab.lib import colors

from api.review_pdf import figures, fonts
from domain.performance_reviews.evidence import TrendPoint

LINE = colors.HexColor("#2b6cb0")
GRID = colors.HexColor("#e2e8f0")
MARK = colors.HexColor("#1a365d")
TARGETS_MET = 100  # the total when every component meets its target (a cap lets it pass)


def trend_chart(points: Sequence[TrendPoint], width: float, height: float) -> Drawing:
    """A line of the totals, oldest first, the review's own period (the last) marked; an
    unscored period is a gap in the line, not a zero."""
    drawing = Drawing(width, height)
    if not points:
        return _noted(drawing, "no trend")
    chart = HorizontalLineChart()
    chart.x, chart.y = 34, 22
    chart.width, chart.height = round(width) - 50, round(height) - 34
    totals = [p.total for p in points]
    rows = [*_runs(totals), _only_last(totals)]
    chart.data = rows  # None: no point there
    chart.joinedLines = 1
    # The chart skips a row's None values and numbers its labels over the points it draws.
    chart.lineLabelFormat = "values"
    labels = [[f"{v:.1f}" for v in row if v is not None] for row in rows[:-1]]
    chart.lineLabelArray = [*labels, [""]]  # the last point is labelled in its run
    chart.lineLabels.fontName = fonts.REGULAR
    chart.lineLabels.fontSize = 7
    chart.lineLabels.dy = 5
    for i in range(len(rows)):
        chart.lines[i].strokeColor = LINE
        chart.lines[i].strokeWidth = 1.8
        chart.lines[i].symbol = _dot(4.5, LINE)
    last = len(rows) - 1
    chart.lines[last].symbol = _dot(8, MARK)
    _axes(chart, [figures.period_label(p.period) for p in points], _top(totals))
    drawing.add(chart)
    if all(t is None for t in totals):
        return _noted(drawing, "no scored period yet")
    return drawing


def _noted(drawing: Drawing, words: str) -> Drawing:
    note = String(drawing.width / 2, drawing.height / 2, words, textAnchor="middle")
    note.fontName, note.fontSize, note.fillColor = fonts.ITALIC, 9, colors.grey
    drawing.add(note)
    return drawing


def _dot(size: float, color: colors.Color) -> Marker:
    return makeMarker("FilledCircle", size=size, fillColor=color)  # type: ignore[no-untyped-call,no-any-return]


def _runs(totals: list[float | None]) -> list[list[float | None]]:
    """One row per run of consecutive scored periods (None elsewhere), so no line bridges
    a period without a score."""
    rows: list[list[float | None]] = []
    for i, total in enumerate(totals):
        if total is None:
            continue
        if i == 0 or totals[i - 1] is None:
            rows.append([None] * len(totals))
        rows[-1][i] = total
    return rows


def _only_last(totals: list[float | None]) -> list[float | None]:
    """The review's own period alone, drawn over its run with a larger marker."""
    return [*([None] * (len(totals) - 1)), totals[-1]] if totals else []


def _top(totals: list[float | None]) -> int:
    """The value axis' top: 100, or the next multiple of 25 above a total past it."""
    highest = max((t for t in totals if t is not None), default=0.0)
    return max(TARGETS_MET, 25 * math.ceil(highest / 25))


def _axes(chart: HorizontalLineChart, labels: list[str], top: int) -> None:
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = colors.grey
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, max(25, 25 * round(top / 100))
    axis.labels.fontName = fonts.REGULAR
    axis.labels.fontSize = 7
    axis.strokeColor = colors.grey
    axis.visibleGrid = 1
    axis.gridStrokeColor = GRID
