"""docker-compose.yml and the Dockerfile: valid under the Compose Specification, as launched.

The schema is the Compose Specification's own JSON Schema, vendored in tests/data (its README
names the source commit). Interpolations such as ``${POSTGRES_PASSWORD:?...}`` are left as strings,
as Compose validates before interpolating; such a string is valid wherever a string is allowed.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from pipeline.config import Settings
from pipeline.infra.kafka_config import render_server_properties

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SCHEMA_FILE = ROOT / "tests" / "data" / "compose-spec.schema.json"

OUR_IMAGE = "lahir:local"
SIMULATOR_COMMANDS = {
    "siak": "python -m simulators siak --host 0.0.0.0 --port 8101 --state /data/siak.db",
    "bpjs": "python -m simulators bpjs --host 0.0.0.0 --port 8102 --state /data/bpjs.db",
    "notify": "python -m simulators notify --host 0.0.0.0 --port 8103",
}
ALLOWED_COMMANDS = {
    "lahir db upgrade",
    "lahir topics create",
    "lahir serve api",
    "lahir serve relay",
    "lahir serve worker",
    *SIMULATOR_COMMANDS.values(),
}
CLUSTER_NODES = ("kafka-1", "kafka-2", "kafka-3")
INTERPOLATION = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+)(?P<op>:-|:\?|-|\?)?(?P<arg>[^}]*)\}$")


def _default(field: str) -> Any:
    """A setting's default, whatever the environment or .env file of whoever runs the tests."""
    return Settings.model_fields[field].default


def _secret_default(field: str) -> str:
    return str(_default(field).get_secret_value())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def our_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items() if svc.get("image") == OUR_IMAGE}


def _command_lines(service: dict[str, Any]) -> list[str]:
    """The program lines a service runs: a `sh -c "a && b"` wrapper counts as its parts."""
    command = service.get("command")
    if command is None:
        return []
    argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if argv[:2] == ["sh", "-c"] and len(argv) == 3:
        return [" ".join(shlex.split(part)) for part in argv[2].split("&&")]
    return [" ".join(argv)]


