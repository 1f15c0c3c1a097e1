"""Career tracks (SPEC §7): tracks with ordered levels and expectations, agents' current and
target levels with a kept history, and the people scopes around them."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.careers import CREATE_TRACK, LEVELS, CareerDesk, expect, level
from tests.support.quality import open_desk

LADDER = (
    level("Associate", expect("Answers tickets in the team's queues")),
    level(
        "Specialist",
        expect("Solves at least 20 tickets a month", metric={"metric": "tickets_solved",
               "threshold": 20, "direction": "HIGHER_IS_BETTER", "window": "MONTH"}),
        expect("Coaches newer colleagues"),
    ),
    level("Senior", expect("QA of 85", qaScore={"minScore": 85, "minReviews": 3})),
)  # fmt: skip


@pytest.fixture
def careers(container: Container, tenant: TenantProfile) -> CareerDesk:
    return CareerDesk(open_desk(container, tenant))


def test_a_track_keeps_its_levels_in_order_with_their_expectations(careers: CareerDesk) -> None:
    created = careers.track("Support engineering", *LADDER)

    assert [(lv["rank"], lv["name"]) for lv in created["levels"]] == [
        (1, "Associate"),
        (2, "Specialist"),
        (3, "Senior"),
    ]
    specialist = created["levels"][1]["expectations"]
    assert specialist[0]["evidence"] == {
        "__typename": "MetricEvidence",
        "metric": "tickets_solved",
        "statistic": "VALUE",
        "basis": "CALENDAR",
        "threshold": 20.0,
        "direction": "HIGHER_IS_BETTER",
        "window": "MONTH",
        "minSample": 1,
    }
    assert specialist[1] == {"description": "Coaches newer colleagues", "evidence": None}
    listed = careers.call("{ careerTracks { id name kind levels { name } } }")["list"]
    assert listed == [
        {
            "id": created["id"],
            "name": "Support engineering",
            "kind": "TECHNICAL",
            "levels": [{"name": "Associate"}, {"name": "Specialist"}, {"name": "Senior"}],
        }
    ]


@pytest.mark.parametrize(
    ("levels", "field"),
    [
        ((), "levels"),
        ((level("A"), level("a")), "levels[1].name"),
        ((level("A", expect("x", metric={"metric": "nope", "threshold": 1,
                                         "direction": "HIGHER_IS_BETTER"})),),
         "levels[0].expectations[0].evidence.metric.metric"),
        ((level("A", expect("x", metric={"metric": "csat", "threshold": 1,
                                         "direction": "NEUTRAL"})),),
         "levels[0].expectations[0].evidence.metric.direction"),
        ((level("A", expect("x", qaScore={"minScore": 101})),),
         "levels[0].expectations[0].evidence.qaScore.minScore"),
        ((level("A", expect("x", supportValue={"valueKey": "empathy", "minRating": 6})),),
         "levels[0].expectations[0].evidence.supportValue.minRating"),
        ((level("A", expect("x", goalsCompleted={"minCompleted": 0})),),
         "levels[0].expectations[0].evidence.goalsCompleted.minCompleted"),
        ((level("A", expect(" ")),), "levels[0].expectations[0].description"),
    ],
)  # fmt: skip
def test_a_track_that_does_not_hold_together_is_refused_naming_the_field(
    careers: CareerDesk, levels: tuple[dict[str, Any], ...], field: str
) -> None:
    given = {"name": "T", "kind": "OPERATIONAL", "levels": levels}
    answer = careers.call(CREATE_TRACK, input=given)
    assert answer["__typename"] == "ValidationError"
    assert answer["field"] == field, answer


def test_track_names_are_unique_in_a_tenant_whatever_their_case(careers: CareerDesk) -> None:
    careers.track("Operations", level("One"))
    again = careers.call(
        CREATE_TRACK, input={"name": "operations", "kind": "OPERATIONAL", "levels": [level("X")]}
    )
    assert again == {
        "__typename": "ValidationError",
        "message": "a career track named 'operations' exists already",
        "field": "name",
    }


def test_evidence_is_exactly_one_kind(careers: CareerDesk) -> None:
    both = expect("x", qaScore={"minScore": 1}, goalsCompleted={"minCompleted": 1})
    body = careers.desk.body(
        CREATE_TRACK,
        token=careers.token,
        input={"name": "T", "kind": "TECHNICAL", "levels": [level("A", both)]},
    )
    assert body["errors"] and "exactly one" in body["errors"][0]["message"].lower()


def test_level_changes_are_kept_with_who_and_when(careers: CareerDesk) -> None:
    track = careers.track("Support engineering", *LADDER)
    first = careers.place("ann", track, "Associate", target="Specialist", effectiveOn="2026-01-01")
    assert first["level"]["name"] == "Associate"
    assert first["targetLevel"]["name"] == "Specialist"
    promoted = careers.place(
        "ann", track, "Specialist", target="Senior", effectiveOn="2026-06-01", note="Promoted"
    )

    assert promoted["effectiveOn"] == "2026-06-01"
    history = promoted["history"]
    assert [(h["fromLevel"], h["toLevel"]["name"], h["effectiveOn"]) for h in history] == [
        ({"name": "Associate"}, "Specialist", "2026-06-01"),
        (None, "Associate", "2026-01-01"),
    ]
    assert history[0]["note"] == "Promoted"
    assert history[0]["changedBy"]  # the API client that made the change
    listed = careers.call(LEVELS, id=careers.desk.agents["ann"])["list"]
    assert listed == [{k: v for k, v in promoted.items() if k != "__typename"}]
    assert careers.call(LEVELS, id=careers.desk.agents["bob"])["list"] == []


def test_a_target_must_be_above_the_level_and_on_the_same_track(careers: CareerDesk) -> None:
    track = careers.track("Support engineering", *LADDER)
    other = careers.track("People leadership", level("Lead"), kind="PEOPLE_LEADERSHIP")

    below = careers.place("ann", track, "Specialist", target="Associate")
    assert below["__typename"] == "ValidationError"
    assert below["field"] == "targetLevelId"
    foreign = careers.place("ann", track, other["levels"][0]["id"])
    assert foreign["__typename"] == "NotFoundError"
    ghost = careers.place("ghost", track, "Associate")
    assert ghost == {"__typename": "NotFoundError", "message": "no agent 'ghost'"}
    assert careers.call(LEVELS, id=careers.desk.agents["ann"])["list"] == []


def test_a_merged_away_agent_keeps_their_levels(careers: CareerDesk) -> None:
    track = careers.track("Support engineering", *LADDER)
    careers.place("bob", track, "Specialist")
    desk = careers.desk
    merge = """mutation($s: ID!, $t: ID!) { mergeAgents(sourceAgentId: $s, targetAgentId: $t) {
      __typename } }"""
    assert desk.data(merge, s=desk.agents["bob"], t=desk.agents["ann"])["mergeAgents"] == {
        "__typename": "AgentMerge"
    }
    kept = careers.call(LEVELS, id=desk.agents["bob"])["list"]
    assert [k["level"]["name"] for k in kept] == ["Specialist"]
