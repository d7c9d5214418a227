"""Provisional publication deadlines recomputed when a holiday schedule arrives."""
