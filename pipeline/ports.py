"""Ports: what the handlers need from the registries, whatever speaks to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class SiakGateway(Protocol):
    def lookup(self, nik: str) -> dict[str, Any] | None: ...
    def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...
    def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                   expected_version: int | None) -> dict[str, Any]: ...
    def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...
    def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]: ...


class BpjsGateway(Protocol):
    def enrol_newborn(self, key: str, request: dict[str, Any]) -> Any: ...


class FamilyNotifier(Protocol):
    def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Ports:
    siak: SiakGateway
    bpjs: BpjsGateway
    notify: FamilyNotifier | None = None
