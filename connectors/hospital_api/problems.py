"""RFC 9457 problem responses with every field at fault listed (contract.md 2.2)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import ValidationError

from schemas.identifiers import nik_problems

TITLES = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 409: "Conflict",
          413: "Payload too large", 415: "Unsupported media type", 422: "Invalid birth report",
          429: "Too many requests", 503: "Service unavailable"}


class ProblemError(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors or [], headers


def problem_response(status: int, detail: str, errors: list[dict[str, Any]] | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, "errors": errors or []}
    return JSONResponse(body, status_code=status, media_type="application/problem+json",
                        headers=headers)


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [_field_error(e) for e in exc.errors(include_url=False, include_input=True)]


def _field_error(error: Any) -> dict[str, Any]:
    loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    field = ".".join(loc) or None
    kind, message = error["type"], error["msg"]
    leaf = loc[-1] if loc else ""
    if kind == "json_invalid":
        return {"field": None, "code": "MALFORMED_JSON", "message": message}
    if leaf == "nik":
        return _nik_error(field, kind, error.get("input"), message)
    code = {
        "missing": "REQUIRED", "extra_forbidden": "UNKNOWN_FIELD",
        "timezone_aware": "TIMESTAMP_WITHOUT_OFFSET", "literal_error": "NOT_ALLOWED_VALUE",
        "greater_than_equal": "OUT_OF_RANGE", "less_than_equal": "OUT_OF_RANGE",
        "string_pattern_mismatch": "BAD_FORMAT",
    }.get(kind, kind.upper())
    return {"field": field, "code": code, "message": message}


def _nik_error(field: str | None, kind: str, value: Any, message: str) -> dict[str, Any]:
    if kind in ("string_type", "int_type") or not isinstance(value, str):
        return {"field": field, "code": "NIK_NOT_A_STRING",
                "message": "a NIK is a JSON string of 16 digits, never a number"}
    found = nik_problems(value)
    code = found[0][0] if found else "NIK_FORMAT"
    return {"field": field, "code": code, "message": found[0][1] if found else message}
