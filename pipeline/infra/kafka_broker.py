"""A single-node KRaft Kafka broker on 127.0.0.1, run from the Maven Central jars (no Docker)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from pipeline.infra.kafka_config import new_cluster_id, render_server_properties
from pipeline.infra.kafka_jars import LOG4J, fetch_kafka
from pipeline.infra.processes import (
    free_port,
    port_open,
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


class KafkaBroker:
    """One broker process; detached when given a pid file, so `lahir down` can stop it later."""

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
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port, self.controller_port, self.host = port, controller_port, host
        self.libs_dir, self.pid_file, self.heap = libs_dir, pid_file, heap
        self.log_file = (log_file or self.data_dir / "logs" / "broker.out").resolve()
        self.overrides = dict(overrides or {})
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    def start(self, timeout: float = 90.0) -> str:
        """Start and wait until the broker serves clients; returns the bootstrap address."""
        for busy in (p for p in (self.port, self.controller_port) if port_open(self.host, p)):
            raise RuntimeError(f"{self.host}:{busy} is already taken: is another broker running?")
        libs = fetch_kafka(self.libs_dir)
        self._write_properties()
        self._format(libs)
        offset = self._launch(libs)
        self._wait_ready(offset, timeout)
        if self.pid_file and self._proc:
            write_pidfile(self.pid_file, self._proc.pid, str(self.properties_file))
        return self.bootstrap

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
        return [
            java,
            f"-Xmx{self.heap}",
            *JVM_OPTS,
            f"-Dlog4j.configuration={LOG4J.as_uri()}",
            f"-Dkafka.logs.dir={logs}",
            "-cp",
            f"{libs}/*",
            main_class,
            *args,
        ]

    def _write_properties(self) -> None:
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.properties_file.write_text(
            render_server_properties(
                self.data_dir / "data", self.port, self.controller_port, self.host, self.overrides
            )
        )

    def _format(self, libs: Path) -> None:
        if (self.data_dir / "data" / "meta.properties").exists():
            return  # formatted before: a restart keeps its cluster id and topics
        cmd = self._java(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            new_cluster_id(),
            "-c",
            str(self.properties_file),
            "--ignore-formatted",
            libs=libs,
        )
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            where = self.data_dir / "data"
            raise RuntimeError(f"formatting {where} failed:\n{(done.stdout + done.stderr)[-4000:]}")

    def _launch(self, libs: Path) -> int:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            offset = out.tell()
            self._proc = subprocess.Popen(  # own session: the parent's Ctrl-C does not reach it
                self._java("kafka.Kafka", str(self.properties_file), libs=libs),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.data_dir,
                start_new_session=True,
            )
        return offset

    def _wait_ready(self, offset: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not (self._logged_ready(offset) and port_open(self.host, self.port)):
            assert self._proc is not None
            if self._proc.poll() is not None or time.monotonic() > deadline:
                failure = "exited" if self._proc.poll() is not None else f"not ready in {timeout} s"
                self.stop(timeout=5)
                raise RuntimeError(
                    f"Kafka broker {failure}; {self.log_file}:\n{tail(self.log_file)}"
                )
            time.sleep(0.1)

    def _logged_ready(self, offset: int) -> bool:
        with self.log_file.open("rb") as log:
            log.seek(offset)
            return READY_LINE.encode() in log.read()


def _start_on_free_ports(data_dir: Path, port: int | None) -> KafkaBroker:
    for attempt in range(3):
        broker = KafkaBroker(data_dir, *_two_free_ports(port))
        try:
            broker.start()
            return broker
        except RuntimeError as exc:  # another process may bind a free port before the broker
            if port is not None or attempt == 2 or "already" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


def _two_free_ports(port: int | None) -> tuple[int, int]:
    first = port or free_port()
    while (second := free_port()) == first:
        pass
    return first, second


@contextmanager
def kafka(port: int | None = None) -> Iterator[str]:
    """A throwaway broker on free ports in a temporary directory; yields "127.0.0.1:<port>"."""
    with tempfile.TemporaryDirectory(prefix="lahir-kafka-", ignore_cleanup_errors=True) as tmp:
        broker = _start_on_free_ports(Path(tmp), port)
        try:
            yield broker.bootstrap
        finally:
            broker.stop()
