"""Quality and people: scorecards, reviews, review assignments, calibration, engagement.

Pure domain logic over plain values; persistence and GraphQL wire it up elsewhere.
"""
