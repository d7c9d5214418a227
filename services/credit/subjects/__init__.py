"""Subject registry: market participants by USCC, with bulk import."""
