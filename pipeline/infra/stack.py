"""The local stack as processes: Kafka, optional PostgreSQL, simulators, API, relay, workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pipeline.infra.kafka_cluster import start_detached
from pipeline.infra.postgres import LocalPostgres
from pipeline.infra.processes import (
    pid_alive,
    pid_runs,
    read_pidfile,
    stop_pidfile,
    tail,
    terminate,
    write_pidfile,
)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    ready_url: str | None = None  # GET → 200 means ready
    ready_log: str | None = None  # a line containing this means ready
    env: dict[str, str] = field(default_factory=dict)  # on top of the stack's


class Stack:
    """Starts processes detached (pid files in var/run, logs in var/log); `down` stops them.

    `workers` Faust workers share one consumer group: one is `worker`, more are `worker-1` …
    `worker-N`, each with its own WORKER_ID, WORKER_WEB_PORT (`worker_ports`, else WORKER_WEB_PORT
    + i - 1) and WORKER_DATADIR (`var/worker-<i>`). None: as many as the pid files show (status,
    down).
    """

    def __init__(self, var_dir: Path, env: dict[str, str] | None = None,
                 workers: int | None = None, worker_ports: Sequence[int] | None = None) -> None:
        self.var = var_dir.resolve()
        self.env = {**os.environ, **(env or {})}
        self.run_dir, self.log_dir = self.var / "run", self.var / "log"
        self.workers = workers if workers is not None else self._workers_started()
        if self.workers < 1 or (worker_ports is not None and len(worker_ports) != self.workers):
            raise ValueError(f"{self.workers} workers, ports {worker_ports}")
        self.worker_ports = list(worker_ports) if worker_ports is not None else None

    def setting(self, name: str, default: str) -> str:
        return self.env.get(name, default)

    # infrastructure ----------------------------------------------------------------------
    def start_kafka(self, brokers: int = 1) -> str:
        """The bootstrap list of a broker (or a cluster of `brokers` nodes) started or found."""
        return start_detached(self.var, self.run_dir, self.log_dir,
                              self.setting("KAFKA_BOOTSTRAP", "127.0.0.1:9092"), brokers)

    def start_postgres(self) -> str:
        pg = LocalPostgres(self.var / "pg", int(self.setting("LAHIR_PG_PORT", "5433")),
                           pid_file=self.run_dir / "postgres.pid")
        return pg.start()

    # processes ---------------------------------------------------------------------------
    def specs(self) -> list[ProcessSpec]:
        py, e = sys.executable, self.setting
        api = f"http://{e('API_HOST', '127.0.0.1')}:{e('API_PORT', '8000')}"
        siak, bpjs = e("SIAK_URL", "http://127.0.0.1:8101"), e("BPJS_URL", "http://127.0.0.1:8102")
        notify = e("NOTIFY_URL", "http://127.0.0.1:8103")
        return [
            ProcessSpec("siak", [py, "-m", "simulators", "siak", *_bind(siak), "--state",
                                 str(self.var / "sim" / "siak.db")],
                        ready_url=f"{siak}/readyz"),
            ProcessSpec("bpjs", [py, "-m", "simulators", "bpjs", *_bind(bpjs), "--state",
                                 str(self.var / "sim" / "bpjs.db")],
                        ready_url=f"{bpjs}/readyz"),
            ProcessSpec("notify", [py, "-m", "simulators", "notify", *_bind(notify)],
                        ready_url=f"{notify}/readyz"),
            ProcessSpec("relay", [py, "-m", "pipeline", "serve", "relay"],
                        ready_log="relay_started"),
            *self.worker_specs(),
            ProcessSpec("api", [py, "-m", "pipeline", "serve", "api"], ready_url=f"{api}/readyz"),
        ]

    def worker_names(self) -> list[str]:
        return ["worker"] if self.workers == 1 else [
            f"worker-{i}" for i in range(1, self.workers + 1)]

    def worker_specs(self) -> list[ProcessSpec]:
        base = int(self.setting("WORKER_WEB_PORT", "6066"))
        argv = [sys.executable, "-m", "pipeline", "serve", "worker"]
        return [ProcessSpec(name, argv, ready_log="Ready", env={
                    "WORKER_ID": str(i),
                    "WORKER_WEB_PORT": str(self.worker_ports[i - 1] if self.worker_ports
                                           else base + i - 1 if base else 0),
                    "WORKER_DATADIR": str(self.var / f"worker-{i}")})
                for i, name in enumerate(self.worker_names(), start=1)]

    def spec(self, name: str) -> ProcessSpec:
        return next(spec for spec in self.specs() if spec.name == name)

    def start(self, spec: ProcessSpec) -> int:
        pidfile = self.run_dir / f"{spec.name}.pid"
        record = read_pidfile(pidfile)
        if record and pid_runs(record[0], record[1]):
            return record[0]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{spec.name}.log").open("wb")  # fresh: readiness reads it
        env = {**self.env, "WORKER_DATADIR": str(self.var / "worker-1"), **spec.env}
        proc = subprocess.Popen(spec.argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, cwd=self.var.parent)
        write_pidfile(pidfile, proc.pid, " ".join(spec.argv[1:4]))
        return proc.pid

    def wait_ready(self, spec: ProcessSpec, timeout: float = 120.0) -> None:
        log_file, deadline = self.log_dir / f"{spec.name}.log", time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.is_ready(spec):
                return
            record = read_pidfile(self.run_dir / f"{spec.name}.pid")
            if record is None or not pid_runs(record[0], record[1]):
                raise RuntimeError(f"{spec.name} exited; its log ends:\n{tail(log_file)}")
            time.sleep(0.2)
        raise TimeoutError(f"{spec.name} not ready in {timeout:.0f} s; log:\n{tail(log_file)}")

    def is_ready(self, spec: ProcessSpec) -> bool:
        if spec.ready_url:
            try:
                return httpx.get(spec.ready_url, timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False
        log_file = self.log_dir / f"{spec.name}.log"
        return bool(spec.ready_log) and log_file.exists() and \
            spec.ready_log in log_file.read_text(errors="replace")

    def up(self) -> None:
        for spec in self.specs():
            self.start(spec)
        for spec in self.specs():
            self.wait_ready(spec)

    # one process by name (e.g. "worker-2"): crash it, stop it, bring it back -------------
    def pid(self, name: str) -> int | None:
        record = read_pidfile(self.run_dir / f"{name}.pid")
        return record[0] if record and pid_runs(record[0], record[1]) else None

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash: no shutdown, no commit; the pid file stays, naming a dead pid."""
        if (pid := self.pid(name)) is not None:
            terminate(pid, timeout=0, sig=signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.05)

    def stop(self, name: str, timeout: float = 20) -> bool:
        return stop_pidfile(self.run_dir / f"{name}.pid", timeout=timeout)

    def restart(self, name: str, timeout: float = 120.0) -> int:
        """Start a stopped or killed process again and wait until it is ready."""
        spec = self.spec(name)
        pid = self.start(spec)
        self.wait_ready(spec, timeout)
        return pid

    def down(self, *, infra: bool = True) -> list[str]:
        names = [spec.name for spec in self.specs()]
        strays = sorted({p.stem for p in self.run_dir.glob("worker*.pid")} - set(names))
        stopped = [name for name in [*strays, *reversed(names)] if self.stop(name)]
        if infra:
            stopped += [name for name in (*self._kafka_names(), "postgres")
                        if stop_pidfile(self.run_dir / f"{name}.pid", timeout=60)]
        return stopped

    def status(self) -> list[tuple[str, int | None, bool, bool]]:
        rows = []
        for spec in self.specs():
            record = read_pidfile(self.run_dir / f"{spec.name}.pid")
            alive = bool(record and pid_runs(record[0], record[1]))
            rows.append((spec.name, record[0] if record else None, alive,
                         alive and self.is_ready(spec)))
        for name in (*self._kafka_names(), "postgres"):
            record = read_pidfile(self.run_dir / f"{name}.pid")
            alive = bool(record and pid_runs(record[0], record[1]))
            rows.append((name, record[0] if record else None, alive, alive))
        return rows

    def _kafka_names(self) -> list[str]:
        nodes = sorted((p.stem for p in self.run_dir.glob("kafka-*.pid")), key=_index)
        single = (self.run_dir / "kafka.pid").exists() or not nodes
        return ["kafka"] * single + nodes

    def _workers_started(self) -> int:
        return max((_index(p.stem) for p in self.run_dir.glob("worker-*.pid")), default=1)


def _index(name: str) -> int:
    suffix = name.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def _bind(url: str) -> list[str]:
    parsed = httpx.URL(url)
    return ["--host", parsed.host, "--port", str(parsed.port or 80)]
