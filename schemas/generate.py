"""Writes schemas/json/<name>.schema.json from the public models: `python -m schemas.generate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from schemas.api import Accepted, BirthStatus, Problem
from schemas.birth import BirthReport, BirthReported
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested

OUT = Path(__file__).parent / "json"
COMMAND = "python -m schemas.generate"
Mode = Literal["validation", "serialization"]

# what we accept is described as validated; what we send, as serialized (every field present)
PUBLIC: dict[str, tuple[type[BaseModel], Mode]] = {
    "BirthReport": (BirthReport, "validation"),
    "Accepted": (Accepted, "serialization"),
    "Problem": (Problem, "serialization"),
    "BirthStatus": (BirthStatus, "serialization"),
    "BirthReported": (BirthReported, "serialization"),
    "TaskRequested": (TaskRequested, "serialization"),
    "BirthCompleted": (BirthCompleted, "serialization"),
    "Envelope-BirthReported": (Envelope[BirthReported], "serialization"),
    "Envelope-TaskRequested": (Envelope[TaskRequested], "serialization"),
    "Envelope-BirthCompleted": (Envelope[BirthCompleted], "serialization"),
}


def render(name: str) -> str:
    """The file's exact text: sorted keys, two-space indent, a trailing newline."""
    model, mode = PUBLIC[name]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"Generated from {model.__name__} by `{COMMAND}`; do not edit.",
        **model.model_json_schema(mode=mode),
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def path(name: str) -> Path:
    return OUT / f"{name}.schema.json"


def stale() -> list[Path]:
    """Files that differ from what the models give, are missing, or belong to no model."""
    wrong = [path(n) for n in PUBLIC if not path(n).exists()
             or path(n).read_text(encoding="utf-8") != render(n)]
    extra = [p for p in OUT.glob("*.schema.json") if p.name[:-len(".schema.json")] not in PUBLIC]
    return sorted(wrong + extra)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for extra in OUT.glob("*.schema.json"):
        if extra.name[:-len(".schema.json")] not in PUBLIC:
            extra.unlink()
    for name in PUBLIC:
        path(name).write_text(render(name), encoding="utf-8")
    sys.stdout.write(f"{len(PUBLIC)} JSON Schemas written to {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
