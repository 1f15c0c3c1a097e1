"""docs/metrics.md is the metric dictionary rendered: complete, and never stale."""

from __future__ import annotations

import re
from pathlib import Path

from domain import metric_docs
from domain.guardrails import GUARDRAILS
from domain.metric_terms import TERMS
from domain.metrics import DEFINITIONS, MetricDef

PAGE = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"


def _section(page: str, key: str) -> str:
    match = re.search(rf"^### {key}\n(.*?)(?=^##)", page, re.S | re.M)
    assert match, f"no section for {key}"
    return match.group(1)


def test_the_committed_page_is_the_rendered_dictionary() -> None:
    assert PAGE.read_text(encoding="utf-8") == metric_docs.render(), (
        "docs/metrics.md is stale: run `.venv/bin/fairscore docs metrics` "
        "from the repository root and commit the result"
    )


def test_every_metric_has_its_definition_unit_statistic_cohort_and_attribution() -> None:
    page = metric_docs.render()
    for d in DEFINITIONS:
        section = _section(page, d.key)
        assert d.description in section
        assert f"- default statistic: `{d.default_statistic.value}`" in section
        for fact in ("unit", "kind", "better", "levels", "statistics", "basis"):
            assert f"- {fact}: " in section, (d.key, fact)
        assert f"- in the period of: {d.cohort}" in section
        assert "- attributed to: " in section


def test_durations_have_a_business_basis_and_other_metrics_do_not() -> None:
    page = metric_docs.render()
    for d in DEFINITIONS:
        business = "`BUSINESS`" in _section(page, d.key)
        assert business is d.is_duration, d.key


def test_terms_and_guardrails_are_on_the_page() -> None:
    page = metric_docs.render()
    for term in TERMS:
        assert f"**{term.name}.** {term.meaning}" in page
    for g in GUARDRAILS:
        assert f"| `{g.key}` | {g.label} | {g.description} |" in page


def test_the_page_follows_the_definitions_it_is_given() -> None:
    only = MetricDef(
        "made_up",
        "Made up",
        "tickets",
        DEFINITIONS[0].kind,
        DEFINITIONS[0].direction,
        DEFINITIONS[0].levels,
        "creation time",
        "—",
        "A metric that exists only in this test.",
    )
    page = metric_docs.render(definitions=[only])
    assert "### made_up" in page
    assert "### tickets_created" not in page
    assert "- attributed to: no agent (team and tenant only)" in page
