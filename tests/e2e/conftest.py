"""The whole stack as real processes on real Kafka and PostgreSQL, one per test module."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from pipeline.births import birth_report
from pipeline.infra.processes import free_port
from pipeline.infra.stack import Stack
from pipeline.persistence.facilities import dev_secret
from pipeline.persistence.migrate import upgrade
from pipeline.streaming import admin


@dataclass
class RunningStack:
    stack: Stack
    env: dict[str, str]
    api: str
    siak: str
    bpjs: str
    namespace: str
    database_url: str
    kafka_bootstrap: str
    notify: str = ""

    def mothers(self, n: int, kind: str = "happy", offset: int = 0) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.siak}/_sim/population/sample",
                             params={"n": n, "kind": kind, "offset": offset},
                             headers={"X-Api-Key": "lahir-dev-siak-key"}, timeout=10)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def ledger(self, which: str) -> list[dict[str, Any]]:
        base = self.siak if which == "siak" else self.bpjs
        headers = {"X-Api-Key": "lahir-dev-siak-key"}
        return httpx.get(f"{base}/_sim/ledger", headers=headers, timeout=10).json()["effects"]


@pytest.fixture(scope="module")
def stack_overrides() -> dict[str, str]:
    """Environment of this module's stack on top of the defaults; a module may override it."""
    return {}


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, database_url: str, stack_overrides: dict[str, str],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with launch_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("stack"),
                      stack_overrides) as running:
        yield running


@contextmanager
def launch_stack(kafka_bootstrap: str, database_url: str, where: Path,
                 overrides: dict[str, str] | None = None, *, workers: int = 1,
                 replication_factor: int = 1) -> Iterator[RunningStack]:
    """A whole environment of its own: topics namespace, database, simulator state, ports.

    `workers` > 1 are `worker-1` … `worker-N` in one consumer group (`stack.stack.kill(name)`,
    `.restart(name)`); `replication_factor` 3 on a `kafka_cluster(3)`.
    """
    from pipeline.infra.postgres import create_database

    namespace = f"e2e{uuid4().hex[:8]}"
    db_url = create_database(database_url, f"lahir_{namespace}")
    var = where / "var"
    ports: dict[str, int] = {}
    for name in ("api", "siak", "bpjs", "worker", "notify",
                 *(f"worker-{i}" for i in range(2, workers + 1))):
        while (port := free_port()) in ports.values():
            pass
        ports[name] = port
    env = {
        "KAFKA_BOOTSTRAP": kafka_bootstrap, "DATABASE_URL": db_url, "TOPIC_NAMESPACE": namespace,
        "API_PORT": str(ports["api"]), "SIAK_URL": f"http://127.0.0.1:{ports['siak']}",
        "BPJS_URL": f"http://127.0.0.1:{ports['bpjs']}", "WORKER_WEB_PORT": str(ports["worker"]),
        "NOTIFY_URL": f"http://127.0.0.1:{ports['notify']}", "PKI_DIR": str(var / "pki"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['api']}",
        "POPULATION_FAMILIES": "600", "BROKER_SESSION_TIMEOUT": "10", "LOG_LEVEL": "INFO",
        **(overrides or {}),
    }
    upgrade(db_url)
    admin.ensure_topics(kafka_bootstrap, namespace, replication_factor=replication_factor)
    worker_ports = [ports["worker"], *(ports[f"worker-{i}"] for i in range(2, workers + 1))]
    running = Stack(var, env, workers=workers, worker_ports=worker_ports)
    try:
        running.up()
        yield RunningStack(running, env, f"http://127.0.0.1:{ports['api']}", env["SIAK_URL"],
                           env["BPJS_URL"], namespace, db_url, kafka_bootstrap,
                           notify=env["NOTIFY_URL"])
    finally:
        running.down(infra=False)
        _show_logs_on_failure(var)


def _show_logs_on_failure(var: Path) -> None:
    for log in sorted((var / "log").glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        errors = [line for line in lines if '"error"' in line or "Traceback" in line]
        if errors:
            print(f"--- {log.name}: {len(errors)} error lines, last ones:")  # noqa: T201
            print("\n".join(errors[-5:]))  # noqa: T201


def reports_for(mothers: list[dict[str, Any]], seed: int, prefix: str,
                **overrides: Any) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    witnesses = ({"nik": "3673010101809903", "name": "Budi Santoso"},
                 {"nik": "3673014202859904", "name": "Dewi Lestari"})
    now = datetime.now(UTC)
    return [birth_report(m, rng, notification_id=f"{prefix}-{i:04d}", now=now,
                         witnesses=witnesses, **overrides) for i, m in enumerate(mothers)]


FACILITY = "RSUDSRG"
SECRET = dev_secret(FACILITY)
