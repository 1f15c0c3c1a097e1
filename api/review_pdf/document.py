"""The handout as a PDF: who and when on top, the total and its trend, the evidence sections
each followed by the reviewer's feedback on it, then the overall rating and the agent's
self-assessment. Pure CPU work over a `Handout`: the endpoint runs it in a worker thread."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from api.review_pdf import figures, fonts, sections
from api.review_pdf.chart import trend_chart
from api.review_pdf.handout import Handout, late_changes
from api.review_pdf.styles import (
    BIG,
    BODY,
    HEADING,
    MUTED,
    QUOTE,
    RULE,
    SMALL,
    SUBTITLE,
    TITLE,
    WARN_BACK,
    WARN_RULE,
    WARNING,
    heading,
    marked,
    para,
    table,
    text,
)
from domain.performance_reviews.reviews import Actor, PerformanceReview, ReviewStatus, Section

MARGIN = 16 * mm
LABEL = 22 * mm  # the facts' label column
WIDTH = A4[0] - 2 * MARGIN


def render(handout: Handout) -> bytes:
    """The review's PDF (A4)."""
    out = io.BytesIO()
    review = handout.review
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Performance review: {handout.agent}",
        author="Fairscore",
        subject=figures.review_period_label(review.period),
        invariant=True,  # no timestamp or random id: the same review renders the same bytes
    )
    footer = f"Fairscore · performance review {review.id}"
    doc.build(story(handout), onFirstPage=_footer(footer), onLaterPages=_footer(footer))
    return out.getvalue()


def story(handout: Handout) -> list[Flowable]:
    evidence = handout.review.evidence
    parts: list[tuple[str, Section, list[Flowable]]] = [
        ("Score and its explanation", Section.SCORE, sections.score(evidence.periods)),
        ("Metrics beside the team median", Section.METRICS, sections.metrics(evidence.periods)),
        ("Quality", Section.QUALITY, sections.quality(evidence.periods)),
        ("Support values", Section.VALUES, sections.values(evidence.values)),
        ("Guardrail signals", Section.GUARDRAILS, sections.guardrails(evidence.periods)),
    ]
    if evidence.goals:
        parts.append(("Goal progress", Section.GOALS, sections.goals(evidence.goals)))
    feedback = dict(handout.review.feedback)
    flow = [*_header(handout), *_late(handout), *_headline(handout, feedback.get(Section.TREND))]
    for title, section, body in parts:
        flow += [*heading(title), *body, *_feedback(feedback.get(section))]
    return flow + _summary(handout, feedback.get(Section.SUMMARY))


def _header(h: Handout) -> list[Flowable]:
    review = h.review
    kind = review.period.cadence.value.lower()
    cycle = f"{h.cycle} · " if h.cycle else ""
    facts = [
        ("Agent", h.agent),
        ("Team", h.team or "–"),
        ("Period", figures.review_period_label(review.period)),
        ("Reviewer", h.reviewer or "–"),
        ("Frozen on", figures.moment(review.created_at, h.timezone)),
        ("Rating", review.overall_rating or "not rated yet"),
    ]
    return [
        para(f"Performance review: {h.agent}", TITLE),
        para(f"{cycle}{kind} review", SUBTITLE),
        Spacer(0, 3 * mm),
        _facts(facts, _state(review, h.timezone)),
    ]


def _state(review: PerformanceReview, timezone: str) -> str:
    """The review's state as markup: the state, then who took each step and when."""
    steps = [f"<b>{review.status.value}</b>"]
    for step, actor in (("shared", review.shared), ("acknowledged", review.acknowledged)):
        if actor:
            steps.append(f"{step} by {_who(actor)} on {figures.moment(actor.at, timezone)}")
    if review.status is ReviewStatus.DRAFT:
        steps.append("not shared yet: the reviewer may still change it")
    return " · ".join(steps)


def _who(actor: Actor) -> str:
    return text(actor.name) if actor.name else f"API client {text(actor.client_id)}"


