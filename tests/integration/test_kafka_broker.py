"""The local broker serves every client we use: aiokafka, kafka-python and kcat; the local
three-node cluster keeps every acknowledged record through the crash of one node."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

from pipeline.infra.kafka_cluster import kafka_cluster
from pipeline.streaming import admin, topics

pytestmark = pytest.mark.integration


async def test_a_record_sent_with_aiokafka_comes_back_with_aiokafka(
    kafka_bootstrap: str, kafka_topics: str
) -> None:
    topic = topics.DEAD_LETTER.name(kafka_topics)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"reg-1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, group_id=uuid4().hex, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"reg-1", b"hello")


def test_a_record_sent_with_kafka_python_comes_back_with_kafka_python(
    kafka_bootstrap: str, kafka_topics: str
) -> None:
    topic = topics.DEAD_LETTER.name(kafka_topics)
    with KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all") as producer:
        producer.send(topic, key=b"reg-2", value=b"hello").get(timeout=30)
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=uuid4().hex,
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        record = next(iter(consumer))
    finally:
        consumer.close()
    assert (record.key, record.value) == (b"reg-2", b"hello")


def test_ensure_topics_creates_every_topic_with_its_partitions_and_config(
    kafka_bootstrap: str, topic_namespace: str
) -> None:
    names = admin.ensure_topics(kafka_bootstrap, topic_namespace)
    try:
        assert admin.ensure_topics(kafka_bootstrap, topic_namespace) == names  # idempotent
        with admin.admin_client(kafka_bootstrap) as client:
            described = {t["name"]: len(t["partitions"]) for t in client.describe_topics(names)}
            resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
            configs = client.describe_configs(resources)["topic"]
        for spec in topics.ALL:
            name = spec.name(topic_namespace)
            assert described[name] == spec.partitions, name
            assert {k: v["value"] for k, v in configs[name].items()} == spec.config, name
    finally:
        admin.delete_topics(kafka_bootstrap, names)


def test_kcat_lists_our_topics_and_reads_a_cloudevent_we_wrote(
    kafka_bootstrap: str, kafka_topics: str
) -> None:
    topic = topics.BIRTHS_REPORTED.name(kafka_topics)
    event = {
        "specversion": "1.0",
        "id": str(uuid4()),
        "source": "/facilities/RSUDSRG",
        "type": "birth.reported",
        "time": datetime.now(UTC).isoformat(),
        "subject": "reg-3",
        "datacontenttype": "application/json",
        "data": {"weight_g": 3100},
    }
    with KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all") as producer:
        producer.send(topic, key=b"reg-3", value=json.dumps(event).encode()).get(timeout=30)

    listing = kcat("-b", kafka_bootstrap, "-L")
    read = kcat("-b", kafka_bootstrap, "-C", "-t", topic, "-c", "1", "-e", "-q")

    assert all(f'topic "{spec.name(kafka_topics)}"' in listing for spec in topics.ALL)
    assert json.loads(read) == event


def kcat(*args: str) -> str:
    done = subprocess.run(["kcat", *args], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_a_three_node_cluster_keeps_every_acknowledged_record_through_a_crashed_node() -> None:
    with kafka_cluster(3) as cluster:
        topic = topics.BIRTHS_REPORTED.name(uuid4().hex[:12])
        admin.ensure_topics(cluster.bootstrap, "", [_spec_named(topic)], replication_factor=3)
        assert {len(p["replica_nodes"]) for p in _partitions(cluster.bootstrap, topic)} == {3}
        assert _effective_config(cluster.bootstrap, topic)["min.insync.replicas"] == "2"
        with KafkaProducer(bootstrap_servers=cluster.bootstrap, acks="all") as producer:
            for i in range(10):
                producer.send(topic, key=f"reg-{i}".encode(), value=b"before").get(timeout=30)
            cluster.kill(1)  # SIGKILL: a crash, its replicas and controller vote gone
            for i in range(10, 20):
                producer.send(topic, key=f"reg-{i}".encode(), value=b"after").get(timeout=60)
        assert sorted(_read_all(cluster.bootstrap, topic, 20)) == sorted(
            f"reg-{i}".encode() for i in range(20))

        cluster.restart(1)
        deadline = time.monotonic() + 60
        while any(len(p["isr_nodes"]) < 3 for p in _partitions(cluster.bootstrap, topic)):
            assert time.monotonic() < deadline, "the restarted node never caught up"
            time.sleep(0.5)


def _spec_named(name: str) -> topics.TopicSpec:
    return topics.TopicSpec(name, topics.BIRTHS_REPORTED.partitions, topics.BIRTHS_REPORTED.config)


def _partitions(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """Every partition's replicas and ISR, once the answering node knows them all."""
    deadline = time.monotonic() + 30
    while True:
        with admin.admin_client(bootstrap) as client:
            partitions: list[dict[str, Any]] = client.describe_topics([topic])[0]["partitions"]
        if len(partitions) == topics.BIRTHS_REPORTED.partitions or time.monotonic() > deadline:
            return partitions
        time.sleep(0.5)


def _effective_config(bootstrap: str, topic: str) -> dict[str, str]:
    """The topic's configuration with what it inherits from the brokers' defaults."""
    with admin.admin_client(bootstrap) as client:
        configs = client.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)],
                                          config_filter="all")
    return {key: value["value"] for key, value in configs["topic"][topic].items()}


def _read_all(bootstrap: str, topic: str, count: int) -> list[bytes]:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=uuid4().hex,
                             auto_offset_reset="earliest", consumer_timeout_ms=30_000)
    try:
        return [record.key for _, record in zip(range(count), consumer, strict=False)]
    finally:
        consumer.close()
