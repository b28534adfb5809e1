"""The configuration of a local KRaft node: alone, or one of a cluster of combined nodes."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

MIN_INSYNC_REPLICAS = 2  # with replication factor 3: one node may die and acks=all still succeeds


def render_server_properties(
    log_dir: Path,
    port: int,
    controller_port: int,
    host: str = "127.0.0.1",
    overrides: Mapping[str, str] | None = None,
    *,
    node_id: int = 1,
    voters: str | None = None,
    replication: int = 1,
) -> str:
    """server.properties of a combined broker+controller node; log.dirs is always absolute.

    `voters` is the cluster's `controller.quorum.voters` (see `quorum_voters`); alone, the node
    is its own quorum. `replication` > 1 makes it the default of every topic and of Kafka's own,
    with `min.insync.replicas` 2.
    """
    min_isr = str(min(MIN_INSYNC_REPLICAS, replication))
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": voters or f"{node_id}@{host}:{controller_port}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(log_dir.resolve()),  # the format tool reads it from the file only
        "num.partitions": "1",
        "auto.create.topics.enable": "false",  # topics come from pipeline.streaming.admin
        "default.replication.factor": str(replication),
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": str(replication),
        "offsets.topic.num.partitions": "1",  # 50 by default: slow first group join
        "transaction.state.log.replication.factor": str(replication),
        "transaction.state.log.min.isr": min_isr,
        "transaction.state.log.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",  # no 3 s wait on each first group join
        **(overrides or {}),
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())


def quorum_voters(controller_ports: Sequence[int], host: str = "127.0.0.1") -> str:
    """`controller.quorum.voters` of nodes 1..n, node i listening on controller_ports[i-1]."""
    return ",".join(f"{i}@{host}:{port}" for i, port in enumerate(controller_ports, start=1))


def new_cluster_id() -> str:
    """22 characters of URL-safe base64, never starting with '-' (the CLI would read an option)."""
    while (cid := base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))[0] == "-":
        pass
    return cid


def read_cluster_id(log_dir: Path) -> str | None:
    """The cluster id a formatted log directory belongs to (its meta.properties), if formatted."""
    meta = log_dir / "meta.properties"
    if not meta.exists():
        return None
    for line in meta.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "cluster.id":
            return value.strip()
    return None
