"""Domain errors carry their HTTP status; the app factory renders them as RFC 9457 problems."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://supervision.example.gov.cn/problems/"


class DomainError(Exception):
    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotFound(DomainError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class InvalidState(Conflict):
    """A workflow step not allowed from the current state (carries current and allowed)."""

    title, slug = "Transition not allowed", "transition-not-allowed"


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Unprocessable(DomainError):
    status, title, slug = 422, "Unprocessable content", "validation"

    @classmethod
    def field(cls, field: str, rule: str, message: str) -> Unprocessable:
        return cls(f"{field}: {message}", errors=[{"field": field, "rule": rule, "message": message}])


class PreconditionFailed(DomainError):
    status, title, slug = 412, "Precondition failed", "precondition-failed"
