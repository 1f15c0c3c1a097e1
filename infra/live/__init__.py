"""Live score updates: see infra/live/hub.py."""
