"""Derived data has one owner (STYLE 15, issue 10): a change records what it invalidates
in the outbox and the unit of work's commit asks for the reconcile job. No resolver, CLI
command or worker shell schedules derivation itself, and nothing but the reconciler runs
the derivation steps. Checked over the source, so a new caller fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("api", "cli", "workers", "infra", "domain")

# The reconcile job is requested in exactly two places: after a commit, and by the sweeper.
REQUESTERS = {"infra/bootstrap.py": "request_reconcile", "workers/jobs.py": "sweep_pending"}
# The derivation steps, and who may call them (besides the modules that define them).
STEPS = {
    "roll_up": {"domain/derivation/reconciler.py"},
    # the bulk rebuild (run by the reconciler) scores the snapshots it wrote the same way
    "rescore_from": {"domain/derivation/reconciler.py", "infra/bulk/scores.py"},
    "reattribute_change": {"domain/derivation/reconciler.py"},
    "process_pending": {"domain/derivation/reconciler.py"},
    "rebuild": {"domain/derivation/reconciler.py", "infra/bulk/rebuild.py"},
    "bulk_rebuild": {"infra/bulk/rebuild.py"},
    # goals: after a roll-up (in its transaction), after a rebuild, on a goal's request
    "refresh_touched": {"domain/services/rescoring.py"},
    "refresh_since": {"domain/derivation/reconciler.py"},
    "refresh_goals": {"domain/derivation/reconciler.py"},
    # the steps below write snapshots: the generic rebuild's re-score, and the re-score
    # that `rescore_from` is tested equal to
    "rescore_all": set(),
    "rescore_each_from": set(),
}
DEFINED_IN = {
    "roll_up": "domain/services/rescoring.py",
    "rescore_from": "domain/services/models.py",
    "reattribute_change": "domain/services/identities.py",
    "process_pending": "domain/services/intake.py",
    "rebuild": "domain/services/recompute.py",
    "bulk_rebuild": "infra/bulk/rebuild.py",
    "refresh_touched": "domain/goals/engine.py",
    "refresh_since": "domain/goals/engine.py",
    "refresh_goals": "domain/goals/engine.py",
    "rescore_all": "domain/services/recompute.py",
    "rescore_each_from": "domain/services/models.py",
}
# The Snapshots port's writes, and the steps (path, function) that make them: a service
# that saves a snapshot itself — rather than marking it in the outbox — fails here.
SNAPSHOT_WRITES = {
    "save",
    "save_many",
    "replace_period",
    "delete_since",
    "update_scores",
    "replace_scores",
}
SNAPSHOT_WRITERS = {
    ("domain/services/rescoring.py", "roll_up"),
    ("domain/services/recompute.py", "rescore_all"),
    ("domain/services/models.py", "rescore_from"),
    ("domain/services/models.py", "rescore_each_from"),
    ("infra/bulk/scores.py", "score_history"),  # the bulk rebuild's score stage
}


def _sources() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
    }


def _enclosing_function(tree: ast.Module, target: ast.AST) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            child is target for child in ast.walk(node)
        ):
            return node.name  # the outermost function that contains it
    return None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_only_the_commit_and_the_sweeper_request_the_reconcile_job() -> None:
    found = set()
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _called_name(node) == "request"
                and node.args
                and ast.unparse(node.args[0]) == "RECONCILE_TENANT"
            ):
                found.add((path, _enclosing_function(tree, node)))
    assert found == set(REQUESTERS.items())


def test_no_caller_enqueues_derivation_work_through_the_queue() -> None:
    """`queue.request` is for the reconcile job; `queue.enqueue` only for other jobs."""
    offenders = []
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called_name(node) in {"request", "enqueue"}):
                continue
            func = node.func
            if not (isinstance(func, ast.Attribute) and "queue" in ast.unparse(func.value)):
                continue
            job = ast.unparse(node.args[0]) if node.args else ""
            if job == "RECONCILE_TENANT" and _called_name(node) == "request":
                continue  # checked above: only from the commit hook and the sweeper
            if job in {"GENERATE_REVIEW_ASSIGNMENTS", "CREATE_PERFORMANCE_REVIEWS"}:
                continue  # review assignments and performance reviews: not derived data
            if job in {"job", "func", "path"}:
                continue  # the queue's own code
            offenders.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


def test_only_the_reconciler_runs_the_derivation_steps() -> None:
    offenders = []
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            if name not in STEPS or path in STEPS[name] or path == DEFINED_IN[name]:
                continue
            offenders.append(f"{path}:{node.lineno}: {name}")
    assert offenders == []


def test_only_the_derivation_steps_write_snapshots() -> None:
    found = set()
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SNAPSHOT_WRITES
                and ast.unparse(node.func.value).endswith("snapshots")  # the port, not self
            ):
                found.add((path, _enclosing_function(tree, node)))
    assert found == SNAPSHOT_WRITERS
