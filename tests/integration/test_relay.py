"""The outbox relay on real Kafka, over SQLite and PostgreSQL: nothing lost, no lock across I/O."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.infra import launcher
from pipeline.infra.kafka_broker import KafkaBroker
from pipeline.infra.processes import free_port
from pipeline.persistence.db import make_engine, session_factory
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.outbox import outbox_store
from pipeline.persistence.tables import Base, OutboxMessage
from pipeline.streaming import admin, topics
from pipeline.streaming.relay import Relay, RelayOptions
from schemas.envelope import RawEnvelope

pytestmark = pytest.mark.integration

APP = "lahir-relay-test"  # application_name of the relay's PostgreSQL sessions
QUICK = RelayOptions(backoff_s=(0.2, 1.0), renew_every_s=2.0)


# ---------------------------------------------------------------- databases, relays, Kafka


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own: a SQLite file, or one on the session's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'relay.db'}"
    else:
        server = request.getfixturevalue("database_url")
        name = f"lahir_relay_{uuid4().hex[:12]}"
        url = launcher.create_database(server, name)
    upgrade(url, seed=False)
    yield url
    if not url.startswith("sqlite"):
        launcher.drop_database(server, name)


@pytest.fixture
def topic(kafka_bootstrap: str) -> Iterator[tuple[str, str]]:
    """(namespace, full name) of this test's own births.reported topic."""
    namespace = uuid4().hex[:12]
    names = admin.ensure_topics(kafka_bootstrap, namespace, [topics.BIRTHS_REPORTED])
    yield namespace, names[0]
    admin.delete_topics(kafka_bootstrap, names)


def a_container(url: str, bootstrap: str, namespace: str, *, relay: bool = False) -> Container:
    if relay and not url.startswith("sqlite"):
        url = f"{url}?application_name={APP}"  # so pg_stat_activity tells its sessions apart
    return Container(Settings(database_url=url, kafka_bootstrap=bootstrap,
                              topic_namespace=namespace, log_json=False))


