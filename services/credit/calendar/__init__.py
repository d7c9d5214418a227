"""Provisional working-day deadlines recomputed when the holiday schedule changes."""
