"""The Faust application of the pipeline workers (at-least-once; effects are idempotent)."""

from __future__ import annotations

import faust

from pipeline.bootstrap import Container
from pipeline.logging import logging_config


def create_faust_app(container: Container) -> faust.App:
    s = container.settings
    app_id = f"lahir-pipeline-{s.topic_namespace}" if s.topic_namespace else "lahir-pipeline"
    return faust.App(
        app_id,
        broker=f"kafka://{s.kafka_bootstrap}",
        processing_guarantee="at_least_once",
        producer_acks=-1,
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=s.worker_web_port > 0,
        web_bind=s.worker_web_bind,
        web_port=max(s.worker_web_port, 1),
        datadir=str(s.worker_datadir),
        topic_allow_declare=False,  # topics are created by `lahir topics create`, with their counts
        topic_disable_leader=True,
        broker_session_timeout=s.broker_session_timeout,
        broker_heartbeat_interval=s.broker_heartbeat_interval,
        broker_request_timeout=max(s.broker_session_timeout + 30, 90),
        broker_commit_every=100,
        broker_commit_interval=1.0,
        # no tables: round-robin assignment of every topic's partitions across the workers
        table_standby_replicas=0,
        # a rebalance does not wait for events in flight: their offsets are not committed, the
        # new owner gets them again and the inbox absorbs the repeat (pipeline.streaming.window)
        stream_wait_empty=False,
        stream_buffer_maxsize=max(2 * s.stream_window, 64),
        logging_config=logging_config(s.log_json, s.log_level),
    )
