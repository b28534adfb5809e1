"""The configuration of the local broker: a KRaft node that is its own controller."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path


def render_server_properties(
    log_dir: Path,
    port: int,
    controller_port: int,
    host: str = "127.0.0.1",
    overrides: Mapping[str, str] | None = None,
) -> str:
    """server.properties of a combined broker+controller node; log.dirs is always absolute."""
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{host}:{controller_port}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(log_dir.resolve()),  # the format tool reads it from the file only
        "num.partitions": "1",
        "auto.create.topics.enable": "false",  # topics come from pipeline.streaming.admin
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",  # 50 by default: slow first group join
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",  # no 3 s wait on each first group join
        **(overrides or {}),
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())


def new_cluster_id() -> str:
    """22 characters of URL-safe base64, never starting with '-' (the CLI would read an option)."""
    while (cid := base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))[0] == "-":
        pass
    return cid
