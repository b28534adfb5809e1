"""Outbox relay: claims committed outbox rows, publishes them to Kafka, then marks them.

`lahir serve relay`. At least once, and no database transaction is open while Kafka is awaited:
claim (a short transaction; a lease on PostgreSQL) → send the batch → await every delivery
report → mark (a second short transaction, in the background: marking.py). A crash between
send and mark republishes; the consumers' inboxes absorb the repeat. Wakes on NOTIFY
(PostgreSQL) or a change poll (SQLite).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import structlog
from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.errors import KafkaError  # type: ignore[import-untyped]

from pipeline.bootstrap import Container
from pipeline.persistence.outbox import Claimed, outbox_store
from pipeline.streaming.marking import Marks
from pipeline.streaming.wakeups import STOP_CHECK_S, wakeup_for

log = structlog.get_logger("lahir.relay")
CE_HEADERS = [("content-type", b"application/cloudevents+json; charset=utf-8")]


@dataclass(frozen=True)
class RelayOptions:
    batch: int = 500
    lease: timedelta = timedelta(seconds=60)  # PostgreSQL: another relay may claim after this
    renew_every_s: float = 20.0  # while delivery reports are awaited (Kafka away)
    safety_poll_s: float = 1.0  # a wake-up missed (connection lost), a lease expired
    busy_poll_s: float = 0.005  # SQLite: while the file changed in the last busy_window_s
    busy_window_s: float = 2.0
    idle_poll_s: float = 0.1
    backoff_s: tuple[float, float] = (0.5, 5.0)  # after a failure, doubling up to the second
    prune_every_s: float = 3600.0
    keep: timedelta = timedelta(days=1)


class DeliveryFailed(Exception):
    """Some rows of a batch were not delivered; they stay unpublished and are sent again."""


# outages, not bugs: logged without a traceback
EXPECTED = (DeliveryFailed, KafkaError, psycopg.OperationalError, sqlite3.OperationalError)


class Relay:
    def __init__(self, container: Container, options: RelayOptions | None = None) -> None:
        self.container = container
        self.options = options = options or RelayOptions()
        self.cycles = self.claimed = self.published = 0  # since start; published: marked
        self.in_flight = 0  # rows sent whose delivery reports are awaited
        self._stop = threading.Event()
        self._outbox = outbox_store(container.settings.database_url, container.clock,
                                    options.lease)
        self._wakeup = wakeup_for(container.settings.database_url, self._stop,
                                  busy_poll_s=options.busy_poll_s,
                                  busy_window_s=options.busy_window_s,
                                  idle_poll_s=options.idle_poll_s)
        self._marks = Marks(self._outbox, self._marked)
        self._producer: AIOKafkaProducer | None = None
        self._summary = Summary()

    def stop(self) -> None:
        """From a signal handler or another thread; the loop ends within a few seconds."""
        self._stop.set()

    async def run(self) -> None:
        log.info("relay_started", batch=self.options.batch,
                 wakeup="poll" if self.container.settings.is_sqlite else "listen")
        failures, last_prune = 0, float("-inf")
        try:
            while not self._stop.is_set():
                try:
                    await self._wakeup.open()
                    full = await self._cycle()
                    failures = 0
                    self._summary.maybe_log()
                    if full:
                        continue  # more are waiting
                    if time.monotonic() - last_prune > self.options.prune_every_s:
                        await self._outbox.prune(self.options.keep)
                        last_prune = time.monotonic()
                    await self._wakeup.wait(self.options.safety_poll_s)
                except Exception as error:  # broker or database away: nothing is lost, try again
                    failures += 1
                    await self._failed(error, failures)
        finally:
            await self._marks.close()
            await self._close_producer()
            await self._wakeup.close()
            await self._outbox.close()
            self._summary.maybe_log(force=True)
            log.info("relay_stopped", published=self.published)

    async def _cycle(self) -> bool:
        """One batch: claim, send, await every report, hand the delivered to the marks. True
        when the batch was full."""
        producer = await self._ensure_producer()  # before claiming: no claims Kafka cannot take
        if len(self._marks.unmarked) >= 4 * self.options.batch:
            await self._marks.drain(STOP_CHECK_S)  # marking lags far behind: let it catch up
        rows = await self._outbox.claim(self.options.batch, self._marks.unmarked)
        self.cycles += 1
        if not rows:
            return False
        self.claimed += len(rows)
        self._marks.sending([row.id for row in rows])
        delivered, undelivered = await self._send(producer, rows)
        self._marks.delivered(delivered)
        if undelivered:
            self._marks.undelivered(undelivered)
            await self._outbox.release(undelivered)
            raise DeliveryFailed(f"{len(undelivered)} of {len(rows)} outbox rows not delivered")
        return len(rows) == self.options.batch

    def _marked(self, rows: int) -> None:
        self.published += rows
        self._summary.add(rows)

    async def _send(self, producer: AIOKafkaProducer,
                    rows: Sequence[Claimed]) -> tuple[list[int], list[int]]:
        """Ids delivered and ids not; every send is queued before any report is awaited."""
        reports: dict[asyncio.Future[object], int] = {}
        refused: list[int] = []
        refused_topics: set[str] = set()
        for row in rows:
            if row.topic in refused_topics:  # its later rows wait too: order per key
                refused.append(row.id)
                continue
            try:
                report = await producer.send(self.container.topic(row.topic), row.event.encode(),
                                             key=row.key.encode(), headers=CE_HEADERS)
            except KafkaError as error:  # no metadata for the topic in time, record too large
                log.warning("outbox_send_refused", topic=row.topic, error=type(error).__name__)
                refused_topics.add(row.topic)
                refused.append(row.id)
                continue
            reports[report] = row.id
        await self._await_reports(reports)
        delivered = [i for report, i in reports.items() if _succeeded(report)]
        failed = [i for report, i in reports.items() if not _succeeded(report)]
        return delivered, failed + refused

    async def _await_reports(self, reports: dict[asyncio.Future[object], int]) -> None:
        """The idempotent producer retries until the broker answers; renew the lease meanwhile."""
        waiting, renewed, started = set(reports), time.monotonic(), time.monotonic()
        self.in_flight = len(waiting)
        try:
            while waiting and not self._stop.is_set():
                _, waiting = await asyncio.wait(waiting, timeout=STOP_CHECK_S)
                if waiting and time.monotonic() - renewed >= self.options.renew_every_s:
                    log.warning("outbox_delivery_waiting", rows=len(waiting),
                                waited_s=round(time.monotonic() - started))
                    await self._outbox.renew([reports[r] for r in waiting])
                    renewed = time.monotonic()
        finally:
            self.in_flight = 0

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.container.settings.kafka_bootstrap, client_id="lahir-relay",
                acks="all", enable_idempotence=True, linger_ms=0)
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            await asyncio.wait_for(producer.stop(), timeout=5)
        except (TimeoutError, KafkaError):  # batches no broker took: abandon them (their rows
            await producer._sender.close()  # are unpublished and sent again)
            await producer.client.close()

    async def _failed(self, error: Exception, failures: int) -> None:
        log.warning("relay_failed", failures=failures, error=f"{error!r}"[:500],
                    exc_info=not isinstance(error, EXPECTED))
        if isinstance(error, DeliveryFailed | KafkaError):
            await self._close_producer()  # a fresh one next time
        low, high = self.options.backoff_s
        deadline = time.monotonic() + min(high, low * 2 ** (failures - 1))
        while not self._stop.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(min(0.1, deadline - time.monotonic()))


def _succeeded(report: asyncio.Future[object]) -> bool:
    return report.done() and not report.cancelled() and report.exception() is None


class Summary:
    """One INFO line per second at most under load, rather than one per batch."""

    def __init__(self) -> None:
        self.rows = self.batches = 0
        self._since = time.monotonic()

    def add(self, rows: int) -> None:
        if not self.rows:
            self._since = time.monotonic()
        self.rows, self.batches = self.rows + rows, self.batches + 1

    def maybe_log(self, *, force: bool = False) -> None:
        elapsed = time.monotonic() - self._since
        if self.rows and (force or elapsed >= 1.0):
            log.info("outbox_relayed", count=self.rows, batches=self.batches,
                     seconds=round(elapsed, 1))
            self.rows = self.batches = 0


class OncePer(logging.Filter):
    """aiokafka logs every reconnect attempt, many a second while Kafka is away: let one line of
    each kind through per period; the relay's own warnings say what waits meanwhile."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self._seconds, self._last = seconds, dict[tuple[str, object], float]()

    def filter(self, record: logging.LogRecord) -> bool:
        key, now = (record.name, record.msg), time.monotonic()
        if now - self._last.get(key, float("-inf")) < self._seconds:
            return False
        self._last[key] = now
        return True


def run(container: Container, options: RelayOptions | None = None) -> None:
    """Until SIGTERM or SIGINT."""
    once = OncePer()
    for name in ("aiokafka", "aiokafka.cluster", "aiokafka.conn", "aiokafka.producer.sender"):
        logging.getLogger(name).addFilter(once)  # a logger's filter misses its children's lines
    relay = Relay(container, options)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: relay.stop())
    asyncio.run(relay.run())
