"""Minimum group size for survey results, so no individual answer can be read off.

A group (a team, or the whole tenant) with fewer than `min_group_size` distinct
respondents is *withheld*: the result says so and why, and carries no numbers.

Withholding small teams alone is not enough while the tenant total is shown: a small
team's answers would be the tenant's minus the other teams'. So when the hidden
respondents (small teams plus people in no team) are more than zero but fewer than the
minimum, the smallest visible teams are withheld too, until the hidden ones are enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_GROUP_SIZE_FLOOR = 3  # with 2, each respondent could deduce the other's answer


@dataclass(frozen=True, slots=True)
class Withheld:
    group: str | None  # team id; None = the whole tenant
    reason: str

    @staticmethod
    def too_few(group: str | None, min_group_size: int) -> Withheld:
        return Withheld(group, f"fewer than {min_group_size} respondents")

    @staticmethod
    def complementary(group: str) -> Withheld:
        return Withheld(
            group, "withheld so that a smaller group's answers cannot be derived by subtraction"
        )


def check_min_group_size(min_group_size: int) -> None:
    if isinstance(min_group_size, bool) or min_group_size < MIN_GROUP_SIZE_FLOOR:
        raise ValueError(
            f"min_group_size must be at least {MIN_GROUP_SIZE_FLOOR}, got {min_group_size!r}"
        )


def withheld_teams(
    counts: Mapping[str, int], *, total: int, min_group_size: int
) -> dict[str, Withheld]:
    """The teams to withhold for one measure, given distinct respondents per team.

    `total` is the tenant's respondents for the measure, including those in no team.
    """
    withheld = {
        team: Withheld.too_few(team, min_group_size)
        for team, count in counts.items()
        if count < min_group_size
    }
    visible = sorted((count, team) for team, count in counts.items() if team not in withheld)
    hidden = total - sum(count for count, _ in visible)
    while 0 < hidden < min_group_size and visible:
        count, team = visible.pop(0)
        withheld[team] = Withheld.complementary(team)
        hidden += count
    return withheld
