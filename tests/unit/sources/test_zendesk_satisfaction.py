"""Zendesk satisfaction: the trigger template Fairscore publishes, rendered and decoded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.sources.base import InboundRequest, PayloadError
from infra.sources.zendesk import ZendeskAdapter
from infra.sources.zendesk_mapping import SATISFACTION_TEMPLATE
from tests.unit.sources import zendesk_builders as zd
from tests.unit.sources.helpdesk_support import canonical

NOW = datetime(2025, 1, 9, 9, 31, tzinfo=UTC)
adapter = ZendeskAdapter()


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), payload)
    assert decoded.ignored is None
    return canonical(decoded)


def render(rating: str, comment: str = "", updated_at: str = "2025-01-09T09:30Z") -> dict[str, Any]:
    return zd.satisfaction(rating, comment_text=comment, updated_at=updated_at)


def test_the_template_uses_only_documented_placeholders() -> None:
    rendered = json.dumps(render("Good, I'm satisfied"))
    assert "{{" not in rendered and "}}" not in rendered
    placeholders = SATISFACTION_TEMPLATE.count("{{")
    assert placeholders == 8  # ticket id, rating, comment, assignee ×3, group, updated_at


def test_good_rating_with_comment() -> None:
    events = decode(render("Good, I'm satisfied", comment="Quick and kind"))
    assert events[0] == {
        "type": "ticket.rated",
        "id": "ticket:7001:csat:good:2025-01-09T09:30Z",
        "occurred_at": "2025-01-09T09:30:00Z",
        "ticket_id": "7001",
        "kind": "csat",
        "score": 1.0,
        "scale_max": 1.0,
        "comment": "Quick and kind",
    }
    assert events[1]["type"] == "agent.upserted"
    assert events[1]["email"] == "person2@example.com"


@pytest.mark.parametrize(
    ("rating", "score", "scale"),
    [("Bad, I'm unsatisfied", 0, 1), ("bad", 0, 1), ("good", 1, 1), ("4", 4, 5), ("1", 1, 5)],
)
def test_rating_values(rating: str, score: float, scale: float) -> None:
    rated = decode(render(rating))[0]
    assert (rated["score"], rated["scale_max"]) == (score, scale)
    assert rated["comment"] is None


def test_an_offered_survey_is_not_a_rating() -> None:
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), render("Offered"))
    assert decoded.events == []
    assert decoded.ignored is not None and "offered" in decoded.ignored


def test_an_unknown_rating_text_is_refused_naming_the_field() -> None:
    with pytest.raises(PayloadError, match="'rating'"):
        decode(render("meh"))


def test_a_changed_rating_is_a_new_fact() -> None:
    first = decode(render("good", updated_at="2025-01-09T09:30Z"))[0]
    second = decode(render("bad", updated_at="2025-01-09T09:41Z"))[0]
    assert first["id"] != second["id"]


def test_quoted_or_html_escaped_rating_text() -> None:
    assert decode(render("&quot;Good, I&#39;m satisfied&quot;"))[0]["score"] == 1.0


@pytest.mark.parametrize("field", ["ticket_id", "rating", "updated_at"])
def test_missing_template_fields_are_named(field: str) -> None:
    payload = render("good")
    del payload[field]
    with pytest.raises(PayloadError, match=f"'{field}' is missing"):
        decode(payload)


def test_an_empty_placeholder_counts_as_missing() -> None:
    with pytest.raises(PayloadError, match="'updated_at' is missing"):
        decode(render("good", updated_at=""))
