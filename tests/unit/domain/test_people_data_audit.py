"""A people:write mutation's arguments as the audit log keeps them: the records it named (ids),
never what it said about a person (SPEC §7 data is HR data; the log is read with `admin`)."""

from __future__ import annotations

from domain.audit import PEOPLE_DATA, people_data_redacted


def test_ids_stay_and_everything_said_about_a_person_goes() -> None:
    arguments = {
        "id": "m1",
        "input": {
            "agent_id": "a1",
            "manager_id": "a2",
            "held_on": "2026-03-05",
            "notes": "struggling at home",
            "review_ids": ["r1", "r2"],
            "action_items": [{"id": "i1", "text": "see a counsellor", "done": False}],
            "progress": 0.4,
            "parent_id": None,
        },
    }

    kept = people_data_redacted(arguments)

    assert kept == {
        "id": "m1",
        "input": {
            "agent_id": "a1",
            "manager_id": "a2",
            "held_on": PEOPLE_DATA,
            "notes": PEOPLE_DATA,
            "review_ids": ["r1", "r2"],
            "action_items": [{"id": "i1", "text": PEOPLE_DATA, "done": PEOPLE_DATA}],
            "progress": PEOPLE_DATA,
            "parent_id": None,
        },
    }


def test_a_name_merely_ending_in_id_letters_is_not_an_id() -> None:
    assert people_data_redacted({"valid": "yes", "paid": 3, "ids": ["x"]}) == {
        "valid": PEOPLE_DATA,
        "paid": PEOPLE_DATA,
        "ids": ["x"],
    }
