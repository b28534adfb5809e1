"""Failures the workers tell apart: transient ones are retried, the rest are final outcomes."""

from __future__ import annotations


class TransientError(Exception):
    """SIAK/BPJS 5xx, timeout, lost connection, database busy: another attempt may succeed."""


class RegistryRejected(Exception):
    """The registry answered and said no: a business outcome with a code the hospital can act on."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
