"""Outbox relay: publishes committed outbox rows to Kafka, then marks them (at least once)."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from threading import Event

import structlog
from kafka import KafkaProducer
from sqlalchemy import delete, select, update

from pipeline.bootstrap import Container
from pipeline.persistence.tables import OutboxMessage

log = structlog.get_logger("lahir.relay")
CE_HEADERS = [("content-type", b"application/cloudevents+json; charset=utf-8")]


def make_producer(bootstrap: str) -> KafkaProducer:
    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=10,
                         linger_ms=2, max_in_flight_requests_per_connection=1,
                         client_id="lahir-relay")


def relay_once(container: Container, producer: KafkaProducer, batch: int = 500) -> int:
    """Claim unpublished rows (never a high-water mark: ids commit out of order), send, mark."""
    with container.sessions() as session:
        stmt = (select(OutboxMessage).where(OutboxMessage.published_at.is_(None))
                .order_by(OutboxMessage.id).limit(batch))
        if not container.settings.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(session.scalars(stmt))
        if not rows:
            session.rollback()
            return 0
        futures = [producer.send(container.topic(row.topic), key=row.key.encode(),
                                 value=row.event.encode(), headers=CE_HEADERS) for row in rows]
        producer.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)  # raises: nothing is marked, all is sent again
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
                        .values(published_at=container.clock()))
        session.commit()
    return len(rows)


def prune(container: Container, keep: timedelta = timedelta(days=1)) -> None:
    with container.sessions() as session:
        session.execute(delete(OutboxMessage).where(
            OutboxMessage.published_at < container.clock() - keep))
        session.commit()


def run(container: Container, stop: Event | None = None) -> None:
    stop = stop or Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    producer = make_producer(container.settings.kafka_bootstrap)
    log.info("relay_started")
    last_prune = 0.0
    while not stop.is_set():
        try:
            sent = relay_once(container, producer)
        except Exception:  # broker or database away: wait and try again, lose nothing
            log.warning("relay_failed", exc_info=True)
            stop.wait(1.0)
            continue
        if sent:
            log.info("outbox_relayed", count=sent)
        elif time.monotonic() - last_prune > 3600:
            prune(container)
            last_prune = time.monotonic()
        if not sent:
            stop.wait(container.settings.relay_interval_s)
    producer.close(timeout=10)
    log.info("relay_stopped")
