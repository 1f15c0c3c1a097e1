"""Review cycles and performance reviews over GraphQL (SPEC §7): `people:read` reads,
`people:write` writes."""
