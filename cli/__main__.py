"""`python -m cli` is `fairscore` (useful where the entry point is not on PATH)."""

from cli.main import app

if __name__ == "__main__":  # spawned worker processes import this module too
    app()
