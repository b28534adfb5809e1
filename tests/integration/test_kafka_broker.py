"""The local broker serves every client we use: aiokafka, kafka-python and kcat."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

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
