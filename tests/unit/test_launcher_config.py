"""The broker's server.properties: a KRaft combined node with absolute paths (no processes)."""

from __future__ import annotations

from pathlib import Path

from pipeline.infra.launcher import render_server_properties


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
