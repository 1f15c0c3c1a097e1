"""Performance management (SPEC §7): review cycles and performance reviews."""
