"""Tenant settings → the policy that shapes samples: business hours and SLA targets.

Settings JSON (the tenant's `settings` column):
- `business_hours`: a BusinessCalendar JSON (see domain.business_hours) for the tenant;
- `team_business_hours`: {team id: calendar JSON} for teams with their own hours;
- `sla`: {"first_response": {channel: seconds}, "resolution": {...}, "basis": CALENDAR|BUSINESS},
  where the channel "*" is the default target;
- `case_mix`: {"min_stratum": n, "min_sample": n, "reference": TENANT|TEAM, "enabled":
  bool} (SPEC §8, domain.casemix; every key optional).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache

from domain.business_hours import BusinessCalendar
from domain.casemix import CaseMixPolicy
from domain.ports import TenantProfile
from domain.samples import BusinessClock, SamplePolicy, SlaTargets

BUSINESS_HOURS = "business_hours"
TEAM_BUSINESS_HOURS = "team_business_hours"
SLA = "sla"
CASE_MIX = "case_mix"


def sample_policy(tenant: TenantProfile, *, teams: Mapping[str, str] | None = None) -> SamplePolicy:
    """The policy for folding this tenant's tickets; `teams` maps external team keys of the
    tickets at hand to internal ids (to find a team's own business hours)."""
    tenant_clock = _clock(tenant.settings.get(BUSINESS_HOURS))
    team_hours = tenant.settings.get(TEAM_BUSINESS_HOURS)
    by_key: dict[str, BusinessClock] = {}
    if isinstance(team_hours, Mapping) and teams:
        for key, team_id in teams.items():
            clock = _clock(team_hours.get(team_id))
            if clock is not None:
                by_key[key] = clock
    return SamplePolicy(
        business_clock=tenant_clock, team_clocks=by_key, sla=sla_targets(tenant.settings)
    )


def has_business_hours(tenant: TenantProfile) -> bool:
    return bool(tenant.settings.get(BUSINESS_HOURS) or tenant.settings.get(TEAM_BUSINESS_HOURS))


def case_mix_policy(tenant: TenantProfile) -> CaseMixPolicy:
    return case_mix_of(tenant.settings)


def case_mix_of(settings: Mapping[str, object]) -> CaseMixPolicy:
    """The tenant's case-mix settings; the defaults where absent or unusable."""
    raw = settings.get(CASE_MIX)
    default = CaseMixPolicy()
    if not isinstance(raw, Mapping):
        return default
    try:
        return CaseMixPolicy(
            min_stratum=int(raw.get("min_stratum", default.min_stratum)),
            min_sample=int(raw.get("min_sample", default.min_sample)),
            by_team=raw.get("reference") == "TEAM",
            enabled=raw.get("enabled", True) is not False,
        )
    except (TypeError, ValueError):
        return default


def case_mix_json(policy: CaseMixPolicy) -> dict[str, object]:
    return {
        "min_stratum": policy.min_stratum,
        "min_sample": policy.min_sample,
        "reference": "TEAM" if policy.by_team else "TENANT",
        "enabled": policy.enabled,
    }


def calendar(raw: object) -> BusinessCalendar | None:
    if not raw:
        return None
    return _calendar(json.dumps(raw, sort_keys=True))


def _clock(raw: object) -> BusinessClock | None:
    found = calendar(raw)
    return found.business_seconds if found is not None else None


@lru_cache(maxsize=256)
def _calendar(serialised: str) -> BusinessCalendar:
    # Calendars cache their days internally: keep one per distinct schedule.
    return BusinessCalendar.from_json(json.loads(serialised))


def sla_targets(settings: Mapping[str, object]) -> SlaTargets | None:
    raw = settings.get(SLA)
    if not isinstance(raw, Mapping):
        return None
    return SlaTargets(
        first_response=_seconds_table(raw.get("first_response")),
        resolution=_seconds_table(raw.get("resolution")),
        business_basis=raw.get("basis") == "BUSINESS",
    )


def _seconds_table(raw: object) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(channel): float(seconds) for channel, seconds in raw.items()}
