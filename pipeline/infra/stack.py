"""The local stack as processes: Kafka, optional PostgreSQL, simulators, API, relay, worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from pipeline.infra.kafka_broker import KafkaBroker
from pipeline.infra.postgres import LocalPostgres
from pipeline.infra.processes import (
    pid_runs,
    port_open,
    read_pidfile,
    stop_pidfile,
    tail,
    write_pidfile,
)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    ready_url: str | None = None  # GET → 200 means ready
    ready_log: str | None = None  # a line containing this means ready


class Stack:
    """Starts processes detached (pid files in var/run, logs in var/log); `down` stops them."""

    ORDER = ("siak", "bpjs", "notify", "relay", "worker", "api")

    def __init__(self, var_dir: Path, env: dict[str, str] | None = None) -> None:
        self.var = var_dir.resolve()
        self.env = {**os.environ, **(env or {})}
        self.run_dir, self.log_dir = self.var / "run", self.var / "log"

    def setting(self, name: str, default: str) -> str:
        return self.env.get(name, default)

    # infrastructure ----------------------------------------------------------------------
    def start_kafka(self) -> str:
        host, port = self.setting("KAFKA_BOOTSTRAP", "127.0.0.1:9092").rsplit(":", 1)
        if port_open(host, int(port)):
            return f"{host}:{port}"  # a broker already serves: use it
        broker = KafkaBroker(self.var / "kafka", int(port), int(port) + 1,
                             log_file=self.log_dir / "kafka.log",
                             pid_file=self.run_dir / "kafka.pid")
        return broker.start()

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
            ProcessSpec("worker", [py, "-m", "pipeline", "serve", "worker"], ready_log="Ready"),
            ProcessSpec("api", [py, "-m", "pipeline", "serve", "api"], ready_url=f"{api}/readyz"),
        ]

    def start(self, spec: ProcessSpec) -> int:
        pidfile = self.run_dir / f"{spec.name}.pid"
        record = read_pidfile(pidfile)
        if record and pid_runs(record[0], record[1]):
            return record[0]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{spec.name}.log").open("wb")  # fresh: readiness reads it
        env = {**self.env, "WORKER_DATADIR": str(self.var / "worker-1")}
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

    def down(self, *, infra: bool = True) -> list[str]:
        stopped = [name for name in reversed(self.ORDER)
                   if stop_pidfile(self.run_dir / f"{name}.pid", timeout=20)]
        if infra:
            stopped += [name for name in ("kafka", "postgres")
                        if stop_pidfile(self.run_dir / f"{name}.pid", timeout=60)]
        return stopped

    def status(self) -> list[tuple[str, int | None, bool, bool]]:
        rows = []
        for spec in self.specs():
            record = read_pidfile(self.run_dir / f"{spec.name}.pid")
            alive = bool(record and pid_runs(record[0], record[1]))
            rows.append((spec.name, record[0] if record else None, alive,
                         alive and self.is_ready(spec)))
        for name in ("kafka", "postgres"):
            record = read_pidfile(self.run_dir / f"{name}.pid")
            alive = bool(record and pid_runs(record[0], record[1]))
            rows.append((name, record[0] if record else None, alive, alive))
        return rows


def _bind(url: str) -> list[str]:
    parsed = httpx.URL(url)
    return ["--host", parsed.host, "--port", str(parsed.port or 80)]
