"""Kafka figures of one environment: messages written to its topics, and its group's commits."""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from pipeline.streaming import topics

FLOW_TOPICS = (topics.BIRTHS_REPORTED, *topics.TASKS.values())  # every birth passes these


class Offsets:
    """End offsets of the namespace's topics (no group: reading them moves nothing)."""

    def __init__(self, bootstrap: str, namespace: str) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="lahir-bench")
        self.all = [TopicPartition(spec.name(namespace), p)
                    for spec in topics.ALL for p in range(spec.partitions)]
        self.flow = [tp for tp in self.all
                     if tp.topic in {s.name(namespace) for s in FLOW_TOPICS}]

    def total(self) -> int:
        """Messages ever written to Lahir's topics of the namespace."""
        return sum(self.consumer.end_offsets(self.all).values())

    def ends(self) -> dict[TopicPartition, int]:
        return dict(self.consumer.end_offsets(self.flow))

    def committed(self, group_id: str) -> dict[TopicPartition, int]:
        """The group's committed offsets on the flow topics (-1 or absent: never committed)."""
        found = self.admin.list_group_offsets({group_id: None}).get(group_id, {})
        wanted = set(self.flow)
        return {tp: meta.offset for tp, meta in found.items() if tp in wanted}

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()
