"""Teams an admin creates or renames (teams also appear on the fly from helpdesk data)."""

from __future__ import annotations

from domain import limits
from domain.integrations import SOURCES
from domain.limits import check_length
from domain.ports import UnitOfWork
from domain.views import ExternalId, TeamView


class TeamError(ValueError):
    def __init__(self, message: str, field: str | None = None, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.not_found = not_found


def create_team(uow: UnitOfWork, *, name: str, external_id: str | None, source: str) -> TeamView:
    """A new team; with `external_id` it is the team that `source`'s data names so."""
    name = _name(name)
    identity = None
    if external_id is not None:
        identity = ExternalId(_source(source), _external_id(external_id))
        if uow.directory.team_by_identity(identity.source, identity.id) is not None:
            raise TeamError(
                f"a team with external id {identity.id!r} ({identity.source}) exists",
                "externalId",
            )
    team_id = uow.directory.create_team(name=name, identity=identity)
    return TeamView(team_id, name, (identity,) if identity else ())


def update_team(uow: UnitOfWork, *, team_id: str, name: str) -> TeamView:
    name = _name(name)
    renamed = uow.directory.rename_team(team_id, name)
    if renamed is None:
        raise TeamError(f"no team {team_id!r}", "id", not_found=True)
    return renamed


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise TeamError("a team needs a name", "name")
    check_length(name, limit=limits.NAME, field="name", error=TeamError, what="a team name")
    return name


def _source(source: str) -> str:
    if source not in SOURCES:
        raise TeamError(f"unknown source {source!r}; choose from {', '.join(SOURCES)}", "source")
    return source


def _external_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise TeamError("an external id cannot be empty", "externalId")
    check_length(value, limit=limits.NAME, field="externalId", error=TeamError)
    return value
