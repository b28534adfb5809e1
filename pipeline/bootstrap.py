"""The one wiring place: settings in, database, clients and handlers' dependencies out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.config import Settings
from pipeline.domain.clock import Clock, system_clock
from pipeline.persistence.db import make_engine, session_factory
from pipeline.persistence.unit_of_work import UnitOfWork
from pipeline.ports import Ports

if TYPE_CHECKING:
    from pipeline.documents.pki import Pki


@dataclass
class Container:
    settings: Settings
    clock: Clock = system_clock
    ports_override: Ports | None = field(default=None)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.clock)

    @cached_property
    def ports(self) -> Ports:
        if self.ports_override is not None:
            return self.ports_override
        from connectors.bpjs_client import BpjsHttpClient
        from connectors.notify_client import NotifyHttpClient
        from connectors.siak_client import SiakHttpClient

        s = self.settings
        return Ports(
            siak=SiakHttpClient(s.siak_url, s.siak_api_key.get_secret_value(),
                                timeout=s.http_timeout_s),
            bpjs=BpjsHttpClient(s.bpjs_url, s.bpjs_cons_id, s.bpjs_secret.get_secret_value(),
                                s.bpjs_user_key.get_secret_value(), timeout=s.http_timeout_s),
            notify=NotifyHttpClient(s.notify_url, timeout=s.http_timeout_s),
        )

    @cached_property
    def pki(self) -> Pki:
        """The signing keys and certificates (a local test CA standing in for BSrE)."""
        from pipeline.documents.pki import Pki

        return Pki.load_or_create(self.settings.pki_dir)

    def topic(self, base: str) -> str:
        ns = self.settings.topic_namespace
        return f"{ns}.{base}" if ns else base
