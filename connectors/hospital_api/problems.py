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


# pydantic's error types -> our codes; our own validators raise their code as the type (NIK_SERIAL)
CODES = {
    "missing": "REQUIRED", "extra_forbidden": "UNKNOWN_FIELD",
    "timezone_aware": "TIMESTAMP_WITHOUT_OFFSET", "literal_error": "NOT_ALLOWED_VALUE",
    "greater_than_equal": "OUT_OF_RANGE", "less_than_equal": "OUT_OF_RANGE",
    "greater_than": "OUT_OF_RANGE", "less_than": "OUT_OF_RANGE",
    "string_pattern_mismatch": "BAD_FORMAT", "string_too_long": "TOO_LONG",
    "string_too_short": "TOO_SHORT", "too_short": "WRONG_COUNT", "too_long": "WRONG_COUNT",
    "string_type": "NOT_A_STRING", "int_type": "NOT_AN_INTEGER", "int_parsing": "NOT_AN_INTEGER",
    "int_from_float": "NOT_AN_INTEGER", "float_type": "NOT_A_NUMBER",
    "float_parsing": "NOT_A_NUMBER", "bool_type": "NOT_A_BOOLEAN", "bool_parsing": "NOT_A_BOOLEAN",
    "datetime_type": "NOT_A_TIMESTAMP", "datetime_parsing": "NOT_A_TIMESTAMP",
    "datetime_from_date_parsing": "NOT_A_TIMESTAMP", "model_type": "NOT_AN_OBJECT",
    "model_attributes_type": "NOT_AN_OBJECT", "dict_type": "NOT_AN_OBJECT",
    "list_type": "NOT_A_LIST",
}


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """One entry per problem: a NIK with a bad day and a bad month gives two."""
    return [problem for error in exc.errors(include_url=False, include_input=True)
            for problem in _field_errors(error)]


def sorted_problems(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A stable order for clients and tests: by field, then code."""
    return sorted(problems, key=lambda p: (p["field"] or "", p["code"]))


def _field_errors(error: Any) -> list[dict[str, Any]]:
    loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    field = ".".join(loc) or None
    kind, message = error["type"], error["msg"]
    if kind == "json_invalid":
        return [{"field": None, "code": "MALFORMED_JSON", "message": message}]
    if loc and loc[-1] == "nik" and kind != "missing":
        return _nik_errors(field, kind, error.get("input"), message)
    code = kind if kind.isupper() else CODES.get(kind, kind.upper())
    return [{"field": field, "code": code, "message": message}]


def _nik_errors(field: str | None, kind: str, value: Any, message: str) -> list[dict[str, Any]]:
    if not isinstance(value, str):  # a JSON number loses digits past 2^53 (style.md)
        return [{"field": field, "code": "NIK_NOT_A_STRING",
                 "message": "a NIK is a JSON string of 16 digits, never a number"}]
    found = nik_problems(value) or [(kind if kind.isupper() else "NIK_FORMAT", message)]
    return [{"field": field, "code": code, "message": text} for code, text in found]
