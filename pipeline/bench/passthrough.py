"""Raw aiokafka on the bench's broker: produce, consume and commit 1 KB messages, acks=all."""

from __future__ import annotations

import asyncio
import os
import time
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pipeline.bench.results import Passthrough
from pipeline.streaming.admin import delete_topics, ensure_topics
from pipeline.streaming.topics import TopicSpec

MESSAGE_BYTES = 1024
PARTITIONS = 6  # as births.reported.v1


async def passthrough(bootstrap: str, messages: int, cap_s: float) -> Passthrough:
    """Messages/s one producer and one consumer (in one process, like a Lahir worker) move
    through the broker while committing what they read: the ceiling to compare Lahir with."""
    spec = TopicSpec(f"bench.passthrough.{uuid4().hex[:8]}", PARTITIONS)
    await asyncio.to_thread(ensure_topics, bootstrap, "", [spec])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                max_batch_size=256 * 1024)
    consumer = AIOKafkaConsumer(spec.base, bootstrap_servers=bootstrap,
                                group_id=f"bench-{uuid4().hex[:8]}", enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=1 << 20)
    await producer.start()
    await consumer.start()
    try:
        return await _measure(producer, consumer, spec.base, messages, cap_s)
    finally:
        await consumer.stop()
        await producer.stop()
        await asyncio.to_thread(delete_topics, bootstrap, [spec.base])


async def _measure(producer: AIOKafkaProducer, consumer: AIOKafkaConsumer, topic: str,
                   messages: int, cap_s: float) -> Passthrough:
    payload = os.urandom(MESSAGE_BYTES)
    started = time.monotonic()
    deadline = started + cap_s
    produced = asyncio.create_task(_produce(producer, topic, payload, messages, deadline))
    consumed = 0
    while consumed < messages and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=500, max_records=5000)
        consumed += sum(len(records) for records in batches.values())
        if batches:
            await consumer.commit()
    seconds = time.monotonic() - started
    sent, produce_s = await produced
    return Passthrough(messages=consumed, message_bytes=MESSAGE_BYTES, seconds=round(seconds, 2),
                       produced_per_s=round(sent / produce_s, 1) if produce_s else 0.0,
                       passthrough_per_s=round(consumed / seconds, 1))


async def _produce(producer: AIOKafkaProducer, topic: str, payload: bytes, messages: int,
                   deadline: float) -> tuple[int, float]:
    started, sent = time.monotonic(), 0
    pending: list[asyncio.Future[object]] = []
    for i in range(messages):
        if time.monotonic() > deadline:
            break
        pending.append(await producer.send(topic, payload, key=str(i % 64).encode()))
        sent += 1
        if len(pending) >= 2000:  # bounded: wait for the acks of what is out
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return sent, time.monotonic() - started
