"""The reconciler's own units of work commit asynchronously — they write derived data
only (infra/db/uow.py, docs/architecture.md "One failure policy") — and every other unit
of work commits durably, an operator's change run by the reconciler included."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.ports import TenantProfile, UnitOfWork
from infra.bootstrap import Container
from infra.db.uow import SqlUnitOfWork

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


def _commit_mode(uow: UnitOfWork) -> str:
    assert isinstance(uow, SqlUnitOfWork)
    return str(uow.session.execute(text("SHOW synchronous_commit")).scalar_one())


def test_only_the_reconcilers_units_of_work_commit_asynchronously(
    container: Container, tenant: TenantProfile
) -> None:
    with container.uow(tenant.id, reconciling=True, derived=True) as uow:
        assert _commit_mode(uow) == "off"
        assert uow.tenant.id == tenant.id  # read on first use
        uow.commit()
        assert _commit_mode(uow) == "off"  # and in its next transaction
    with container.uow(tenant.id) as uow:
        assert _commit_mode(uow) == "on"  # the same pooled connection, a durable commit
    with container.uow(tenant.id, reconciling=True) as uow:
        assert _commit_mode(uow) == "on"


def test_an_operators_change_commits_durably(container: Container, tenant: TenantProfile) -> None:
    seen: list[str] = []
    container.reconciler(tenant.id, wait=True).run(lambda uow: seen.append(_commit_mode(uow)))
    assert seen == ["on"]
    # the claim's autocommit connection went back to the pool as it came
    with container.uow(tenant.id) as uow:
        assert _commit_mode(uow) == "on"
        autocommit = uow.session.connection().connection.driver_connection.autocommit
        assert autocommit is False
