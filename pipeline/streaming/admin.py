"""Creating, waiting for and deleting Lahir's Kafka topics (kafka-python's admin client)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError, UnknownTopicOrPartitionError
from kafka.errors import for_code as error_for_code

from pipeline.streaming import topics
from pipeline.streaming.topics import TopicSpec

CLIENT_ID = "lahir-admin"


@contextmanager
def admin_client(bootstrap: str, timeout: float = 30) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id=CLIENT_ID,
        bootstrap_timeout_ms=int(timeout * 1000),
        request_timeout_ms=int(timeout * 1000),
    )
    try:
        yield client
    finally:
        client.close()


def wait_for_broker(bootstrap: str, timeout: float = 30) -> None:
    """Return once the cluster answers a metadata request; KafkaError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with admin_client(bootstrap, timeout=min(5.0, timeout)) as client:
                client.list_topics()
                return
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def ensure_topics(
    bootstrap: str,
    namespace: str = "",
    specs: Iterable[TopicSpec] = topics.ALL,
    timeout: float = 30,
    replication_factor: int = -1,
) -> list[str]:
    """Create every spec's topic that is missing, with its partitions and config; the names.

    Existing topics are left as they are (their partition count is not changed). Replication
    factor -1 is the brokers' default (1 on a single node, 3 on the three-node cluster).
    """
    wanted = {spec.name(namespace): spec for spec in specs}
    with admin_client(bootstrap, timeout) as client:
        missing = sorted(set(wanted) - set(client.list_topics()))
        if missing:
            request = {name: _topic_request(wanted[name], replication_factor) for name in missing}
            result = client.create_topics(
                request, timeout_ms=int(timeout * 1000), raise_errors=False
            )
            _raise_failures(result["topics"], ignore=TopicAlreadyExistsError)
            client.wait_for_topics(list(wanted), timeout_ms=int(timeout * 1000))
    return list(wanted)


def delete_topics(bootstrap: str, names: Iterable[str], timeout: float = 30) -> None:
    """Delete the named topics; ones already gone are fine."""
    names = list(names)
    if not names:
        return
    with admin_client(bootstrap, timeout) as client:
        result = client.delete_topics(names, timeout_ms=int(timeout * 1000), raise_errors=False)
        _raise_failures(result["topics"], ignore=UnknownTopicOrPartitionError)


def _topic_request(spec: TopicSpec, replication_factor: int) -> dict[str, Any]:
    return {
        "num_partitions": spec.partitions,
        "replication_factor": replication_factor,
        "configs": dict(spec.config),
    }


def _raise_failures(results: list[dict[str, Any]], ignore: type[KafkaError]) -> None:
    for result in results:
        error = error_for_code(result["error_code"])
        if result["error_code"] and error is not ignore:
            raise error(f"{result['name']}: {result.get('error_message')}")
