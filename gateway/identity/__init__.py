"""Who is calling: OAuth2 clients, signing keys, tokens and their verification."""