def _facts(facts: list[tuple[str, str]], state: str) -> Table:
    """Label/value pairs, two per line, then the state across the whole width."""
    cells = [[marked(f"<b>{text(k)}</b>", SMALL), para(v)] for k, v in facts]
    rows: list[list[Flowable | str]] = [
        [*cells[i], *cells[i + 1]] for i in range(0, len(cells) - 1, 2)
    ]
    rows.append([marked("<b>State</b>", SMALL), marked(state), "", ""])
    found = Table(rows, colWidths=[LABEL, WIDTH / 2 - LABEL] * 2, hAlign="LEFT")
    found.setStyle(
        TableStyle(
            [
                ("SPAN", (1, -1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return found


def _headline(h: Handout, words: str | None) -> list[Flowable]:
    """The total as frozen, the model that scored it, and the trend chart beside it."""
    evidence = h.review.evidence
    scored = next((p.score for p in evidence.periods if p.score), None)
    model = f"model {text(scored.model_name)} v{scored.model_version}" if scored else "no KPI model"
    kind = "mean of the quarters' totals, " if len(evidence.periods) > 1 else ""
    total = [
        marked("<font size=8 color='#4a5568'>TOTAL SCORE</font>", BODY),
        marked(f"<b>{figures.number(evidence.total)}</b>", BIG),
        Spacer(0, 4 * mm),
        marked(f"<font size=8 color='#4a5568'>100 = every target met ({kind}{model})</font>", BODY),
    ]
    chart = trend_chart(evidence.trend, WIDTH - 52 * mm, 46 * mm)
    box = Table([[total, chart]], colWidths=[52 * mm, WIDTH - 52 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    title = para("Total score and trend over the previous periods", HEADING)
    return [KeepTogether([title, box]), *_feedback(words)]


def _late(h: Handout) -> list[Flowable]:
    """A notice when late events moved figures: the handout shows the frozen ones."""
    changes = late_changes(h)
    if not changes:
        return []
    note = (
        "<b>Late events changed figures after this review was frozen.</b> This handout shows "
        "the figures as frozen; the current values are:"
    )
    rows = [[c.what, c.frozen, c.current] for c in changes]
    found = table(["Figure", "Frozen (shown)", "Current"], rows, [80, 44, 44])
    box = Table([[[marked(note, WARNING), Spacer(0, 2 * mm), found]]], colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), WARN_BACK),
                ("BOX", (0, 0), (-1, -1), 0.8, WARN_RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [Spacer(0, 4 * mm), box]


def _feedback(words: str | None) -> list[Flowable]:
    if not words:
        return []
    return [Spacer(0, 2 * mm), KeepTogether(_quoted("Reviewer's feedback", words))]


def _quoted(label: str, words: str) -> list[Flowable]:
    """Words of a person, under a label, with a rule on their left."""
    found = Table([[Paragraph(text(words), QUOTE)]], colWidths=[WIDTH - 4 * mm], splitInRow=1)
    found.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 2, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [marked(f"<i>{text(label)}</i>", SMALL), found]


def _summary(h: Handout, words: str | None) -> list[Flowable]:
    review = h.review
    flow: list[Flowable] = heading("Summary")
    if words:
        flow += _quoted("Reviewer's summary", words)
    rating = review.overall_rating or "not rated yet"
    scale = f" (scale: {', '.join(h.rating_scale)})" if h.rating_scale else ""
    flow += [Spacer(0, 2 * mm), marked(f"<b>Overall rating:</b> {text(rating)}{text(scale)}")]
    flow += heading("Self-assessment")
    if review.self_assessment:
        flow += _quoted(f"{h.agent}'s own words", review.self_assessment)
    else:
        flow += [para("The agent has not written a self-assessment.", SMALL)]
    return flow


def _footer(words: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, words)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2 * mm, f"page {doc.page}")
        canvas.restoreState()

    return draw
