"""Provisional working-day deadlines recomputed when a holiday schedule arrives."""
