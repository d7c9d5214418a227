"""Inspection results per object and item, with evidence hashes and their publication deadlines."""
