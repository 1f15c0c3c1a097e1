"""LocalDays (the bulk fold's day of each sample) gives `local_day`'s answer for any
instant: across DST changes, in zones of quarter-hour and half-hour offsets, and in the
days of local mean time, whose offsets are not whole quarter hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.periods import LocalDays, local_day

ZONES = ("Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "UTC")
# Around Berlin's 2026 changes (29 March, 25 October) and Amsterdam's +00:19:32 of 1930.
CHANGES = (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 10, 24, 12, tzinfo=UTC))
instants = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=300)
@given(zone=st.sampled_from(ZONES), ats=st.lists(instants, min_size=1, max_size=20))
def test_every_instant_falls_on_its_local_day(zone: str, ats: list[datetime]) -> None:
    days = LocalDays(zone)
    for at in ats + ats:  # the second time from what it remembered
        assert days.of(at) == local_day(at, zone)


@pytest.mark.parametrize("zone", [*ZONES, "Europe/Amsterdam"])
def test_each_minute_around_the_changes_falls_on_its_local_day(zone: str) -> None:
    days = LocalDays(zone)
    starts = [*CHANGES, datetime(1930, 6, 30, 22, tzinfo=UTC)]
    for start in starts:
        for minute in range(0, 36 * 60, 7):
            at = start + timedelta(minutes=minute, seconds=59, microseconds=999_999)
            assert days.of(at) == local_day(at, zone), at


def test_an_instant_in_another_zone_is_taken_as_the_same_instant() -> None:
    at = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # 00:30 on 30 March in Berlin
    in_tokyo = at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert LocalDays("Europe/Berlin").of(in_tokyo) == local_day(at, "Europe/Berlin")