def _published(service: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(host_ip, published, target) for each `HOST_IP:PUBLISHED:TARGET` short-syntax entry."""
    out = []
    for entry in service.get("ports", []):
        host_ip, published, target = str(entry).split(":")
        out.append((host_ip, int(published), int(target)))
    return out


def _env_default(value: str) -> str:
    """The default of a `${NAME:-default}` value (or the value itself when not interpolated)."""
    match = INTERPOLATION.match(str(value))
    if not match:
        return str(value)
    assert match["op"] in (":-", "-"), f"{value} has no default"
    return match["arg"]


# ---------------------------------------------------------------- the schema and validation


def test_the_vendored_schema_is_a_valid_draft_07_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert "service" in schema["definitions"]


def test_the_schema_source_is_recorded_beside_it() -> None:
    readme = (SCHEMA_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "compose-spec/compose-spec" in readme
    assert re.search(r"\b[0-9a-f]{40}\b", readme), "the source commit is recorded"


def test_the_compose_file_is_valid_under_the_compose_specification(
    compose: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_secrets_are_left_as_required_interpolations_not_values(compose: dict[str, Any]) -> None:
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert isinstance(password, str) and password.startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["api"]["environment"]["DATABASE_URL"]


def _break_ports(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["ports"] = {"8000": "8000"}


def _break_ports_entry(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["ports"] = [{"target": 8000, "bogus": True}]


def _unknown_top_level_key(doc: dict[str, Any]) -> None:
    doc["servicez"] = {}


def _unknown_service_key(doc: dict[str, Any]) -> None:
    doc["services"]["relay"]["comand"] = ["lahir", "serve", "relay"]


def _bad_depends_on_condition(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["depends_on"]["init"]["condition"] = "service_finished"


@pytest.mark.parametrize(
    "breakage",
    [_break_ports, _break_ports_entry, _unknown_top_level_key, _unknown_service_key,
     _bad_depends_on_condition],
)
def test_a_broken_copy_of_the_compose_file_is_rejected(
    compose: dict[str, Any], validator: jsonschema.Draft7Validator, breakage: Any
) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert list(validator.iter_errors(broken)), f"{breakage.__name__} was accepted"


def test_the_obsolete_version_key_is_absent(compose: dict[str, Any]) -> None:
    assert "version" not in compose


# ---------------------------------------------------------------- services and commands


def test_the_stack_has_every_process(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        "kafka", "postgres", "init", "api", "relay", "worker", "siak", "bpjs", "notify",
        *CLUSTER_NODES,
    }


def test_every_service_of_our_image_runs_a_known_command(
    our_services: dict[str, dict[str, Any]],
) -> None:
    assert set(our_services) == {"init", "api", "relay", "worker", "siak", "bpjs", "notify"}
    for name, service in our_services.items():
        lines = _command_lines(service)
        assert lines, f"{name} has an explicit command"
        for line in lines:
            assert line in ALLOWED_COMMANDS, f"{name} runs {line!r}"


def test_each_process_runs_the_command_meant_for_it(
    our_services: dict[str, dict[str, Any]],
) -> None:
    assert _command_lines(our_services["init"]) == ["lahir db upgrade", "lahir topics create"]
    assert _command_lines(our_services["api"]) == ["lahir serve api"]
    assert _command_lines(our_services["relay"]) == ["lahir serve relay"]
    assert _command_lines(our_services["worker"]) == ["lahir serve worker"]
    for name, line in SIMULATOR_COMMANDS.items():
        assert _command_lines(our_services[name]) == [line]


def test_our_services_build_the_one_image_from_the_dockerfile(
    our_services: dict[str, dict[str, Any]],
) -> None:
    for name, service in our_services.items():
        assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}, name


def test_the_topic_init_runs_once_after_kafka_and_postgres_are_healthy(
    compose: dict[str, Any],
) -> None:
    init = compose["services"]["init"]
    assert "lahir topics create" in _command_lines(init)
    assert init["restart"] == "no"
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"
    kafka_env = compose["services"]["kafka"]["environment"]
    auto_create = str(kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"])
    assert auto_create == "false", "topics come from init only"
    assert int(kafka_env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"]) == 0


def test_the_pipeline_processes_wait_for_a_successful_init(compose: dict[str, Any]) -> None:
    for name in ("api", "relay", "worker"):
        depends = compose["services"][name]["depends_on"]
        assert depends["init"]["condition"] == "service_completed_successfully", name


def test_services_waited_on_as_healthy_have_a_healthcheck(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency, spec in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"


def test_the_kafka_healthcheck_uses_the_image_tools(compose: dict[str, Any]) -> None:
    for name in ("kafka", *CLUSTER_NODES):
        test = " ".join(compose["services"][name]["healthcheck"]["test"])
        assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in test, name
        assert "localhost:19092" in test, name


def test_the_http_processes_are_checked_on_readyz(compose: dict[str, Any]) -> None:
    for name, port in (("api", 8000), ("siak", 8101), ("bpjs", 8102), ("notify", 8103)):
        test = " ".join(compose["services"][name]["healthcheck"]["test"])
        assert f":{port}/readyz" in test, name


def test_postgres_is_checked_with_pg_isready(compose: dict[str, Any]) -> None:
    assert "pg_isready" in " ".join(compose["services"]["postgres"]["healthcheck"]["test"])


# ------------------------------------------------------------ addresses: the launcher's defaults


def test_published_ports_equal_the_launcher_defaults_on_loopback_only(
    compose: dict[str, Any],
) -> None:
    siak = urlsplit(_default("siak_url"))
    bpjs = urlsplit(_default("bpjs_url"))
    notify = urlsplit(_default("notify_url"))
    kafka_host, kafka_port = _default("kafka_bootstrap").rsplit(":", 1)
    expected = {
        "api": [(_default("api_host"), _default("api_port"), _default("api_port"))],
        "siak": [(siak.hostname, siak.port, siak.port)],
        "bpjs": [(bpjs.hostname, bpjs.port, bpjs.port)],
        "notify": [(notify.hostname, notify.port, notify.port)],
        "kafka": [(kafka_host, int(kafka_port), int(kafka_port))],
        **{node: [(kafka_host, 9092 + 2 * i, 9092)] for i, node in enumerate(CLUSTER_NODES, 1)},
    }
    published = {
        name: _published(svc) for name, svc in compose["services"].items() if "ports" in svc
    }
    assert published == expected
    assert {ip for ports in published.values() for ip, _, _ in ports} == {"127.0.0.1"}


def test_processes_listen_on_the_ports_they_publish(compose: dict[str, Any]) -> None:
    services = compose["services"]
    api_env = services["api"]["environment"]
    assert int(api_env["API_PORT"]) == _default("api_port")
    assert api_env["API_HOST"] == "0.0.0.0"
    for name in ("siak", "bpjs", "notify"):
        argv = _command_lines(services[name])[0].split()
        assert int(argv[argv.index("--port") + 1]) == _published(services[name])[0][2]
        assert argv[argv.index("--host") + 1] == "0.0.0.0"


def test_our_services_reach_each_other_by_service_name_on_the_default_ports(
    our_services: dict[str, dict[str, Any]],
) -> None:
    for name in ("init", "api", "relay", "worker"):
        env = our_services[name]["environment"]
        assert _env_default(env["KAFKA_BOOTSTRAP"]) == "kafka:19092", name
        assert env["DATABASE_URL"] == (
            "postgresql+psycopg://lahir:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
            "@postgres:5432/lahir"
        ), name
        assert urlsplit(env["SIAK_URL"]).hostname == "siak"
        assert urlsplit(env["SIAK_URL"]).port == urlsplit(_default("siak_url")).port
        assert urlsplit(env["BPJS_URL"]).hostname == "bpjs"
        assert urlsplit(env["BPJS_URL"]).port == urlsplit(_default("bpjs_url")).port
        assert urlsplit(env["NOTIFY_URL"]).hostname == "notify"
        assert urlsplit(env["NOTIFY_URL"]).port == urlsplit(_default("notify_url")).port


def test_kafka_advertises_the_internal_and_the_host_listener(compose: dict[str, Any]) -> None:
    env = compose["services"]["kafka"]["environment"]
    advertised = env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "INTERNAL://kafka:19092" in advertised
    assert f"EXTERNAL://localhost:{_default('kafka_bootstrap').rsplit(':', 1)[1]}" in advertised
    assert compose["services"]["kafka"]["image"] == "apache/kafka:3.9.1"
    assert compose["services"]["postgres"]["image"] == "postgres:16"


def test_shared_credentials_default_to_the_development_values_of_the_settings(
    our_services: dict[str, dict[str, Any]],
) -> None:
    expected = {
        "SIAK_API_KEY": _secret_default("siak_api_key"),
        "BPJS_CONS_ID": _default("bpjs_cons_id"),
        "BPJS_SECRET": _secret_default("bpjs_secret"),
        "BPJS_USER_KEY": _secret_default("bpjs_user_key"),
        "POPULATION_SEED": str(_default("population_seed")),
        "POPULATION_FAMILIES": str(_default("population_families")),
    }
    for name, service in our_services.items():
        env = service["environment"]
        for key, value in expected.items():
            assert _env_default(env[key]) == value, f"{name}.{key}"


def test_workers_scale_out_as_replicas_of_one_service_each_with_its_own_datadir(
    compose: dict[str, Any],
) -> None:
    worker = compose["services"]["worker"]
    assert int(_env_default(worker["deploy"]["replicas"])) >= 2
    assert str(worker["deploy"]["replicas"]).startswith("${WORKERS:-")
    assert worker["environment"]["WORKER_DATADIR"].startswith("/data/")
    assert "volumes" not in worker, "a shared volume would give every replica one datadir"
    assert "ports" not in worker and "container_name" not in worker, "replicas would collide"
    assert int(worker["environment"]["WORKER_WEB_PORT"]) == _default("worker_web_port")


def test_state_lives_in_declared_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    used = set()
    for name, service in compose["services"].items():
        for entry in service.get("volumes", []):
            source = str(entry).split(":", 1)[0]
            assert not source.startswith((".", "/", "~")), f"{name} bind-mounts {source}"
            used.add(source)
    assert used == declared
    assert {"kafka-data", "postgres-data", "siak-data", "bpjs-data"} <= declared
    assert {f"{node}-data" for node in CLUSTER_NODES} <= declared


# ---------------------------------------------------------------- the brokers3 profile


def _kafka_props(env: dict[str, Any]) -> dict[str, str]:
    """KAFKA_MIN_INSYNC_REPLICAS → min.insync.replicas, as the apache/kafka image maps them."""
    return {key[6:].lower().replace("_", "."): str(value) for key, value in env.items()
            if key.startswith("KAFKA_")}


def test_only_the_three_cluster_nodes_belong_to_the_brokers3_profile(
    compose: dict[str, Any],
) -> None:
    profiled = {name: svc["profiles"] for name, svc in compose["services"].items()
                if "profiles" in svc}
    assert profiled == dict.fromkeys(CLUSTER_NODES, ["brokers3"])


def test_the_cluster_nodes_form_one_kraft_quorum_of_three(compose: dict[str, Any]) -> None:
    nodes = [compose["services"][name] for name in CLUSTER_NODES]
    assert {node["image"] for node in nodes} == {"apache/kafka:3.9.1"}
    envs = [node["environment"] for node in nodes]
    assert [int(env["KAFKA_NODE_ID"]) for env in envs] == [1, 2, 3]
    assert len({env["CLUSTER_ID"] for env in envs}) == 1
    assert {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs} == {
        "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"}
    for name, env in zip(CLUSTER_NODES, envs, strict=True):
        assert "CONTROLLER://:9093" in env["KAFKA_LISTENERS"].split(","), name
        assert f"INTERNAL://{name}:19092" in env["KAFKA_ADVERTISED_LISTENERS"].split(","), name
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_the_cluster_replicates_like_the_launchers_cluster(compose: dict[str, Any]) -> None:
    launcher = dict(line.split("=", 1) for line in render_server_properties(
        Path("/d"), 9092, 9093, replication=3).splitlines())
    for name in CLUSTER_NODES:
        props = _kafka_props(compose["services"][name]["environment"])
        for key in ("default.replication.factor", "min.insync.replicas",
                    "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                    "transaction.state.log.min.isr", "group.initial.rebalance.delay.ms",
                    "auto.create.topics.enable"):
            assert props[key] == launcher[key], (name, key)
    assert launcher["default.replication.factor"] == "3"
    assert launcher["min.insync.replicas"] == "2"


def test_the_documented_cluster_bootstrap_names_every_node(compose: dict[str, Any]) -> None:
    bootstrap = ",".join(f"{name}:19092" for name in CLUSTER_NODES)
    assert f"KAFKA_BOOTSTRAP={bootstrap}" in COMPOSE_FILE.read_text(encoding="utf-8")
    assert f"KAFKA_BOOTSTRAP={bootstrap}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_pipeline_waits_for_the_cluster_only_when_its_profile_runs(
    compose: dict[str, Any],
) -> None:
    for name in ("init", "api", "relay", "worker"):
        depends = compose["services"][name]["depends_on"]
        assert depends["kafka"]["condition"] == "service_healthy", name
        assert depends["kafka"].get("required", True), name
        for node in CLUSTER_NODES:
            assert depends[node] == {"condition": "service_healthy", "required": False}, name


# ---------------------------------------------------------------- the Dockerfile


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_the_dockerfile_builds_on_python_3_11_slim() -> None:
    froms = [rest for keyword, rest in _dockerfile_instructions() if keyword == "FROM"]
    assert froms and froms[0].startswith("python:3.11-slim")


def test_the_dockerfile_copies_every_package_and_installs_the_project() -> None:
    instructions = _dockerfile_instructions()
    copies = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    includes = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = [p.rstrip("*") for p in includes]
    assert "pyproject.toml" in copies
    for package in packages:
        assert re.search(rf"\b{package}\b", copies), f"{package} is not copied"
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install --no-cache-dir \.(\s|$)", run) for run in runs)


def test_the_image_runs_as_a_non_root_user() -> None:
    instructions = _dockerfile_instructions()
    users = [i for i, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "the Dockerfile sets a USER"
    last_user = instructions[users[-1]][1].split(":")[0]
    assert last_user not in ("root", "0")
    install = max(
        i for i, (k, rest) in enumerate(instructions) if k == "RUN" and "pip install" in rest
    )
    assert users[-1] > install, "the switch to the user comes after the install"


def test_the_image_defaults_to_the_api_and_exposes_the_contract_ports() -> None:
    instructions = _dockerfile_instructions()
    cmds = [rest for keyword, rest in instructions if keyword == "CMD"]
    assert cmds and json.loads(cmds[-1]) == ["lahir", "serve", "api"]
    exposed = {p for keyword, rest in instructions if keyword == "EXPOSE" for p in rest.split()}
    assert exposed == {"8000", "8101", "8102", "8103"}


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert {".venv", "var", ".git", "tests", "__pycache__"} <= ignored
