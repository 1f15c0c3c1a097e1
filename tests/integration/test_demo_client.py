"""`fairscore demo` reuses its tenant's demo client; giving it a new secret is a credential
change, recorded in the tenant's audit log as the CLI's like `client rotate`."""

from __future__ import annotations

import json

from cli.demo import DEMO_CLIENT, DEMO_SCOPES, _demo_client
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.audit import SqlAuditLog


def test_a_demo_rerun_records_the_new_secret_as_a_cli_client_rotate(
    container: Container, tenant: TenantProfile
) -> None:
    created_id, first_secret = _demo_client(container, tenant)

    rotated_id, second_secret = _demo_client(container, tenant)

    with container.uow(tenant.id) as uow:
        log = SqlAuditLog(uow.session, tenant.id).page(first=10, after=None)
    assert rotated_id == created_id and second_secret != first_secret
    expected = [("client rotate", "cli"), ("client create", "cli")]
    assert [(e.action, e.actor) for e in log] == expected
    assert log[0].details["client_id"] == created_id
    assert log[0].details["grace_seconds"] == 0
    text = json.dumps([dict(e.details) for e in log])
    assert first_secret not in text and second_secret not in text


def test_the_demo_leaves_an_operators_client_of_that_name_with_fewer_scopes_alone(
    container: Container, tenant: TenantProfile
) -> None:
    # Its secret would otherwise be replaced and its scopes raised to the demo's.
    theirs = admin.create_client(container, tenant=tenant.id, scopes=["read"], name=DEMO_CLIENT)

    demo_id, _ = _demo_client(container, tenant)

    kept = {v.client_id: v for v in admin.list_clients(container, tenant.id)}
    assert demo_id != theirs[0]
    assert kept[theirs[0]].scopes == ("read",) and kept[theirs[0]].secret_rotated_at is None
    assert kept[demo_id].scopes == tuple(DEMO_SCOPES)