@contextmanager
def relaying(container: Container, options: RelayOptions = QUICK) -> Iterator[Relay]:
    """A relay in a thread with its own event loop, stopped (and joined) on exit."""
    relay = Relay(container, options)
    thread = threading.Thread(target=lambda: asyncio.run(relay.run()), daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        relay.stop()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the relay did not stop"


def write(container: Container, n: int, *, pause: Callable[[], float] = lambda: 0.0) -> list[str]:
    """n outbox rows, one transaction each, pausing after the insert and before the commit."""
    ids = []
    for i in range(n):
        event = RawEnvelope(source="/lahir/test", type="birth.reported", subject=f"reg_{i}",
                            data={"n": i})
        with container.uow() as uow:
            uow.publish(topics.BIRTHS_REPORTED.base, event.subject, event)
            uow.session.flush()  # the id is taken now; the row appears only at the commit
            time.sleep(pause())
            uow.commit()
        ids.append(str(event.id))
    return ids


def published(bootstrap: str, topic: str) -> Counter[str]:
    """Event id → how often it is on the topic, read from the beginning to the current end."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        seen: Counter[str] = Counter()
        deadline = time.monotonic() + 60
        while any(consumer.position(p) < end[p] for p in parts) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                seen.update(json.loads(r.value)["id"] for r in records)
        return seen
    finally:
        consumer.close()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.02)


# ---------------------------------------------------------------- tests


def test_rows_committed_out_of_order_by_concurrent_writers_are_all_published(
    db_url: str, kafka_bootstrap: str, topic: tuple[str, str]
) -> None:
    namespace, name = topic
    writers, per_writer = 8, 25
    writer = a_container(db_url, kafka_bootstrap, namespace)
    relays = 1 if db_url.startswith("sqlite") else 2  # PostgreSQL: two relays share the outbox
    with ExitStack() as stack:
        running = [stack.enter_context(relaying(a_container(db_url, kafka_bootstrap, namespace)))
                   for _ in range(relays)]
        with ThreadPoolExecutor(writers) as pool:
            batches = pool.map(lambda _: write(writer, per_writer,
                                               pause=lambda: random.uniform(0, 0.02)),
                               range(writers))
            ids = [i for batch in batches for i in batch]
        wait_until(lambda: sum(r.published for r in running) >= len(ids), "every row published")
    seen = published(kafka_bootstrap, name)
    assert set(ids) <= set(seen)  # nothing lost
    assert max(seen.values()) == 1  # and, without a crash or outage, nothing twice either


def test_a_row_committed_while_the_relay_is_idle_arrives_on_kafka(
    db_url: str, kafka_bootstrap: str, topic: tuple[str, str]
) -> None:
    namespace, name = topic
    container = a_container(db_url, kafka_bootstrap, namespace)
    # no safety poll: only the wake-up (NOTIFY, or the SQLite change poll) can find the row
    idle = RelayOptions(safety_poll_s=3600, busy_window_s=0.1)
    with relaying(container, idle) as relay:
        wait_until(lambda: relay.cycles >= 1, "the relay looked once and found nothing")
        time.sleep(0.3)  # past the busy window: the relay is idle
        [event_id] = write(container, 1)
        wait_until(lambda: relay.published == 1, "the row published")
    assert published(kafka_bootstrap, name) == {event_id: 1}


def test_the_migrations_build_the_models_and_the_notify_trigger_on_postgresql(
    database_url: str,
) -> None:
    name = f"lahir_mig_{uuid4().hex[:12]}"
    url = launcher.create_database(database_url, name)
    try:
        upgrade(url, seed=False)
        engine = create_engine(url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            assert conn.scalar(text(
                "select count(*) from pg_trigger where tgname = 'outbox_notify'")) == 1
        engine.dispose()
    finally:
        launcher.drop_database(database_url, name)


async def test_a_leased_row_is_left_to_its_relay_until_released_or_the_lease_runs_out(
    database_url: str,
) -> None:
    name = f"lahir_lease_{uuid4().hex[:12]}"
    url = launcher.create_database(database_url, name)
    now = [datetime(2026, 11, 23, 2, 0, tzinfo=UTC)]
    one, other = (outbox_store(url, lambda: now[0], timedelta(seconds=60)) for _ in range(2))
    try:
        upgrade(url, seed=False)
        engine = make_engine(url)
        with session_factory(engine)() as session:
            session.add_all(OutboxMessage(topic="t", key=f"k{i}", event="{}", created_at=now[0])
                            for i in range(3))
            session.commit()
        engine.dispose()
        first, second, third = (row.id for row in await one.claim(500))
        assert await other.claim(500) == []  # all leased to the first relay
        await one.release([first])  # not delivered: anyone may take it again at once
        assert [row.id for row in await other.claim(500)] == [first]
        await other.mark_published([first])
        await one.mark_published([second])
        now[0] += timedelta(seconds=61)  # the first relay died holding the third row
        assert [row.id for row in await other.claim(500)] == [third]
    finally:
        await one.close()
        await other.close()
        launcher.drop_database(database_url, name)


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """A broker of this module's own, to stop and start again; not running yet."""
    broker = KafkaBroker(tmp_path_factory.mktemp("broker"), free_port(), free_port())
    yield broker
    broker.stop()


def test_with_kafka_away_writers_never_wait_for_the_relay_and_nothing_is_lost(
    db_url: str, own_broker: KafkaBroker
) -> None:
    namespace = uuid4().hex[:12]
    writer = a_container(db_url, own_broker.bootstrap, namespace)
    try:
        with relaying(a_container(db_url, own_broker.bootstrap, namespace, relay=True)) as relay:
            ids = write(writer, 20)  # nothing listens on the relay's port yet
            ids += writes_do_not_wait_for_the_relay(db_url)
            own_broker.start()
            [name] = admin.ensure_topics(own_broker.bootstrap, namespace, [topics.BIRTHS_REPORTED])
            wait_until(lambda: relay.published == len(ids), "caught up once the broker is there")

            own_broker.stop()  # away while the relay is connected: it claims, sends and waits
            ids += write(writer, 20)
            wait_until(lambda: relay.in_flight > 0, "rows claimed, sent and awaiting reports")
            ids += writes_do_not_wait_for_the_relay(db_url)
            assert relay.published < len(ids)

            own_broker.start()
            wait_until(lambda: relay.published >= len(ids), "all published after the outage")
        seen = published(own_broker.bootstrap, name)
    finally:
        own_broker.stop()
    assert set(ids) <= set(seen)


def writes_do_not_wait_for_the_relay(url: str, rounds: int = 5) -> list[str]:
    """Insert rows from a connection of our own, each under a short lock timeout; their ids.

    SQLite: BEGIN IMMEDIATE needs the write lock the old relay held while it waited for Kafka.
    PostgreSQL: the claimed rows are not locked and no relay session sits in a transaction.
    """
    ids = []
    for _ in range(rounds):
        event_id = str(uuid4())
        row = {"topic": topics.BIRTHS_REPORTED.base, "key": "reg_other", "now": datetime.now(UTC),
               "event": json.dumps({"id": event_id, "specversion": "1.0", "data": {}})}
        if url.startswith("sqlite"):
            conn = sqlite3.connect(make_url(url).database or "", timeout=2, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")  # "database is locked" after 2 s otherwise
                conn.execute(f"{INSERT} VALUES (:topic, :key, :event, :now)",
                             {**row, "now": row["now"].strftime("%Y-%m-%d %H:%M:%S.%f")})
                conn.execute("COMMIT")
            finally:
                conn.close()
        else:
            engine = create_engine(url)
            try:
                with engine.begin() as conn:
                    conn.execute(text("SET LOCAL lock_timeout = '2s'"))
                    conn.execute(text("SELECT id FROM outbox WHERE published_at IS NULL"
                                      " FOR UPDATE NOWAIT"))  # raises if a relay holds a row
                    conn.execute(text(f"{INSERT} VALUES (:topic, :key, :event, :now)"), row)
                    assert conn.scalar(RELAY_IN_TRANSACTION, {"app": APP}) == 0
            finally:
                engine.dispose()
        ids.append(event_id)
        time.sleep(0.2)
    return ids


INSERT = "INSERT INTO outbox (topic, key, event, created_at)"
RELAY_IN_TRANSACTION = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app"
                            " AND xact_start < now() - interval '1 second'")
