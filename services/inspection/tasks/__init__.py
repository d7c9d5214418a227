"""Inspection tasks: objects to visit with their inspectors, drawn or key (non-random)."""
