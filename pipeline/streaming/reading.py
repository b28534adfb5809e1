"""Read a topic from chosen positions up to its current end, without a consumer group."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kafka import KafkaConsumer, TopicPartition

Seek = Callable[[KafkaConsumer, list[TopicPartition]], None]


def from_beginning(consumer: KafkaConsumer, partitions: list[TopicPartition]) -> None:
    consumer.seek_to_beginning(*partitions)


def read_to_end(bootstrap: str, topic: str, seek: Seek = from_beginning,
                timeout_s: float = 10.0) -> Iterator[Any]:
    """Every record from where `seek` puts each partition to the end offsets seen at the start;
    read-only (no group, no commits), so listing or exporting never moves anyone's offsets."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=int(timeout_s * 1000))
    try:
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        seek(consumer, partitions)
        ends = consumer.end_offsets(partitions)
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000).values():
                yield from records
    finally:
        consumer.close()
