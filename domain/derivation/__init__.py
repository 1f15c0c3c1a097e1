"""Derived data — ticket facts, samples, snapshots and scores — and its one owner.

A change records what it invalidates in its own transaction (`outbox`); after the commit
the unit of work asks for one `reconcile` of the tenant, which brings everything up to
date (`reconciler`). Nothing else schedules re-folds, roll-ups or re-scores.
"""
