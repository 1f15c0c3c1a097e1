"""Cross-tenant lookups that establish *which* tenant a request belongs to.

These are the only queries without a tenant filter: they resolve a tenant slug, an
OAuth client or a webhook integration, and hand back the verified `TenantId`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Row, func, select, union
from sqlalchemy.orm import Session

from domain.integrations import PENDING
from domain.ports import TenantId, TenantProfile
from infra.db.tables import (
    API_CLIENT,
    DERIVATION_REQUEST,
    DIRTY_PERIOD,
    GOAL,
    INTEGRATION,
    REVIEW_CYCLE,
    SAMPLING_RULE,
    TENANT,
    WEBHOOK_DELIVERY,
    ApiClientRow,
    IntegrationRow,
    TenantRow,
)
from infra.secret_box import SecretBox, SecretBoxSource, SecretKeyError
from infra.security import verify_secret


class NotFoundError(LookupError):
    pass


class ConflictError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ClientRecord:
    tenant_id: TenantId
    client_id: str
    secret_hash: str
    scopes: tuple[str, ...]
    revoked: bool
    # The secret a rotation replaced, accepted until `previous_secret_expires_at`.
    previous_secret_hash: str | None = None
    previous_secret_expires_at: datetime | None = None

    def accepts(self, secret: str, *, now: datetime) -> bool:
        """The current secret, or the replaced one inside its grace window."""
        if verify_secret(secret, self.secret_hash):
            return True
        previous, until = self.previous_secret_hash, self.previous_secret_expires_at
        return (
            previous is not None
            and until is not None
            and now < until
            and (verify_secret(secret, previous))
        )


@dataclass(frozen=True, slots=True)
class IntegrationRecord:
    tenant_id: TenantId
    id: str
    source: str
    secret: str
    options: Mapping[str, Any] = field(default_factory=dict)
    active: bool = True


@dataclass(frozen=True, slots=True)
class DerivationBacklog:
    pending_deliveries: int
    subject_periods: int  # outbox roll-ups (dirty_period)
    requests: int  # coarse outbox requests: rebuild, re-score, re-attribution
    oldest: datetime | None  # the oldest of them all


class SystemRepository:
    """`box` decrypts integration secrets (infra/secret_box.py); only the integration
    methods need it."""

    def __init__(self, session: Session, box: SecretBoxSource | None = None) -> None:
        self.session = session
        self.box = box

    # tenants -------------------------------------------------------------
    def create_tenant(self, *, slug: str, name: str, timezone: str) -> TenantProfile:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConflictError(f"unknown IANA timezone {timezone!r}") from None
        if self._tenant_row_by_slug(slug) is not None:
            raise ConflictError(f"tenant {slug!r} already exists")
        row = TenantRow(slug=slug, name=name, timezone=timezone)
        self.session.add(row)
        self.session.flush()
        return tenant_profile(row)

    def tenant_by_slug(self, slug: str) -> TenantProfile:
        row = self._tenant_row_by_slug(slug)
        if row is None:
            raise NotFoundError(f"no tenant {slug!r}")
        return tenant_profile(row)

    def tenants(self) -> Sequence[TenantProfile]:
        stmt = select(TenantRow).order_by(TENANT.c.slug)
        return [tenant_profile(row) for row in self.session.execute(stmt).scalars()]

    def tenant(self, tenant_id: TenantId) -> TenantProfile:
        row = self.session.get(TenantRow, tenant_id)
        if row is None:
            raise NotFoundError(f"no tenant {tenant_id!r}")
        return tenant_profile(row)

    def _tenant_row_by_slug(self, slug: str) -> TenantRow | None:
        stmt = select(TenantRow).where(TENANT.c.slug == slug)
        return self.session.execute(stmt).scalars().first()

    def tenants_with_derivation_work(self, before: datetime) -> Sequence[TenantId]:
        """Tenants with a pending delivery, outbox subject-period or request older than
        `before`: their job request may have been lost."""
        d, r, w = DIRTY_PERIOD.c, DERIVATION_REQUEST.c, WEBHOOK_DELIVERY.c
        stmt = union(
            select(w.tenant_id).where(w.status == PENDING, w.received_at < before),
            select(d.tenant_id).where(d.marked_at < before),
            select(r.tenant_id).where(r.requested_at < before),
        )
        return sorted(TenantId(t) for t in self.session.execute(stmt).scalars())

    def derivation_backlog(self) -> DerivationBacklog:
        """Work waiting for the reconciler, over all tenants (operator signals): one
        statement of counts and minima, the rows the sweeper scans anyway."""
        d, r, w = DIRTY_PERIOD.c, DERIVATION_REQUEST.c, WEBHOOK_DELIVERY.c
        pending = WEBHOOK_DELIVERY.select().where(w.status == PENDING).subquery()
        stmt = select(
            select(func.count()).select_from(pending).scalar_subquery(),
            select(func.min(pending.c.received_at)).scalar_subquery(),
            select(func.count()).select_from(DIRTY_PERIOD).scalar_subquery(),
            select(func.min(d.marked_at)).scalar_subquery(),
            select(func.count()).select_from(DERIVATION_REQUEST).scalar_subquery(),
            select(func.min(r.requested_at)).scalar_subquery(),
        )
        deliveries, oldest_delivery, periods, oldest_period, requests, oldest_request = (
            self.session.execute(stmt).one()
        )
        oldest = [t for t in (oldest_delivery, oldest_period, oldest_request) if t is not None]
        return DerivationBacklog(
            pending_deliveries=deliveries,
            subject_periods=periods,
            requests=requests,
            oldest=min(oldest, default=None),
        )

    def tenants_with_sampling_rule(self) -> Sequence[tuple[TenantId, str]]:
        """Tenants whose review assignments the weekly schedule generates, with their
        timezones (each one's last complete week is its own)."""
        rule = SAMPLING_RULE.c
        stmt = (
            select(rule.tenant_id, TENANT.c.timezone)
            .join(TENANT, TENANT.c.id == rule.tenant_id)
            .where(rule.active.is_(True))
            .order_by(rule.tenant_id)
        )
        return [(TenantId(t), tz) for t, tz in self.session.execute(stmt)]

    def tenants_with_goals(self, *, ending_since: date) -> Sequence[tuple[TenantId, str]]:
        """Tenants with a goal whose last day is on/after `ending_since`, with their
        timezones (the hourly status refresh visits them)."""
        goal = GOAL.c
        stmt = (
            select(goal.tenant_id, TENANT.c.timezone)
            .join(TENANT, TENANT.c.id == goal.tenant_id)
            .where(goal.end_date >= ending_since)
            .group_by(goal.tenant_id, TENANT.c.timezone)
            .order_by(goal.tenant_id)
        )
        return [(TenantId(t), tz) for t, tz in self.session.execute(stmt)]

    def active_review_cycles(self) -> Sequence[tuple[TenantId, str, str, str]]:
        """(tenant, timezone, cycle id, cadence) of every active review cycle: what the
        daily schedule of performance reviews runs (each tenant's periods are its own)."""
        cycle = REVIEW_CYCLE.c
        stmt = (
            select(cycle.tenant_id, TENANT.c.timezone, cycle.id, cycle.cadence)
            .join(TENANT, TENANT.c.id == cycle.tenant_id)
            .where(cycle.active.is_(True))
            .order_by(cycle.tenant_id, cycle.id)
        )
        return [(TenantId(t), tz, c, cadence) for t, tz, c, cadence in self.session.execute(stmt)]

    # OAuth clients --------------------------------------------------------
    def client(self, client_id: str) -> ClientRecord | None:
        stmt = select(ApiClientRow).where(API_CLIENT.c.client_id == client_id)
        row = self.session.execute(stmt).scalars().first()
        if row is None:
            return None
        return ClientRecord(
            TenantId(row.tenant_id),
            row.client_id,
            row.secret_hash,
            tuple(row.scopes.split()),
            row.revoked_at is not None,
            row.previous_secret_hash,
            row.previous_secret_expires_at,
        )

    # integrations ---------------------------------------------------------
    def create_integration(
        self,
        tenant_id: TenantId,
        *,
        source: str,
        secret: str,
        options: Mapping[str, Any] | None = None,
    ) -> IntegrationRecord:
        box = self._box()
        row = IntegrationRow(
            tenant_id=tenant_id,
            source=source,
            secret=box.seal(secret),
            options=box.seal_options(options or {}),
        )
        self.session.add(row)
        self.session.flush()
        return self._integration(row)

    def integration(self, integration_id: str) -> IntegrationRecord | None:
        stmt = select(IntegrationRow).where(INTEGRATION.c.id == integration_id)
        row = self.session.execute(stmt).scalars().first()
        return self._integration(row) if row else None

    def reencrypt_integrations(self) -> tuple[int, int]:
        """Every integration's secrets under the first key: (rewritten, already current).
        Rows are locked one by one so a concurrent update is not overwritten."""
        box, rewritten, current = self._box(), 0, 0
        ids = self.session.execute(select(INTEGRATION.c.id).order_by(INTEGRATION.c.id))
        for integration_id in ids.scalars().all():
            stmt = select(IntegrationRow).where(INTEGRATION.c.id == integration_id)
            row = self.session.execute(stmt.with_for_update()).scalars().one()
            if box.is_current(row.secret) and box.options_current(row.options or {}):
                current += 1
                continue
            try:
                row.secret = box.reseal(row.secret)
                row.options = box.reseal_options(row.options or {})
            except SecretKeyError as exc:
                raise SecretKeyError(f"integration {integration_id}: {exc}") from None
            rewritten += 1
        self.session.flush()
        return rewritten, current

    def decrypt_integrations(self) -> tuple[int, int]:
        """Every integration's secrets back to plaintext, for a downgrade below
        encryption at rest: (decrypted, already plaintext). Rows locked one by one."""
        box, decrypted, plain = self._box(), 0, 0
        ids = self.session.execute(select(INTEGRATION.c.id).order_by(INTEGRATION.c.id))
        for integration_id in ids.scalars().all():
            stmt = select(IntegrationRow).where(INTEGRATION.c.id == integration_id)
            row = self.session.execute(stmt.with_for_update()).scalars().one()
            options = row.options or {}
            if not box.is_sealed(row.secret) and not box.options_sealed(options):
                plain += 1
                continue
            try:
                row.secret, row.options = box.open(row.secret), box.open_options(options)
            except SecretKeyError as exc:
                raise SecretKeyError(f"integration {integration_id}: {exc}") from None
            decrypted += 1
        self.session.flush()
        return decrypted, plain

    def _integration(self, row: IntegrationRow) -> IntegrationRecord:
        box = self._box()
        return IntegrationRecord(
            TenantId(row.tenant_id),
            row.id,
            row.source,
            box.open(row.secret),
            box.open_options(row.options or {}),
            row.active,
        )

    def _box(self) -> SecretBox:
        if self.box is None:
            raise RuntimeError("integration secrets need the secret box")
        return self.box()


def tenant_profile(row: TenantRow | Row[Any]) -> TenantProfile:
    """A tenant's row (an entity's, or a statement's with its columns) as its profile."""
    return TenantProfile(TenantId(row.id), row.slug, row.name, row.timezone, dict(row.settings))
