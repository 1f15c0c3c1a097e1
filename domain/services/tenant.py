"""The tenant's own settings: its display name and the timezone its periods are aligned in."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain import limits
from domain.derivation.outbox import Redo
from domain.limits import check_length
from domain.ports import TenantProfile, UnitOfWork


class TenantSettingsError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class TenantChange:
    tenant: TenantProfile
    timezone_changed: bool  # days, weeks, months and quarters now fall elsewhere


def update_tenant_settings(
    uow: UnitOfWork, *, name: str | None, timezone: str | None
) -> TenantChange:
    """Change what is given. A new timezone moves every local day: the history derived
    in the old one is stale until the reconciler has rebuilt it (requested here)."""
    current = uow.tenant
    new_name = current.name if name is None else _name(name)
    new_zone = current.timezone if timezone is None else _zone(timezone)
    uow.settings.update_profile(name=new_name, timezone=new_zone)
    updated = TenantProfile(current.id, current.slug, new_name, new_zone, current.settings)
    if new_zone != current.timezone:
        uow.outbox.request(Redo.REBUILD)
    return TenantChange(updated, timezone_changed=new_zone != current.timezone)


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise TenantSettingsError("the tenant needs a name", "name")
    check_length(name, limit=limits.NAME, field="name", error=TenantSettingsError)
    return name


def _zone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TenantSettingsError(f"unknown IANA timezone {timezone!r}", "timezone") from None
    return timezone
