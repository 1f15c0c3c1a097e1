"""`fairscore people erase`: the right to erasure of an agent's people data (SPEC §7)."""

from __future__ import annotations

import json

import typer

from cli.clients import tenant_id
from cli.output import console, fail
from infra import admin
from infra.bootstrap import container
from infra.db.repositories.system import NotFoundError

people = typer.Typer(help="People data (SPEC §7: HR data).", no_args_is_help=True)


@people.command("erase")
def erase(
    tenant: str = typer.Option(..., help="tenant slug"),
    agent: str = typer.Option(..., help="the agent's id (see the agents query)"),
    yes: bool = typer.Option(False, "--yes", help="confirm: erased records cannot come back"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Erase an agent's people data — performance reviews (with feedback and
    self-assessments), goals, career levels and their history, one-on-ones — and record
    it in the tenant's audit log. The agent, their events, metrics and scores stay.
    Running it again erases nothing more."""
    if not yes:
        raise fail(
            f"erasing agent {agent}'s people data deletes their reviews, goals, levels and "
            "one-on-ones for good; add --yes if you mean it"
        )
    try:
        report = admin.erase_people_data(container(), tenant=tenant_id(tenant), agent_id=agent)
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    if as_json:
        erased = dict(report.erased)
        print(
            json.dumps(
                {
                    "tenant": tenant,
                    "agent_id": report.agent_id,
                    "erased": erased,
                    "total": report.total,
                    "audit_event_id": report.audit_event_id,
                }
            )
        )
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in report.erased.items())
    console.print(
        f"erased agent {report.agent_id}'s people data: {counts} "
        f"(audit event {report.audit_event_id})",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
