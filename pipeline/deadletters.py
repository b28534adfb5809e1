"""Dead letters: list what failed for good, and re-drive it to the topic it came from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer

from pipeline.bootstrap import Container
from pipeline.handlers.tasks import reopen_task
from pipeline.streaming import topics
from pipeline.streaming.reading import read_to_end

REDRIVE_CONSUMER = "redrive"  # inbox marker: each dead letter is re-driven once


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: str
    headers: dict[str, str]
    value: bytes

    @property
    def ref(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def event(self) -> dict[str, Any]:
        try:
            return json.loads(self.value)  # type: ignore[no-any-return]
        except ValueError:
            return {}

    @property
    def task(self) -> str | None:
        data = self.event.get("data")
        return data.get("task") if isinstance(data, dict) else None


def read_all(container: Container) -> list[DeadLetter]:
    """Every message of the dead-letter topic, oldest first (read-only)."""
    records = read_to_end(container.settings.kafka_bootstrap,
                          container.topic(topics.DEAD_LETTER.base))
    letters = [DeadLetter(r.partition, r.offset, (r.key or b"").decode(),
                          {k: v.decode(errors="replace") for k, v in r.headers}, r.value)
               for r in records]
    return sorted(letters, key=lambda d: (d.partition, d.offset))


def redriven(container: Container, letters: list[DeadLetter]) -> set[str]:
    from sqlalchemy import select

    from pipeline.persistence.tables import ProcessedMessage

    with container.sessions() as session:
        return set(session.scalars(select(ProcessedMessage.event_id).where(
            ProcessedMessage.consumer == REDRIVE_CONSUMER,
            ProcessedMessage.event_id.in_([d.ref for d in letters]))))


def redrive(container: Container, letters: list[DeadLetter]) -> list[DeadLetter]:
    """Send each letter back to its origin with a fresh attempt count; once per letter.

    Sent before it is marked: a crash in between sends it twice, and the inbox of the agent
    that receives it makes the second a no-op."""
    already = redriven(container, letters)
    producer = KafkaProducer(bootstrap_servers=container.settings.kafka_bootstrap, acks="all")
    done: list[DeadLetter] = []
    for letter in (d for d in letters if d.ref not in already):
        if letter.task and letter.event.get("subject"):
            reopen_task(container.uow, letter.event["subject"], letter.task)
        headers = [(k, v.encode()) for k, v in letter.headers.items()
                   if k not in ("attempt", "due_at", "reason", "error")]
        producer.send(letter.headers["origin"], key=letter.key.encode(), value=letter.value,
                      headers=[*headers, ("redriven_from", letter.ref.encode())]).get(30)
        with container.uow() as uow:
            uow.mark_processed(REDRIVE_CONSUMER, letter.ref)
            uow.commit()
        done.append(letter)
    producer.close()
    return done
