"""The one wiring place: settings in, database, clients and handlers' dependencies out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.config import Settings
from pipeline.domain.clock import Clock, system_clock
from pipeline.persistence.db import make_engine, session_factory
from pipeline.persistence.unit_of_work import UnitOfWork
from pipeline.ports import Ports

if TYPE_CHECKING:
    from pipeline.documents.pki import Pki

T = TypeVar("T")


@dataclass
class Container:
    settings: Settings
    clock: Clock = system_clock
    ports_override: Ports | None = field(default=None)

    @cached_property
    def engine(self) -> Engine:
        threads = self.settings.db_threads
        return make_engine(self.settings.database_url, pool_size=threads, max_overflow=threads)

    @cached_property
    def db_executor(self) -> ThreadPoolExecutor:
        """Sized like the connection pool: database work waits for a thread, never for a
        connection, and never runs on the event loop."""
        return ThreadPoolExecutor(self.settings.db_threads, thread_name_prefix="db")

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking database work in the bounded executor."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.db_executor, partial(fn, *args, **kwargs))

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.clock)

    @cached_property
    def ports(self) -> Ports:
        if self.ports_override is not None:
            return self.ports_override
        from connectors.bpjs_client import AsyncBpjsHttpClient
        from connectors.notify_client import AsyncNotifyHttpClient
        from connectors.siak_client import AsyncSiakHttpClient

        s = self.settings
        return Ports(
            siak=AsyncSiakHttpClient(s.siak_url, s.siak_api_key.get_secret_value(),
                                     timeout=s.http_timeout_s),
            bpjs=AsyncBpjsHttpClient(s.bpjs_url, s.bpjs_cons_id,
                                     s.bpjs_secret.get_secret_value(),
                                     s.bpjs_user_key.get_secret_value(),
                                     timeout=s.http_timeout_s),
            notify=AsyncNotifyHttpClient(s.notify_url, timeout=s.http_timeout_s),
        )

    @cached_property
    def pki(self) -> Pki:
        """The signing keys and certificates (a local test CA standing in for BSrE)."""
        from pipeline.documents.pki import Pki

        return Pki.load_or_create(self.settings.pki_dir)

    def topic(self, base: str) -> str:
        ns = self.settings.topic_namespace
        return f"{ns}.{base}" if ns else base
