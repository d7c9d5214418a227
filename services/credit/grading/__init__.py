"""Grades, risk early warning and the measures in force, computed from records and list entries."""
