"""Career tracks (SPEC §7): tracks with ordered levels, expectations linked to evidence,
agents' levels with their history, and readiness for a target level.

Pure domain logic over plain values; persistence and GraphQL wire it up elsewhere.
"""
