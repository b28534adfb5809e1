"""Local Kafka on free ports: one node (`kafka()`), or a cluster of combined KRaft nodes.

A cluster of three (`lahir up --brokers 3`, `kafka_cluster(3)` in tests) replicates every topic
three times with `min.insync.replicas` 2: one node may crash and acks=all writes still succeed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pipeline.infra.kafka_broker import ClusterMember, KafkaBroker
from pipeline.infra.kafka_config import new_cluster_id, quorum_voters, read_cluster_id
from pipeline.infra.processes import free_port, port_open

REPLICATION = 3
Server = TypeVar("Server", KafkaBroker, "KafkaCluster")


class KafkaCluster:
    """n combined broker+controller nodes, node i in `<var_dir>/kafka-<i>` on ports[i-1]."""

    def __init__(
        self,
        var_dir: Path,
        ports: Sequence[tuple[int, int]],  # (client, controller) of each node
        *,
        run_dir: Path | None = None,  # pid files kafka-<i>.pid: detached, for `lahir down`
        log_dir: Path | None = None,  # kafka-<i>.log; default: inside each node's directory
        heap: str = "512m",
        host: str = "127.0.0.1",
    ) -> None:
        dirs = [var_dir.resolve() / f"kafka-{i}" for i in range(1, len(ports) + 1)]
        cluster_id = _shared_cluster_id(dirs)
        voters = quorum_voters([controller for _, controller in ports], host)
        replication = min(REPLICATION, len(ports))
        self.nodes = [
            KafkaBroker(path, port, controller, host=host, heap=heap,
                        pid_file=run_dir / f"kafka-{i}.pid" if run_dir else None,
                        log_file=log_dir / f"kafka-{i}.log" if log_dir else None,
                        member=ClusterMember(i, voters, cluster_id, replication))
            for i, (path, (port, controller)) in enumerate(zip(dirs, ports, strict=True), start=1)
        ]

    @property
    def bootstrap(self) -> str:
        """Every node's address, comma-separated (kafka-python, aiokafka, faust, kcat read it)."""
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> KafkaBroker:
        return self.nodes[node_id - 1]

    def start(self, timeout: float = 120.0) -> str:
        """Launch every node not running, then wait for them: none is ready before a quorum."""
        starting = [node for node in self.nodes if not node.running]
        try:
            for node in starting:
                node.launch()
            for node in starting:
                node.wait_ready(timeout)
        except BaseException:
            for node in starting:
                node.stop(timeout=5)
            raise
        return self.bootstrap

    def stop(self, timeout: float = 30.0) -> None:
        for node in reversed(self.nodes):
            node.stop(timeout)

    def kill(self, node_id: int) -> None:
        """SIGKILL one node, as a crash; the others keep the quorum and the in-sync replicas."""
        self.node(node_id).kill()

    def restart(self, node_id: int, timeout: float = 90.0) -> None:
        """Start a stopped or killed node again on its own data; it catches up from the others."""
        self.node(node_id).start(timeout)


def _shared_cluster_id(dirs: Sequence[Path]) -> str:
    """The id the formatted nodes share, or a new one: a node formatted alone never joins."""
    found = {cid for path in dirs if (cid := read_cluster_id(path / "data"))}
    if len(found) > 1:
        raise RuntimeError(f"the nodes in {dirs[0].parent} belong to different clusters: {found}")
    return found.pop() if found else new_cluster_id()


def cluster_ports(nodes: int, first: int = 9092) -> list[tuple[int, int]]:
    """The fixed ports of `lahir up --brokers n`: node i on first+2(i-1), its controller +1."""
    return [(first + 2 * i, first + 2 * i + 1) for i in range(nodes)]


def free_ports(nodes: int) -> list[tuple[int, int]]:
    ports: set[int] = set()
    while len(ports) < 2 * nodes:
        ports.add(free_port())
    ordered = sorted(ports)
    return [(ordered[2 * i], ordered[2 * i + 1]) for i in range(nodes)]


def start_detached(var_dir: Path, run_dir: Path, log_dir: Path, bootstrap: str,
                   brokers: int = 1) -> str:
    """Kafka for `lahir up`, left running (pid files in run_dir): the bootstrap list.

    One broker: `<var>/kafka` on the port of `bootstrap`, or whatever already answers there.
    A cluster: nodes `<var>/kafka-<i>` on `cluster_ports` from that port; running nodes are kept.
    """
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    if brokers == 1:
        if port_open(host, int(port)):
            return bootstrap  # a broker already serves: use it
        return KafkaBroker(var_dir / "kafka", int(port), int(port) + 1, host=host,
                           log_file=log_dir / "kafka.log", pid_file=run_dir / "kafka.pid").start()
    cluster = KafkaCluster(var_dir, cluster_ports(brokers, int(port)), host=host,
                           run_dir=run_dir, log_dir=log_dir)
    for i, node in enumerate(cluster.nodes, start=1):
        if not node.running and (port_open(host, node.port)
                                 or port_open(host, node.controller_port)):
            raise RuntimeError(f"{host}:{node.port} or :{node.controller_port} is taken, but not "
                               f"by node {i} of this cluster (a single broker of `lahir up`?): "
                               "`lahir down` first")
    return cluster.start()


@contextmanager
def kafka_cluster(nodes: int = 3, heap: str = "512m") -> Iterator[KafkaCluster]:
    """A throwaway cluster on free ports in a temporary directory; yields it (`.bootstrap`,
    `.kill(i)`, `.restart(i)`), stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="lahir-kafka-", ignore_cleanup_errors=True) as tmp:
        cluster = _start_on_free_ports(
            lambda: KafkaCluster(Path(tmp), free_ports(nodes), heap=heap))
        try:
            yield cluster
        finally:
            cluster.stop()


@contextmanager
def kafka(port: int | None = None) -> Iterator[str]:
    """A throwaway single broker on free ports in a temporary directory; yields "host:port"."""
    with tempfile.TemporaryDirectory(prefix="lahir-kafka-", ignore_cleanup_errors=True) as tmp:
        broker = _start_on_free_ports(lambda: KafkaBroker(Path(tmp), *_two_free_ports(port)),
                                      retry=port is None)
        try:
            yield broker.bootstrap
        finally:
            broker.stop()


def _start_on_free_ports(make: Callable[[], Server], retry: bool = True) -> Server:
    for attempt in range(3):
        server = make()
        try:
            server.start()
            return server
        except RuntimeError as exc:  # another process may bind a free port before the broker
            if not retry or attempt == 2 or "already" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


def _two_free_ports(port: int | None) -> tuple[int, int]:
    first = port or free_port()
    while (second := free_port()) == first:
        pass
    return first, second
