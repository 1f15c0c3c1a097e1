"""Goals (SPEC §7): objectives aligned tenant → team → agent, metric-linked or manual.

`model` holds the pure rules (alignment, progress, status, roll-up), `ports` what the
services need from storage and the read port other packages use (`goals_of`),
`service` the use cases behind createGoal/updateGoal, and `engine` the recomputation
the derivation reconciler runs when metrics or goals change (never on read).
"""
