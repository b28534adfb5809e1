"""The launcher's configuration, without starting a process: server.properties of one node or
of a cluster's nodes, the workers' names, ports and datadirs, and what `lahir up` refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import get_settings
from pipeline.infra.kafka_cluster import KafkaCluster, cluster_ports
from pipeline.infra.kafka_config import quorum_voters
from pipeline.infra.launcher import render_server_properties
from pipeline.infra.processes import write_pidfile
from pipeline.infra.stack import Stack


def parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")


def test_server_properties_describe_a_combined_kraft_node_on_the_given_ports() -> None:
    props = parse(render_server_properties(Path("/srv/kafka/data"), 19092, 19093))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["auto.create.topics.enable"] == "false"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["offsets.topic.replication.factor"] == "1"


def test_server_properties_write_log_dirs_as_an_absolute_path() -> None:
    props = parse(render_server_properties(Path("relative/data"), 9092, 9093))
    assert Path(props["log.dirs"]).is_absolute()
    assert props["log.dirs"] == str(Path("relative/data").resolve())


def test_overrides_replace_the_local_defaults() -> None:
    text = render_server_properties(Path("/d"), 9092, 9093, overrides={"num.partitions": "3"})
    assert parse(text)["num.partitions"] == "3"


# ---------------------------------------------------------------- a cluster of three nodes


def test_a_cluster_node_knows_its_id_the_quorum_and_replicates_three_times() -> None:
    voters = quorum_voters([9093, 9095, 9097])
    props = parse(render_server_properties(Path("/d"), 9094, 9095, node_id=2, voters=voters,
                                           replication=3))
    assert props["node.id"] == "2"
    assert props["controller.quorum.voters"] == (
        "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097")
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095"
    for key in ("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor"):
        assert props[key] == "3", key
    assert props["min.insync.replicas"] == props["transaction.state.log.min.isr"] == "2"


def test_a_single_node_needs_only_itself_in_sync() -> None:
    props = parse(render_server_properties(Path("/d"), 9092, 9093))
    assert props["min.insync.replicas"] == props["default.replication.factor"] == "1"


def test_the_cluster_of_lahir_up_takes_two_ports_per_node_from_9092() -> None:
    assert cluster_ports(3) == [(9092, 9093), (9094, 9095), (9096, 9097)]


def test_cluster_nodes_share_one_cluster_id_and_keep_the_one_already_formatted(
        tmp_path: Path) -> None:
    fresh = KafkaCluster(tmp_path / "a", cluster_ports(3), run_dir=tmp_path / "run")
    ids = {node.member.cluster_id for node in fresh.nodes if node.member}
    assert len(ids) == 1
    assert [node.data_dir for node in fresh.nodes] == [
        (tmp_path / "a" / f"kafka-{i}").resolve() for i in (1, 2, 3)]
    assert fresh.node(3).pid_file == tmp_path / "run" / "kafka-3.pid"
    assert fresh.bootstrap == "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"

    formatted = tmp_path / "b" / "kafka-2" / "data"
    formatted.mkdir(parents=True)
    (formatted / "meta.properties").write_text("version=1\ncluster.id=AbCdEfGhIjKlMnOpQrStUv\n")
    again = KafkaCluster(tmp_path / "b", cluster_ports(3))
    assert {n.member.cluster_id for n in again.nodes if n.member} == {"AbCdEfGhIjKlMnOpQrStUv"}


# ---------------------------------------------------------------- N workers in one group


def test_each_worker_gets_its_own_name_id_web_port_and_datadir(tmp_path: Path) -> None:
    stack = Stack(tmp_path / "var", {"WORKER_WEB_PORT": "7000"}, workers=3)
    workers = stack.worker_specs()
    assert [w.name for w in workers] == ["worker-1", "worker-2", "worker-3"]
    assert [w.env["WORKER_ID"] for w in workers] == ["1", "2", "3"]
    assert [w.env["WORKER_WEB_PORT"] for w in workers] == ["7000", "7001", "7002"]
    assert [w.env["WORKER_DATADIR"] for w in workers] == [
        str((tmp_path / "var" / f"worker-{i}").resolve()) for i in (1, 2, 3)]
    assert [s.name for s in stack.specs()] == [
        "siak", "bpjs", "notify", "relay", "worker-1", "worker-2", "worker-3", "api"]


def test_given_ports_replace_the_consecutive_ones(tmp_path: Path) -> None:
    stack = Stack(tmp_path, {"WORKER_WEB_PORT": "7000"}, workers=2, worker_ports=[7100, 7205])
    assert [w.env["WORKER_WEB_PORT"] for w in stack.worker_specs()] == ["7100", "7205"]


def test_one_worker_keeps_the_name_worker(tmp_path: Path) -> None:
    (worker,) = Stack(tmp_path, {"WORKER_WEB_PORT": "6066"}).worker_specs()
    assert (worker.name, worker.env["WORKER_WEB_PORT"]) == ("worker", "6066")
    assert worker.env["WORKER_DATADIR"] == str((tmp_path / "worker-1").resolve())


def test_status_and_down_find_as_many_workers_as_were_started(tmp_path: Path) -> None:
    run = tmp_path / "run"
    for i in (1, 2, 3):
        write_pidfile(run / f"worker-{i}.pid", 999_999_999, "pipeline serve worker")
    write_pidfile(run / "kafka-1.pid", 999_999_998, "server.properties")
    stack = Stack(tmp_path)
    assert stack.worker_names() == ["worker-1", "worker-2", "worker-3"]
    assert [row[0] for row in stack.status()][-4:] == [
        "worker-3", "api", "kafka-1", "postgres"]
    assert not any(alive for _, _, alive, _ in stack.status())  # those pids do not exist


# ---------------------------------------------------------------- lahir up refuses early


@pytest.fixture
def no_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a process would have been started")

    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/lahir.db")
    monkeypatch.setattr("pipeline.infra.stack.Stack", refuse)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_up_with_two_workers_on_sqlite_refuses_and_says_why(no_stack: None) -> None:
    result = CliRunner().invoke(app, ["up", "--workers", "2"])
    assert result.exit_code == 2, result.output
    assert "SQLite serialises writers" in result.output
    assert "--postgres" in result.output


def test_up_with_two_brokers_refuses(no_stack: None) -> None:
    result = CliRunner().invoke(app, ["up", "--brokers", "2"])
    assert result.exit_code == 2, result.output
    assert "use 1 or 3" in result.output
