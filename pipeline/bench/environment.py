"""The bench's own Kafka and PostgreSQL, and isolated Lahir environments launched on them."""

from __future__ import annotations

import inspect
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

from pipeline.infra.kafka_broker import KafkaBroker
from pipeline.infra.postgres import LocalPostgres
from pipeline.infra.processes import free_port, pid_alive, pid_runs, read_pidfile
from pipeline.infra.stack import Stack

SIM_KEY = {"X-Api-Key": "lahir-dev-siak-key"}


@dataclass(frozen=True)
class Infra:
    """Kafka and PostgreSQL of one bench run (on free ports, data in a temporary directory)."""

    kafka_bootstrap: str
    postgres_url: str
    run_dir: Path  # kafka.pid, postgres.pid

    def pids(self) -> dict[str, int]:
        return _pids(self.run_dir, ("kafka", "postgres"))


@contextmanager
def infrastructure() -> Iterator[Infra]:
    """A fresh single-node broker and a durable PostgreSQL (fsync on, as in production),
    nobody else's: the broker figures and CPU belong to this run alone."""
    with (tempfile.TemporaryDirectory(prefix="lahir-bench-", ignore_cleanup_errors=True) as tmp,
          tempfile.TemporaryDirectory(prefix="lahir-bench-pg-",
                                      ignore_cleanup_errors=True) as pg_dir):
        where = Path(tmp)  # PostgreSQL gets a directory of its own: it may drop root for it
        run = where / "run"
        broker = KafkaBroker(where / "kafka", free_port(), free_port(),
                             log_file=where / "kafka.log", pid_file=run / "kafka.pid")
        pg = LocalPostgres(Path(pg_dir), free_port(), durable=True,
                           pid_file=run / "postgres.pid")
        try:
            bootstrap = broker.start()
            url = pg.start()
            yield Infra(bootstrap, url, run)
        finally:
            pg.stop()
            broker.stop()


@dataclass
class Environment:
    """One isolated Lahir: own topic namespace, database, simulator state and ports."""

    stack: Stack
    env: dict[str, str]
    namespace: str
    database: str  # postgres | sqlite
    database_url: str
    kafka_bootstrap: str
    workers: int

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.env['API_PORT']}"

    @property
    def siak(self) -> str:
        return self.env["SIAK_URL"]

    @property
    def bpjs(self) -> str:
        return self.env["BPJS_URL"]

    @property
    def group_id(self) -> str:  # the Faust app id (pipeline/streaming/app.py)
        return f"lahir-pipeline-{self.namespace}"

    def pids(self) -> dict[str, int]:
        names = sorted(p.stem for p in self.stack.run_dir.glob("*.pid"))
        return _pids(self.stack.run_dir, names)

    def worker_names(self) -> list[str]:
        return sorted(n for n in self.pids() if n.startswith("worker"))

    def kill(self, name: str) -> None:
        """kill -9 one process of this environment (a crash: no shutdown, no commit)."""
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        while pid_alive(pid):
            time.sleep(0.05)

    def set_latency(self, latency_ms: dict[str, int], jitter: float) -> str:
        """Government-API latency on both simulators, spread by ± `jitter` (a fraction of the
        latency) through their `latency_jitter_ms` switch; says what was set."""
        for name, base in (("siak", self.siak), ("bpjs", self.bpjs)):
            body = {"latency_ms": latency_ms[name],
                    "latency_jitter_ms": round(latency_ms[name] * jitter)}
            httpx.post(f"{base}/_sim/faults", headers=SIM_KEY, json=body,
                       timeout=10).raise_for_status()
        return f"±{jitter:.0%} (latency_jitter_ms)" if jitter else "none"


@contextmanager
def launch(infra: Infra, where: Path, database: str, *, workers: int = 1,
           overrides: dict[str, str] | None = None) -> Iterator[Environment]:
    """Start a whole environment (modelled on tests/e2e launch_stack); stopped on exit."""
    from pipeline.infra.databases import create_database
    from pipeline.persistence.migrate import upgrade
    from pipeline.streaming import admin

    namespace = f"bench{uuid4().hex[:8]}"
    var = where / namespace / "var"
    var.mkdir(parents=True, exist_ok=True)
    db_url = (create_database(infra.postgres_url, f"lahir_{namespace}") if database == "postgres"
              else f"sqlite:///{(var / 'lahir.db').resolve()}")
    env = _env(infra.kafka_bootstrap, db_url, namespace, var, overrides or {})
    upgrade(db_url)
    admin.ensure_topics(infra.kafka_bootstrap, namespace)
    stack = _stack(var, env, workers)
    try:
        stack.up()
        yield Environment(stack, env, namespace, database, db_url, infra.kafka_bootstrap, workers)
    finally:
        stack.down(infra=False)


def _env(bootstrap: str, db_url: str, namespace: str, var: Path,
         overrides: dict[str, str]) -> dict[str, str]:
    ports = {name: free_port() for name in ("api", "siak", "bpjs", "worker", "notify")}
    return {
        "KAFKA_BOOTSTRAP": bootstrap, "DATABASE_URL": db_url, "TOPIC_NAMESPACE": namespace,
        "API_PORT": str(ports["api"]), "SIAK_URL": f"http://127.0.0.1:{ports['siak']}",
        "BPJS_URL": f"http://127.0.0.1:{ports['bpjs']}", "WORKER_WEB_PORT": str(ports["worker"]),
        "NOTIFY_URL": f"http://127.0.0.1:{ports['notify']}", "PKI_DIR": str(var / "pki"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['api']}",
        "LOG_LEVEL": "INFO",
        "RATE_LIMIT_PER_MINUTE": "100000000",  # the load is ours: no facility limit
        **overrides,
    }


def _stack(var: Path, env: dict[str, str], workers: int) -> Stack:
    accepts = inspect.signature(Stack).parameters
    if "worker_ports" in accepts:  # each worker's web port free, not WORKER_WEB_PORT + i
        return Stack(var, env, workers=workers,  # type: ignore[call-arg,unused-ignore]
                     worker_ports=[free_port() for _ in range(workers)])
    if "workers" in accepts:
        return Stack(var, env, workers=workers)  # type: ignore[call-arg,unused-ignore]
    if workers != 1:
        raise RuntimeError("this Stack starts one worker only (no workers= parameter yet)")
    return Stack(var, env)


def _pids(run_dir: Path, names: Iterator[str] | list[str] | tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name in names:
        record = read_pidfile(run_dir / f"{name}.pid")
        if record and pid_runs(record[0], record[1]):
            found[name] = record[0]
    return found
