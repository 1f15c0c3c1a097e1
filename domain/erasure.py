"""Right to erasure of an agent's people data (SPEC §7, issue 14 item 4).

§7 data — performance reviews with their feedback and self-assessments, goals, career
levels and their history, one-on-ones — is HR data about a person. Erasing it for one agent
deletes every §7 record *about* that agent, in one transaction, and records the erasure in
the tenant's audit log with what was erased and how many, never the erased content.

Each §7 package's repository contributes its part behind one port (`AgentPeopleData`), so
the erasure cannot forget a package; a test fails when a table that names an agent is
neither erased nor listed as kept on purpose (infra/db/repositories/people_data.py).

What stays, on purpose: the agent row and their identities; KPI data (events, tickets,
samples, scores), QA reviews, support-value ratings and engagement answers — they are not
§7 data, and the team's and the tenant's numbers are built from them. Records the agent
holds in *someone else's* file (the manager of another agent's one-on-one, the reviewer of
another agent's performance review) stay too: they are that other person's records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.audit import OK
from domain.derivation.outbox import Redo
from domain.ports import UnitOfWork

ERASE_ACTION = "people erase"


class ErasureNotFoundError(LookupError):
    """The agent does not exist in the tenant."""


@dataclass(frozen=True, slots=True)
class ErasedRecords:
    """What one package erased: rows per kind of record (e.g. `one_on_ones: 3`), and the
    derived data the erasure invalidated (e.g. a parent goal to re-roll), requested
    through the outbox like any other change."""

    counts: Mapping[str, int]
    follow_ups: Sequence[tuple[Redo, str]] = field(default_factory=tuple)


class AgentPeopleData(Protocol):
    """One §7 package's records of one agent (its repository implements it)."""

    def erase_agent(self, agent_id: str) -> ErasedRecords:
        """Delete every record about the agent; idempotent (a second call erases 0)."""
        ...


class ErasureUnitOfWork(UnitOfWork, Protocol):
    @property
    def people_data(self) -> Sequence[AgentPeopleData]:
        """Every §7 package's repository, bound to this tenant."""
        ...


@dataclass(frozen=True, slots=True)
class ErasureReport:
    agent_id: str
    erased: Mapping[str, int]  # kind of record → rows erased, every kind listed
    audit_event_id: str

    @property
    def total(self) -> int:
        return sum(self.erased.values())


def erase_agent_people_data(
    uow: ErasureUnitOfWork, *, agent_id: str, client_id: str, actor: str
) -> ErasureReport:
    """Erase the agent's §7 records and record that it happened (same transaction).
    Running it again erases nothing more and records the request again."""
    if uow.directory.agent(agent_id) is None:
        raise ErasureNotFoundError(f"no agent {agent_id!r}")
    erased: dict[str, int] = {}
    for store in uow.people_data:
        part = store.erase_agent(agent_id)
        erased.update(part.counts)
        for kind, key in part.follow_ups:
            uow.outbox.request(kind, key=key)
    event_id = uow.audit.record(
        client_id=client_id,
        actor=actor,
        action=ERASE_ACTION,
        outcome=OK,
        details={"agent_id": agent_id, "erased": dict(sorted(erased.items()))},
    )
    return ErasureReport(agent_id, dict(sorted(erased.items())), event_id)
