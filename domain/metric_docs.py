"""docs/metrics.md, rendered from the metric dictionary: a pure function from definitions to
Markdown, so the page cannot say anything the API's `metrics` field does not.

`fairscore docs metrics` writes it; a unit test fails when the file is stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.guardrails import GUARDRAILS, Guardrail
from domain.metric_terms import DIRECTIONS, KINDS, TERMS, UNITS, Term
from domain.metrics import DEFINITIONS, Basis, Kind, MetricDef, Statistic

COMMAND = "fairscore docs metrics"

INTRO = f"""\
# Metric definitions

<!-- Generated from domain/metrics/, domain/metric_terms.py and domain/guardrails.py
     by `{COMMAND}`: edit those, not this file. -->

Every metric Fairscore computes, as the GraphQL `metrics` field publishes it (the metric
dictionary): what it measures, its unit, its default statistic, which event puts a value
in a period, and whom it is attributed to. The [terms](#terms) below (period, solve,
basis, null) apply to all of them. Guardrail signals, which never change a score, are
[at the end](#guardrail-signals).
"""


def render(
    *,
    definitions: Iterable[MetricDef] = DEFINITIONS,
    guardrails: Iterable[Guardrail] = GUARDRAILS,
    terms: Iterable[Term] = TERMS,
) -> str:
    definitions = tuple(definitions)
    parts = [
        INTRO,
        _summary(definitions),
        "## Definitions\n",
        *(_section(d) for d in definitions),
        _terms(terms),
        _guardrails(guardrails),
    ]
    return "\n".join(parts)


def _summary(definitions: tuple[MetricDef, ...]) -> str:
    rows = [
        "| metric | unit | better | levels | default statistic |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| [`{d.key}`](#{d.key}) {d.label} | {_unit(d)} | {_better(d)} | "
        f"{_levels(d)} | {_default(d)} |"
        for d in definitions
    ]
    return "\n".join(rows) + "\n"


def _section(d: MetricDef) -> str:
    facts = [
        ("unit", _unit(d)),
        ("kind", f"`{d.kind.value.lower()}` — {KINDS[d.kind]}"),
        ("better", _better(d)),
        ("levels", _levels(d)),
        ("statistics", ", ".join(f"`{s.value}`" for s in d.statistics())),
        ("default statistic", _default(d)),
        ("basis", " or ".join(f"`{b.value}`" for b in _bases(d))),
        ("in the period of", d.cohort),
        ("attributed to", _attribution(d)),
    ]
    lines = [f"### {d.key}\n", f"**{d.label}.** {d.description}\n"]
    lines += [f"- {name}: {value}" for name, value in facts]
    return "\n".join(lines) + "\n"


def _terms(terms: Iterable[Term]) -> str:
    lines = ["## Terms\n"]
    lines += [f"- **{t.name}.** {t.meaning}" for t in terms]
    return "\n".join(lines) + "\n"


def _guardrails(guardrails: Iterable[Guardrail]) -> str:
    lines = [
        "## Guardrail signals\n",
        "Counts per agent and period of patterns that suggest a metric is being gamed,",
        "published next to the metrics (`guardrails { key label count }`). They never change",
        "a score by themselves.\n",
        "| signal | label | what counts |",
        "|---|---|---|",
    ]
    lines += [f"| `{g.key}` | {g.label} | {g.description} |" for g in guardrails]
    return "\n".join(lines) + "\n"


def _unit(d: MetricDef) -> str:
    return "share, 0–1" if d.kind is Kind.RATE else UNITS[d.unit]


def _better(d: MetricDef) -> str:
    return DIRECTIONS[d.direction]


def _levels(d: MetricDef) -> str:
    return ", ".join(level.value.lower() for level in d.levels)


def _default(d: MetricDef) -> str:
    if d.default_statistic is Statistic.VALUE:
        return "`value`"
    return f"`{d.default_statistic.value}` (also as `value`)"


def _bases(d: MetricDef) -> tuple[Basis, ...]:
    # Only durations have a business-hours variant (SLA rates use the tenant's basis).
    return (Basis.CALENDAR, Basis.BUSINESS) if d.is_duration else (Basis.CALENDAR,)


def _attribution(d: MetricDef) -> str:
    return "no agent (team and tenant only)" if d.attribution == "—" else d.attribution
