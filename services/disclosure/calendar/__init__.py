"""Provisional deadlines recomputed when the holiday schedule changes."""
