"""The handout's look: paragraph styles, tables, and text from people (names, feedback)
made safe for ReportLab's paragraph markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from api.review_pdf import fonts

INK = colors.HexColor("#1a202c")
MUTED = colors.HexColor("#4a5568")
ACCENT = colors.HexColor("#2b6cb0")
RULE = colors.HexColor("#cbd5e0")
HEAD = colors.HexColor("#edf2f7")
ZEBRA = colors.HexColor("#f7fafc")
WARN_INK = colors.HexColor("#7b341e")
WARN_BACK = colors.HexColor("#fffaf0")
WARN_RULE = colors.HexColor("#dd6b20")

KEEP_WITH_HEADING = 30 * mm

fonts.register()
BODY = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=12, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5, textColor=MUTED)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
TITLE = ParagraphStyle(
    "title", parent=BODY, fontName=fonts.BOLD, fontSize=17, leading=21, spaceAfter=2
)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontSize=10, leading=13, textColor=MUTED)
HEADING = ParagraphStyle(
    "heading",
    parent=BODY,
    fontName=fonts.BOLD,
    fontSize=11.5,
    leading=14,
    textColor=ACCENT,
    spaceBefore=9,
    spaceAfter=4,
)
SUBHEADING = ParagraphStyle("sub", parent=HEADING, fontSize=9.5, textColor=INK, spaceBefore=4)
BIG = ParagraphStyle("big", parent=BODY, fontName=fonts.BOLD, fontSize=28, leading=32)
QUOTE = ParagraphStyle("quote", parent=BODY, leftIndent=6, textColor=INK)
WARNING = ParagraphStyle("warning", parent=BODY, textColor=WARN_INK)


def heading(title: str, style: ParagraphStyle = HEADING) -> list[Flowable]:
    """A heading that starts a new page rather than stand alone at the foot of one (with at
    least a few lines of what follows it), without moving a long table whole."""
    return [CondPageBreak(KEEP_WITH_HEADING), para(title, style)]


def text(value: str) -> str:
    """Text from a person, as paragraph markup: escaped, its line breaks kept."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


def para(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped)."""
    return Paragraph(text(value), style)


def marked(markup: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of markup the handout writes itself (its variable parts escaped)."""
    return Paragraph(markup, style)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths: Sequence[float],
    *,
    numeric_from: int = 1,
) -> Table:
    """A table with a header row and zebra rows; columns from `numeric_from` on are figures,
    right-aligned. Text cells wrap (they are paragraphs)."""
    cells = [
        [_cell(c, i >= numeric_from, bold=True) for i, c in enumerate(header)],
        *([_cell(c, i >= numeric_from) for i, c in enumerate(row)] for row in rows),
    ]
    found = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(cells), 2)]
    found.setStyle(TableStyle(style))
    return found


def _cell(value: str | Flowable, numeric: bool, *, bold: bool = False) -> Flowable:
    if not isinstance(value, str):
        return value
    style = CELL_RIGHT if numeric else CELL
    markup = f"<b>{text(value)}</b>" if bold else text(value)
    return Paragraph(markup, style)
