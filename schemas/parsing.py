"""Validate a JSON body and keep whatever parts of it are valid, so later rules can still run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Parsed(Generic[M]):
    """`model` is complete when `error` is None; otherwise only its `valid` fields are set."""

    model: M
    valid: frozenset[str]  # top-level fields that validated, defaults included
    error: ValidationError | None


def parse_sections(model: type[M], body: bytes) -> Parsed[M]:
    """Validate `body` as `model`; on failure, also validate each top-level field on its own.

    A rule that reads only valid fields can then run beside the field errors: a body with a
    weight out of range still learns that the mother's NIK says male (every problem at once)."""
    try:
        return Parsed(model.model_validate_json(body), frozenset(model.model_fields), None)
    except ValidationError as exc:
        error = exc
    raw = _object(body)
    broken = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
    if raw is None or any(not e["loc"] for e in error.errors()):
        return Parsed(model.model_construct(), frozenset(), error)
    values: dict[str, Any] = {}
    valid: set[str] = set()
    for name in model.model_fields:
        if name in broken:
            continue
        if name in raw:
            try:
                values[name] = _adapter(model, name).validate_json(json.dumps(raw[name]))
            except ValidationError:  # valid within the whole but not alone: leave it out
                continue
        valid.add(name)  # absent and not reported missing: its default holds
    return Parsed(model.model_construct(**values), frozenset(valid), error)


def _object(body: bytes) -> dict[str, Any] | None:
    try:
        raw = json.loads(body)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) else None


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    # the field with its constraints (ge, le, max_length...) as one type
    return TypeAdapter(Annotated[field.annotation, field])  # type: ignore[arg-type]
