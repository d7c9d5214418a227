"""Decisions: the discretion benchmark, issuing, service, payment, closing and revocation."""
