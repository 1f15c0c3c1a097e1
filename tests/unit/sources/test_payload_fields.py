"""The shared reader of vendor JSON: one rule per kind of value, errors naming the path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.sources.base import PayloadError
from infra.sources.payload_fields import Fields, digest, to_utc

WHEN = datetime(2025, 3, 3, 9, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        1740992405,
        1740992405.0,
        "2025-03-03T09:00:05Z",
        "2025-03-03T10:00:05+01:00",
        "2025-03-03 09:00:05 UTC",  # Ruby Time#to_s (Freshdesk, older Chatwoot)
        "Mon, 03 Mar 2025 09:00:05 +0000",  # RFC 2822
        "1740992405",  # unix seconds as digits (Intercom's SDK fixtures)
        " 1740992405 ",
    ],
)
def test_every_time_format_vendors_send_reads_as_the_same_instant(value: object) -> None:
    assert to_utc(value) == WHEN


@pytest.mark.parametrize(
    "value", ["2025-03-03T09:00:05", "yesterday", True, [1], "-1740992405", "1740992405x"]
)
def test_times_without_an_offset_or_not_times_are_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        to_utc(value)


def test_a_time_field_reads_digit_strings_as_unix_seconds() -> None:
    item = Fields.of({"created_at": "1740992405", "updated_at": 1740992405}, "X")
    assert item.time("created_at") == item.time("updated_at") == WHEN


def test_missing_and_malformed_fields_name_their_full_path() -> None:
    root = Fields.of({"data": {"item": {"id": 7, "parts": [{"at": "soon"}], "who": ""}}}, "X")
    item = root.child("data").child("item")

    assert item.text("id") == "7"
    assert item.opt_text("who") is None  # '' means absent
    with pytest.raises(PayloadError, match=r"'data\.item\.name' is missing"):
        item.text("name")
    with pytest.raises(PayloadError, match=r"'data\.item\.parts\[0\]\.at' is not a timestamp"):
        item.children("parts")[0].time("at")
    with pytest.raises(PayloadError, match="X payload must be a JSON object"):
        Fields.of([1], "X")


def test_digests_are_stable_and_tell_values_apart() -> None:
    assert digest("a", None, 1) == digest("a", None, 1)
    assert digest("a", None) == digest("a", "")  # None and '' are both empty, on purpose
    assert digest("ab", "c") != digest("a", "bc")
    assert len(digest("x")) == 24
