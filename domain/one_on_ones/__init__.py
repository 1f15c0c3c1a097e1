"""One-on-ones (SPEC §7): dated meetings between an agent and their manager, with a shared
agenda, notes and action items, linked to the agent's performance reviews and goals.

Pure domain logic over plain values; persistence and GraphQL wire it up elsewhere.
"""
