"""On real Kafka: a slow first event with fast ones behind it; kill -9 while it is in flight.

The committed offset must stay at the slow event (a window that acks on completion, or faust's
own concurrency>1, would commit past it); after a restart it is delivered again and done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from kafka import KafkaAdminClient, KafkaProducer
from kafka.structs import TopicPartition

from pipeline.streaming import admin
from pipeline.streaming.topics import TopicSpec

pytestmark = pytest.mark.integration
FAST = 9


def wait_until(what: str, check: Callable[[], bool], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not seen in {timeout:.0f} s: {what}")
        time.sleep(0.2)


def done(effects: Path) -> list[int]:
    if not effects.exists():
        return []
    return [int(line.split()[1]) for line in effects.read_text().splitlines() if line]


def committed(bootstrap: str, group: str, topic: str) -> int | None:
    client = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        offsets = client.list_group_offsets(group).get(group, {})
    finally:
        client.close()
    found = offsets.get(TopicPartition(topic, 0))
    return found.offset if found is not None and found.offset >= 0 else None


@pytest.fixture
def topic(kafka_bootstrap: str) -> Iterator[str]:
    spec = TopicSpec(f"window-{uuid4().hex[:8]}", 1)
    admin.ensure_topics(kafka_bootstrap, "", [spec])
    yield spec.base
    admin.delete_topics(kafka_bootstrap, [spec.base])


def start(kafka_bootstrap: str, topic: str, group: str, effects: Path, slow_s: float,
          tmp: Path, mode: str = "window") -> subprocess.Popen[bytes]:
    log = (tmp / f"worker-{mode}-{slow_s}.log").open("wb")
    argv = [sys.executable, "-m", "tests.integration.window_worker", kafka_bootstrap, topic,
            group, str(effects), str(slow_s), str(tmp / f"data-{mode}-{slow_s}"), mode]
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[2])


def slow_then_fast(kafka_bootstrap: str, topic: str) -> None:
    with KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all") as producer:
        for n in range(FAST + 1):  # offset 0 is slow, 1..9 fast, every one its own key
            producer.send(topic, key=f"reg-{n}".encode(), value=b"slow" if n == 0 else b"fast")
        producer.flush()


def committed_while_the_slow_one_runs(kafka_bootstrap: str, topic: str, group: str,
                                      effects: Path, tmp: Path, mode: str) -> int | None:
    """Start a worker, let the fast events finish behind the slow one, read the committed
    offset, then kill -9 the worker with the slow one still in flight."""
    worker = start(kafka_bootstrap, topic, group, effects, 600, tmp, mode)
    try:
        wait_until("the fast events done", lambda: set(range(1, FAST + 1)) <= set(done(effects)))
        time.sleep(3)  # many commit intervals: an eager commit would have happened by now
        assert 0 not in done(effects)
        return committed(kafka_bootstrap, group, topic)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()


def test_faust_concurrency_alone_commits_past_the_slow_event(
        kafka_bootstrap: str, topic: str, tmp_path: Path) -> None:
    """Why the window exists (faust-streaming #606), and proof the check below can fail."""
    slow_then_fast(kafka_bootstrap, topic)
    group = f"window-{uuid4().hex[:8]}"
    offset = committed_while_the_slow_one_runs(kafka_bootstrap, topic, group,
                                               tmp_path / "effects.txt", tmp_path,
                                               "faust-concurrency")
    assert offset == FAST + 1  # a restart would resume after the slow event: it is lost


def test_the_committed_offset_never_passes_an_unfinished_event(
        kafka_bootstrap: str, topic: str, tmp_path: Path) -> None:
    slow_then_fast(kafka_bootstrap, topic)
    group, effects = f"window-{uuid4().hex[:8]}", tmp_path / "effects.txt"
    offset = committed_while_the_slow_one_runs(kafka_bootstrap, topic, group, effects,
                                               tmp_path, "window")
    assert offset in (None, 0)
    again = start(kafka_bootstrap, topic, group, effects, 0, tmp_path)
    try:
        wait_until("the slow event done after the restart", lambda: 0 in done(effects))
        wait_until("everything committed",
                   lambda: committed(kafka_bootstrap, group, topic) == FAST + 1)
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=60)
    assert set(done(effects)) == set(range(FAST + 1))
    assert done(effects).count(0) == 1  # the slow one's effect happened once, after the restart
