"""Desks and the hub: exchange, conflicts, live mode, purge (no Qt here)."""
