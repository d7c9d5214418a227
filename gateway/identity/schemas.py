"""API models of the gateway's identity routes (token endpoint, key set)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TokenOut(BaseModel):
    """RFC 6749 section 5.1 access token response."""

    access_token: str = Field(description="ES256-signed JWT (RFC 9068 `at+jwt`)",
                              examples=["eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjYxMTI2VDAwMDAwMC1hYmMiLCJ0eXAiOiJhdCtqd3QifQ..."])
    token_type: str = Field(description="always Bearer", examples=["Bearer"])
    expires_in: int = Field(description="lifetime in seconds", examples=[300])
    scope: str = Field(description="granted scopes, space-separated", examples=["credit:read inspection:read"])


class OAuthErrorOut(BaseModel):
    """RFC 6749 section 5.2 error response."""

    error: str = Field(examples=["invalid_client"])
    error_description: str = Field(examples=["unknown client or wrong secret"])


class JwksOut(BaseModel):
    keys: list[dict[str, str]] = Field(
        description="EC P-256 public keys (RFC 7517); the active key first, then retired keys "
                    "still valid for tokens they signed",
        examples=[[{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "kid": "20261126T000000-abc",
                    "use": "sig", "alg": "ES256"}]])
