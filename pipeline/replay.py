"""Recorded births: export births.reported.v1 to JSON Lines, and replay a file or a range."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from pipeline.streaming import topics
from pipeline.streaming.reading import from_beginning, read_to_end

CE_HEADERS = [("content-type", b"application/cloudevents+json; charset=utf-8")]


@dataclass(frozen=True)
class Selection:
    """Which recorded reports: a time range, offsets, a facility, registration ids."""

    since: datetime | None = None
    until: datetime | None = None
    from_offset: int | None = None  # per partition
    to_offset: int | None = None
    facility: str | None = None
    registrations: frozenset[str] = frozenset()

    def keeps(self, event: dict[str, Any], timestamp_ms: int, offset: int) -> bool:
        if self.until and timestamp_ms > self.until.timestamp() * 1000:
            return False
        if self.to_offset is not None and offset > self.to_offset:
            return False
        if self.facility and event.get("source") != f"/facilities/{self.facility}":
            return False
        return not self.registrations or event.get("subject") in self.registrations


def recorded(bootstrap: str, namespace: str, selection: Selection,
             timeout_s: float = 10.0) -> Iterator[dict[str, Any]]:
    """The selected CloudEvents of births.reported.v1, partition by partition, in offset order;
    an event replayed onto the topic again (same id) is yielded once."""
    seen: set[str] = set()
    records = read_to_end(bootstrap, topics.BIRTHS_REPORTED.name(namespace),
                          lambda consumer, parts: _seek(consumer, parts, selection), timeout_s)
    for r in records:
        event = json.loads(r.value)
        if event.get("id") not in seen and selection.keeps(event, r.timestamp, r.offset):
            seen.add(event.get("id"))
            yield event


def _seek(consumer: KafkaConsumer, partitions: list[TopicPartition], selection: Selection) -> None:
    from_beginning(consumer, partitions)
    if selection.from_offset is not None:
        for tp in partitions:
            consumer.seek(tp, selection.from_offset)
    elif selection.since is not None:
        found = consumer.offsets_for_times(
            {tp: int(selection.since.timestamp() * 1000) for tp in partitions})
        for tp, at in found.items():
            if at is None:
                consumer.seek_to_end(tp)
            else:
                consumer.seek(tp, at.offset)


def export(events: Iterable[dict[str, Any]], out: Path) -> int:
    """One CloudEvent per line, exactly as recorded: edit by hand, replay later."""
    count = 0
    with out.open("w", encoding="utf-8") as file:
        for event in events:
            file.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_file(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise ValueError(f"{path}:{number}: not a JSON event ({exc})") from None


@dataclass(frozen=True)
class ReplayResult:
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else float("inf")


def replay(events: Iterable[dict[str, Any]], bootstrap: str, namespace: str, *,
           rate: float | None = None, on_sent: Callable[[], None] | None = None) -> ReplayResult:
    """Publish the events, unchanged (same ids: the inbox knows them), to births.reported.v1.

    `rate` births per second, open loop (each send at its intended time), or as fast as possible."""
    name = topics.BIRTHS_REPORTED.name(namespace)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    started, count = time.monotonic(), 0
    futures = []
    for event in events:
        if rate:
            delay = started + count / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        futures.append(producer.send(name, key=str(event["subject"]).encode(),
                                     value=json.dumps(event).encode(), headers=CE_HEADERS))
        count += 1
        if on_sent:
            on_sent()
    producer.flush()
    for future in futures:
        future.get(timeout=30)  # every event is in Kafka before we say so
    producer.close()
    return ReplayResult(count, time.monotonic() - started)
