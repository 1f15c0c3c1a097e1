"""Tenant settings → the policy that shapes samples (business hours, SLA targets)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.ports import TenantProfile
from domain.samples import SamplePolicy, SlaTargets


def sample_policy(tenant: TenantProfile) -> SamplePolicy:
    return SamplePolicy(business_clock=None, sla=sla_targets(tenant.settings))


def sla_targets(settings: Mapping[str, object]) -> SlaTargets | None:
    raw = settings.get("sla")
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


def has_business_hours(tenant: TenantProfile) -> bool:
    return False
