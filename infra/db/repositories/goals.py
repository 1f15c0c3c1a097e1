"""Goals, their computed state and their progress history (domain.goals.ports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Select, bindparam, func, insert, select, tuple_, update

from domain.derivation.outbox import Redo
from domain.erasure import ErasedRecords
from domain.goals.model import (
    Goal,
    GoalKind,
    GoalState,
    GoalStatus,
    MetricTarget,
    Owner,
    OwnerKind,
    ProgressPoint,
    StoredGoal,
)
from domain.metrics import Basis, Direction, Statistic
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks
from infra.db.tables import GOAL, GOAL_PROGRESS

G, P = GOAL.c, GOAL_PROGRESS.c


class SqlGoals(TenantRepository):
    # An agent's goals (and their history) are theirs; team and tenant goals are not.
    ERASES: ClassVar[tuple[str, ...]] = (GOAL.name, GOAL_PROGRESS.name)

    def add(self, goal: Goal, *, at: datetime) -> None:
        values = {**_definition(goal), "created_at": at, "updated_at": at}
        self.session.execute(insert(GOAL).values(tenant_id=self.tenant_id, id=goal.id, **values))

    def update(self, goal: Goal, *, at: datetime) -> None:
        self.session.execute(
            update(GOAL)
            .where(G.tenant_id == self.tenant_id, G.id == goal.id)
            .values(**_definition(goal), updated_at=at)
        )

    def get(self, goal_id: str) -> StoredGoal | None:
        return self.many([goal_id]).get(goal_id)

    def many(self, goal_ids: Collection[str]) -> dict[str, StoredGoal]:
        out: dict[str, StoredGoal] = {}
        for part in chunks(sorted(set(goal_ids))):
            for row in self.session.execute(self._select().where(G.id.in_(part))):
                out[row.id] = _stored(row)
        return out

    def goals_of(self, owner_kind: OwnerKind | None, owner_id: str | None) -> list[StoredGoal]:
        stmt = self._select()
        if owner_kind is not None:
            stmt = stmt.where(G.owner_kind == owner_kind.value)
        if owner_id is not None:
            stmt = stmt.where(G.owner_id == owner_id)
        rows = self.session.execute(stmt.order_by(G.start_date, G.title, G.id))
        return [_stored(row) for row in rows]

    def children(self, parent_ids: Collection[str]) -> dict[str, list[StoredGoal]]:
        out: dict[str, list[StoredGoal]] = defaultdict(list)
        for part in chunks(sorted(set(parent_ids))):
            stmt = self._select().where(G.parent_id.in_(part)).order_by(G.start_date, G.id)
            for row in self.session.execute(stmt):
                out[row.parent_id].append(_stored(row))
        return dict(out)

    def overlapping(
        self,
        owners: Collection[Owner],
        *,
        first: date,
        last: date,
        kind: GoalKind | None = None,
    ) -> list[StoredGoal]:
        out: list[StoredGoal] = []
        keys = sorted({(o.kind.value, o.id) for o in owners})
        for part in chunks(keys):
            stmt = self._select().where(
                tuple_(G.owner_kind, G.owner_id).in_(part),
                G.start_date <= last,
                G.end_date >= first,
            )
            if kind is not None:
                stmt = stmt.where(G.kind == kind.value)
            order = (G.owner_kind, G.owner_id, G.start_date, G.title, G.id)
            out += [_stored(row) for row in self.session.execute(stmt.order_by(*order))]
        return out

    def ending_since(self, since: date | None) -> list[str]:
        stmt = select(G.id).where(G.tenant_id == self.tenant_id)
        if since is not None:
            stmt = stmt.where(G.end_date >= since)
        return list(self.session.execute(stmt.order_by(G.id)).scalars())

    def set_states(self, states: Mapping[str, GoalState]) -> None:
        rows = [
            {
                "b_id": goal_id,
                "b_progress": state.progress,
                "b_value": state.value,
                "b_sample_size": state.sample_size,
                "b_status": state.status.value if state.status else None,
                "b_completed": state.completed,
                "b_computed_at": state.computed_at,
            }
            for goal_id, state in states.items()
        ]
        stmt = (
            update(GOAL)
            .where(G.tenant_id == self.tenant_id, G.id == bindparam("b_id"))
            .values(
                progress=bindparam("b_progress"),
                value=bindparam("b_value"),
                sample_size=bindparam("b_sample_size"),
                status=bindparam("b_status"),
                completed=bindparam("b_completed"),
                computed_at=bindparam("b_computed_at"),
            )
        )
        for batch in chunks(rows):
            self.session.execute(stmt, list(batch))

    def record_progress(self, points: Mapping[str, ProgressPoint]) -> None:
        last: dict[str, int] = {}
        for part in chunks(sorted(points)):
            stmt = (
                select(P.goal_id, func.max(P.seq))
                .where(P.tenant_id == self.tenant_id, P.goal_id.in_(part))
                .group_by(P.goal_id)
            )
            last.update({goal_id: seq for goal_id, seq in self.session.execute(stmt)})
        rows = [
            {
                "tenant_id": self.tenant_id,
                "goal_id": goal_id,
                "seq": last.get(goal_id, 0) + 1,
                "at": point.at,
                "progress": point.progress,
                "value": point.value,
                "status": point.status.value if point.status else None,
            }
            for goal_id, point in points.items()
        ]
        for batch in chunks(rows):
            self.session.execute(insert(GOAL_PROGRESS), list(batch))

    def history(self, goal_ids: Collection[str]) -> Mapping[str, Sequence[ProgressPoint]]:
        out: dict[str, list[ProgressPoint]] = {g: [] for g in goal_ids}
        for part in chunks(sorted(set(goal_ids))):
            stmt = (
                select(GOAL_PROGRESS)
                .where(P.tenant_id == self.tenant_id, P.goal_id.in_(part))
                .order_by(P.goal_id, P.seq)
            )
            for row in self.session.execute(stmt):
                status = GoalStatus(row.status) if row.status else None
                out[row.goal_id].append(ProgressPoint(row.at, row.progress, row.value, status))
        return out

    def erase_agent(self, agent_id: str) -> ErasedRecords:
        """The agent's goals with their progress history. The team and tenant goals they
        hung under are asked to re-roll (by the reconciler) without them."""
        mine = select(G.id, G.parent_id).where(
            G.tenant_id == self.tenant_id,
            G.owner_kind == OwnerKind.AGENT.value,
            G.owner_id == agent_id,
        )
        rows = self.session.execute(mine).all()
        ids = [row.id for row in rows]
        points = goals = 0
        for part in chunks(ids):  # an agent's goals never have children (alignment upward)
            points += self.delete_rows(GOAL_PROGRESS, goal_id=list(part))
            goals += self.delete_rows(GOAL, id=list(part))
        parents = sorted({row.parent_id for row in rows if row.parent_id} - set(ids))
        return ErasedRecords(
            {"goals": goals, "goal_progress_points": points},
            follow_ups=tuple((Redo.GOAL, parent) for parent in parents),
        )

    def _select(self) -> Select[Any]:
        return select(GOAL).where(G.tenant_id == self.tenant_id)


def _definition(goal: Goal) -> dict[str, Any]:
    target = goal.metric
    return {
        "title": goal.title,
        "description": goal.description,
        "owner_kind": goal.owner.kind.value,
        "owner_id": goal.owner.id,
        "parent_id": goal.parent_id,
        "weight": goal.weight,
        "start_date": goal.start,
        "end_date": goal.end,
        "kind": goal.kind.value,
        "metric": target.metric if target else None,
        "statistic": target.statistic.value if target else None,
        "basis": target.basis.value if target else None,
        "target": target.target if target else None,
        "direction": target.direction.value if target else None,
        "manual_progress": goal.manual_progress,
    }


def _stored(row: Any) -> StoredGoal:
    target = None
    if row.metric is not None:
        target = MetricTarget(
            metric=row.metric,
            target=row.target,
            direction=Direction(row.direction),
            statistic=Statistic(row.statistic),
            basis=Basis(row.basis),
        )
    goal = Goal(
        id=row.id,
        title=row.title,
        owner=Owner(OwnerKind(row.owner_kind), row.owner_id),
        start=row.start_date,
        end=row.end_date,
        kind=GoalKind(row.kind),
        weight=row.weight,
        description=row.description,
        parent_id=row.parent_id,
        metric=target,
        manual_progress=row.manual_progress,
    )
    state = GoalState(
        progress=row.progress,
        value=row.value,
        sample_size=row.sample_size,
        status=GoalStatus(row.status) if row.status else None,
        computed_at=row.computed_at,
    )
    return StoredGoal(goal, state, row.created_at, row.updated_at)
