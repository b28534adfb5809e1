"""One KRaft Kafka node on 127.0.0.1, run from the Maven Central jars (no Docker)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from pipeline.infra.kafka_config import new_cluster_id, render_server_properties
from pipeline.infra.kafka_jars import LOG4J, fetch_kafka
from pipeline.infra.processes import (
    pid_alive,
    pid_runs,
    port_open,
    read_pidfile,
    stop_pidfile,
    tail,
    terminate,
    write_pidfile,
)

READY_LINE = "Kafka Server started"
JVM_OPTS = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
)


@dataclass(frozen=True)
class ClusterMember:
    """What makes a node one of a cluster: its id, the quorum, and the shared cluster id."""

    node_id: int
    voters: str  # controller.quorum.voters
    cluster_id: str
    replication: int = 3


class KafkaBroker:
    """One node process; detached when given a pid file, so `lahir down` can stop it later."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 9092,
        controller_port: int = 9093,
        *,
        libs_dir: Path | None = None,
        log_file: Path | None = None,
        pid_file: Path | None = None,
        heap: str = "512m",
        host: str = "127.0.0.1",
        overrides: Mapping[str, str] | None = None,
        member: ClusterMember | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port, self.controller_port, self.host = port, controller_port, host
        self.libs_dir, self.pid_file, self.heap = libs_dir, pid_file, heap
        self.log_file = (log_file or self.data_dir / "logs" / "broker.out").resolve()
        self.overrides, self.member = dict(overrides or {}), member
        self._proc: subprocess.Popen[bytes] | None = None
        self._offset = 0

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def pid(self) -> int | None:
        if self._proc is not None:
            return self._proc.pid
        record = read_pidfile(self.pid_file) if self.pid_file else None
        return record[0] if record else None

    @property
    def running(self) -> bool:
        """Whether this node's process (ours, or the one its pid file names) is alive."""
        if self._proc is not None:
            return self._proc.poll() is None
        record = read_pidfile(self.pid_file) if self.pid_file else None
        return bool(record and pid_runs(record[0], record[1]))

    def start(self, timeout: float = 90.0) -> str:
        """Start and wait until the broker serves clients; returns the bootstrap address."""
        self.launch()
        self.wait_ready(timeout)
        return self.bootstrap

    def launch(self) -> None:
        """Start the process without waiting: a cluster's nodes are ready only together."""
        for busy in (p for p in (self.port, self.controller_port) if port_open(self.host, p)):
            raise RuntimeError(f"{self.host}:{busy} is already taken: is another broker running?")
        libs = fetch_kafka(self.libs_dir)
        self._write_properties()
        self._format(libs)
        self._launch(libs)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Wait for the ready line and the port; the broker is stopped if it is not ready."""
        deadline = time.monotonic() + timeout
        while not (self._logged_ready() and port_open(self.host, self.port)):
            assert self._proc is not None, "launch() first"
            if self._proc.poll() is not None or time.monotonic() > deadline:
                failure = "exited" if self._proc.poll() is not None else f"not ready in {timeout} s"
                self.stop(timeout=5)
                raise RuntimeError(
                    f"Kafka broker {failure}; {self.log_file}:\n{tail(self.log_file)}"
                )
            time.sleep(0.1)
        if self.pid_file and self._proc:
            write_pidfile(self.pid_file, self._proc.pid, str(self.properties_file))

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (controlled shutdown), SIGKILL after timeout."""
        if self._proc is not None:
            terminate(self._proc.pid, timeout)
            self._proc.wait()
            self._proc = None
            if self.pid_file:
                self.pid_file.unlink(missing_ok=True)
        elif self.pid_file:
            stop_pidfile(self.pid_file, timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash: no controlled shutdown, no flush. Its data stays for a restart."""
        pid = self.pid
        if pid is not None:
            terminate(pid, timeout=0, sig=signal.SIGKILL)
            if self._proc is not None:
                self._proc.wait()
            while pid_alive(pid):
                time.sleep(0.05)
        self._proc = None
        if self.pid_file:
            self.pid_file.unlink(missing_ok=True)

    def __enter__(self) -> KafkaBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _java(self, main_class: str, *args: str, libs: Path) -> list[str]:
        java = shutil.which("java") or "java"
        logs = self.data_dir / "logs"
        return [java, f"-Xmx{self.heap}", *JVM_OPTS, f"-Dlog4j.configuration={LOG4J.as_uri()}",
                f"-Dkafka.logs.dir={logs}", "-cp", f"{libs}/*", main_class, *args]

    def _write_properties(self) -> None:
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        m = self.member
        self.properties_file.write_text(render_server_properties(
            self.data_dir / "data", self.port, self.controller_port, self.host, self.overrides,
            node_id=m.node_id if m else 1, voters=m.voters if m else None,
            replication=m.replication if m else 1))

    def _format(self, libs: Path) -> None:
        if (self.data_dir / "data" / "meta.properties").exists():
            return  # formatted before: a restart keeps its cluster id and topics
        cluster_id = self.member.cluster_id if self.member else new_cluster_id()
        cmd = self._java("kafka.tools.StorageTool", "format", "-t", cluster_id,
                         "-c", str(self.properties_file), "--ignore-formatted", libs=libs)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            where = self.data_dir / "data"
            raise RuntimeError(f"formatting {where} failed:\n{(done.stdout + done.stderr)[-4000:]}")

    def _launch(self, libs: Path) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self._offset = out.tell()  # readiness is read from here on: a restart logs again
            self._proc = subprocess.Popen(  # own session: the parent's Ctrl-C does not reach it
                self._java("kafka.Kafka", str(self.properties_file), libs=libs),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.data_dir,
                start_new_session=True,
            )

    def _logged_ready(self) -> bool:
        with self.log_file.open("rb") as log:
            log.seek(self._offset)
            return READY_LINE.encode() in log.read()
