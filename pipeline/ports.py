"""Ports: what the handlers need from the registries, whatever speaks to them (async calls)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol


class SiakGateway(Protocol):
    async def lookup(self, nik: str) -> dict[str, Any] | None: ...
    async def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...
    async def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                         expected_version: int | None) -> dict[str, Any]: ...
    async def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...
    async def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]: ...


class BpjsGateway(Protocol):
    async def enrol_newborn(self, key: str, request: dict[str, Any]) -> Any: ...


class FamilyNotifier(Protocol):
    async def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Ports:
    siak: SiakGateway
    bpjs: BpjsGateway
    notify: FamilyNotifier | None = None


DbRunner = Callable[..., Awaitable[Any]]  # runs blocking database work off the event loop


async def inline(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A DbRunner that runs the work right here (tests, tools without an event loop to spare)."""
    return fn(*args, **kwargs)
