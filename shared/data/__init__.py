"""Packaged data files of `shared` (holiday schedules). A package so the files ship in wheels."""
