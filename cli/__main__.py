"""`python -m cli` is `fairscore` (useful where the entry point is not on PATH)."""

from cli.main import app

app()
