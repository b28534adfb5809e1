"""Shared fixtures. Infrastructure: an environment variable, else a container, else our launcher."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from uuid import uuid4

import pytest

from pipeline.infra import launcher
from pipeline.streaming import admin

# ---------------------------------------------------------------- infrastructure


def docker_answers() -> bool:
    with contextlib.suppress(Exception):  # no socket, no daemon, no permission
        import docker

        return bool(docker.from_env(timeout=2).ping())
    return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """host:port of a Kafka broker for the whole session; never skipped, an error if none."""
    if bootstrap := os.environ.get("TEST_KAFKA_BOOTSTRAP"):
        admin.wait_for_broker(bootstrap)
        yield bootstrap
    elif docker_answers():
        from testcontainers.community.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft() as broker:
            yield broker.get_bootstrap_server()
    else:
        with launcher.kafka() as bootstrap:
            yield bootstrap


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """SQLAlchemy URL of a PostgreSQL database made for this session."""
    if server_url := os.environ.get("TEST_DATABASE_URL"):
        name = f"lahir_test_{uuid4().hex[:12]}"
        yield launcher.create_database(server_url, name)
        launcher.drop_database(server_url, name)
    elif docker_answers():
        from testcontainers.community.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver="psycopg") as pg:
            yield pg.get_connection_url()
    else:
        with launcher.postgres() as url:
            yield url


# ---------------------------------------------------------------- kafka topics


@pytest.fixture
def topic_namespace() -> str:
    """A prefix of this test's own topics (see TopicSpec.name)."""
    return uuid4().hex[:12]


@pytest.fixture
def kafka_topics(kafka_bootstrap: str, topic_namespace: str) -> Iterator[str]:
    """Every topic of topics.ALL under this test's namespace; yields the namespace."""
    names = admin.ensure_topics(kafka_bootstrap, topic_namespace)
    yield topic_namespace
    admin.delete_topics(kafka_bootstrap, names)
