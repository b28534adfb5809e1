"""Structured JSON logging for every process, with NIKs and names masked (UU 27/2022)."""

from __future__ import annotations

import logging
import logging.config
import re
from collections.abc import Mapping
from typing import Any

import structlog
from structlog.contextvars import merge_contextvars
from structlog.dev import ConsoleRenderer
from structlog.processors import (
    ExceptionRenderer,
    JSONRenderer,
    TimeStamper,
    add_log_level,
    format_exc_info,
)
from structlog.stdlib import ProcessorFormatter
from structlog.tracebacks import ExceptionDictTransformer
from structlog.types import EventDict

NIK_LIKE = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")  # NIK and nomor KK alike
PII_KEYS = frozenset(
    {"nik", "nik_ibu", "nik_ayah", "child_nik", "mother_nik", "father_nik", "nomor_kk",
     "nama", "name", "phone", "authorization", "x-signature", "secret"}
)
SHARED: list[Any] = [merge_contextvars, add_log_level, TimeStamper(fmt="iso", utc=True)]


def mask_nik(value: str) -> str:
    """`3673015501269901` -> `3673********9901` (domain.md 8.3)."""
    return NIK_LIKE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", value)


def scrub(value: Any, key: str = "") -> Any:
    if key.lower() in PII_KEYS and value is not None:
        return mask_nik(value) if isinstance(value, str) and value.isdigit() else "***"
    if isinstance(value, str):
        return mask_nik(value)
    if isinstance(value, Mapping):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def mask_pii(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    return scrub(event_dict)  # type: ignore[no-any-return]


def logging_config(log_json: bool = True, level: str = "INFO") -> dict[str, Any]:
    exceptions = (ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
                  if log_json else format_exc_info)
    renderer = JSONRenderer() if log_json else ConsoleRenderer(colors=False)
    formatter = {
        "()": ProcessorFormatter,
        "foreign_pre_chain": SHARED,
        "processors": [ProcessorFormatter.remove_processors_meta, exceptions, mask_pii, renderer],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter},
        "handlers": {
            "out": {"class": "logging.StreamHandler", "formatter": "structured",
                    "stream": "ext://sys.stdout"}
        },
        "root": {"handlers": ["out"], "level": level},
        "loggers": {
            "uvicorn.access": {"level": "WARNING"},
            "aiokafka": {"level": "WARNING"},
            "kafka": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},  # a line per request: CPU on the hot path
            "httpcore": {"level": "WARNING"},
        },
    }


def configure_logging(log_json: bool = True, level: str = "INFO", process: str = "") -> None:
    """First line of every process entry point."""
    logging.config.dictConfig(logging_config(log_json, level))
    structlog.configure(
        processors=[*SHARED, ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if process:
        structlog.contextvars.bind_contextvars(process=process)
