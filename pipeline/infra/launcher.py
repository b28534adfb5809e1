"""Local Kafka and PostgreSQL without Docker; run `python -m pipeline.infra.launcher --help`."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from pipeline.infra.databases import create_database, database_exists, drop_database
from pipeline.infra.kafka_broker import KafkaBroker
from pipeline.infra.kafka_cluster import KafkaCluster, cluster_ports, kafka, kafka_cluster
from pipeline.infra.kafka_config import render_server_properties
from pipeline.infra.kafka_jars import DEFAULT_LIBS, REPO_ROOT, fetch_kafka
from pipeline.infra.postgres import (
    LocalPostgres,
    pg_bin_dir,
    postgres,
)
from pipeline.infra.processes import free_port, stop_pidfile, wait_for_port

__all__ = [
    "DEFAULT_LIBS",
    "REPO_ROOT",
    "KafkaBroker",
    "KafkaCluster",
    "LocalPostgres",
    "create_database",
    "database_exists",
    "drop_database",
    "fetch_kafka",
    "free_port",
    "kafka",
    "kafka_cluster",
    "pg_bin_dir",
    "postgres",
    "render_server_properties",
    "stop_pidfile",
    "wait_for_port",
]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_signal)  # so `finally` stops what we started
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with it ignored
    if args.command == "fetch":
        sys.stdout.write(f"{fetch_kafka(args.libs)}\n")
        return 0
    with _workdir(args.data_dir) as workdir:
        server = _server(args, workdir)
        try:
            sys.stdout.write(f"{server.start()}\n")
            sys.stdout.flush()
            _wait_for_ctrl_c()
        finally:
            server.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline.infra.launcher", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="download the Kafka jars once (Maven)")
    fetch.add_argument("--libs", type=Path, default=None, help=f"default {DEFAULT_LIBS}")
    for name, port in (("kafka", 9092), ("postgres", 5432)):
        command = commands.add_parser(name, help=f"run a local {name} until Ctrl-C")
        command.add_argument("--port", type=int, default=port)
        command.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="keep data here (default: a temporary directory)",
        )
    commands.choices["kafka"].add_argument("--controller-port", type=int, default=9093)
    commands.choices["kafka"].add_argument(
        "--nodes", type=int, default=1,
        help="a cluster of this many combined nodes (3: replication 3, min.insync.replicas 2), "
        "node i on --port + 2(i-1) and its controller on the next; prints the bootstrap list")
    return parser


def _server(args: argparse.Namespace, workdir: Path) -> KafkaBroker | KafkaCluster | LocalPostgres:
    if args.command == "kafka" and args.nodes > 1:
        return KafkaCluster(workdir, cluster_ports(args.nodes, args.port))
    if args.command == "kafka":
        return KafkaBroker(workdir, args.port, args.controller_port)
    return LocalPostgres(workdir, args.port, durable=args.data_dir is not None)


@contextmanager
def _workdir(data_dir: Path | None) -> Iterator[Path]:
    if data_dir is not None:
        yield data_dir
        return
    with tempfile.TemporaryDirectory(prefix="lahir-", ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


def _wait_for_ctrl_c() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    sys.exit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
