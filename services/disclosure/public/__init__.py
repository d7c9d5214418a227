"""The public read API: search, one record, a subject's history, draws."""
