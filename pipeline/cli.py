"""`lahir`: run, operate and try the stack. `lahir --help` lists the commands."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.config import VAR_DIR, Settings, get_settings

app = typer.Typer(help="Lahir: a birth in Kota Serang becomes NIK, KK, akta, KIA and BPJS.",
                  no_args_is_help=True)
db_app = typer.Typer(help="Database migrations and seed data.", no_args_is_help=True)
topics_app = typer.Typer(help="Kafka topics.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(topics_app, name="topics")
dead_app = typer.Typer(help="Dead letters: what failed for good, and re-driving it.",
                       no_args_is_help=True)
app.add_typer(dead_app, name="deadletters")
console = Console()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration and seed the synthetic facilities."""
    from pipeline.persistence.migrate import upgrade

    upgrade(get_settings().database_url)
    console.print("database at head, facilities seeded")


@topics_app.command("create")
def topics_create() -> None:
    """Create every topic with its partition count and retention (idempotent)."""
    from pipeline.streaming.admin import ensure_topics

    s = get_settings()
    for name in ensure_topics(s.kafka_bootstrap, s.topic_namespace):
        console.print(name)


@topics_app.command("list")
def topics_list() -> None:
    """The topics Lahir uses, with partitions and purpose."""
    from pipeline.streaming.topics import ALL

    table = Table("topic", "partitions", "purpose")
    for spec in ALL:
        table.add_row(spec.name(get_settings().topic_namespace), str(spec.partitions), spec.purpose)
    console.print(table)


@dead_app.command("list")
def deadletters_list() -> None:
    """Every dead letter: where it came from, why, after how many attempts, re-driven or not."""
    from pipeline.bootstrap import Container
    from pipeline.deadletters import read_all, redriven

    container = Container(get_settings())
    letters = read_all(container)
    again = redriven(container, letters)
    table = Table("ref", "registration", "origin", "reason", "attempt", "error", "re-driven")
    for d in letters:
        table.add_row(d.ref, str(d.event.get("subject", "?")), d.headers.get("origin", "?"),
                      d.headers.get("reason", "?"), d.headers.get("attempt", "?"),
                      d.headers.get("error", "")[:60], "yes" if d.ref in again else "no")
    console.print(table)


@dead_app.command("redrive")
def deadletters_redrive(
    ref: Annotated[list[str] | None, typer.Argument(help="refs (partition:offset) or "
                                                     "registration ids; none: all not re-driven")]
    = None,
) -> None:
    """Send dead letters back to the topic they came from, each once."""
    from pipeline.bootstrap import Container
    from pipeline.deadletters import read_all, redrive

    container = Container(get_settings())
    letters = [d for d in read_all(container)
               if not ref or d.ref in ref or d.event.get("subject") in ref]
    done = redrive(container, letters)
    console.print(f"re-driven: {len(done)} (already re-driven: {len(letters) - len(done)})")


officers_app = typer.Typer(help="Disdukcapil officer accounts (the web UI under /officer/).",
                           no_args_is_help=True)
app.add_typer(officers_app, name="officers")


@officers_app.command("add")
def officers_add(
    username: Annotated[str, typer.Option(help="sign-in name, e.g. official.serang")],
    name: Annotated[str, typer.Option(help="full name")],
    role: Annotated[str, typer.Option(help="OPERATOR, OFFICIAL or ADMIN")],
    dinas: Annotated[str, typer.Option(help="4-digit kabupaten/kota code, e.g. 3673")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
) -> None:
    """Add an officer; the password is asked for (never an argument in shell history)."""
    from pipeline.bootstrap import Container
    from pipeline.handlers.officers import OfficerError, add_officer

    with Container(get_settings()).uow() as uow:
        try:
            add_officer(uow.session, "cli", username, name, role.upper(), dinas, password,
                        uow.now())
        except OfficerError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        uow.commit()
    console.print(f"officer {username} added ({role.upper()}, dinas {dinas})")


events_app = typer.Typer(help="Recorded births: export and replay births.reported.v1.",
                         no_args_is_help=True)
app.add_typer(events_app, name="events")
TimeOpt = Annotated[datetime | None, typer.Option(help="ISO time with offset")]


def _selection(since: datetime | None, until: datetime | None, from_offset: int | None,
               to_offset: int | None, facility: str | None, registration: list[str] | None,
               ) -> object:
    from pipeline.replay import Selection

    return Selection(since=since, until=until, from_offset=from_offset, to_offset=to_offset,
                     facility=facility, registrations=frozenset(registration or ()))


@events_app.command("export")
def events_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines file to write")],
    since: TimeOpt = None, until: TimeOpt = None,
    from_offset: Annotated[int | None, typer.Option(help="per partition")] = None,
    to_offset: Annotated[int | None, typer.Option(help="per partition")] = None,
    facility: str | None = None,
    registration: Annotated[list[str] | None, typer.Option(help="repeatable")] = None,
) -> None:
    """Write the selected accepted reports (CloudEvents, one per line) to a file."""
    from pipeline.replay import export, recorded

    s = get_settings()
    selection = _selection(since, until, from_offset, to_offset, facility, registration)
    count = export(recorded(s.kafka_bootstrap, s.topic_namespace, selection), out)  # type: ignore[arg-type]
    console.print(f"exported {count} events to {out}")


@events_app.command("replay")
def events_replay(
    file: Annotated[Path | None, typer.Argument(help="JSON Lines file; none: the topic")] = None,
    rate: Annotated[float | None, typer.Option(help="births per second; none: as fast as "
                                                    "possible")] = None,
    into: Annotated[str | None, typer.Option(help="target topic namespace (an isolated "
                                                  "environment); default: this one")] = None,
    since: TimeOpt = None, until: TimeOpt = None,
    from_offset: int | None = None, to_offset: int | None = None, facility: str | None = None,
    registration: Annotated[list[str] | None, typer.Option(help="repeatable")] = None,
) -> None:
    """Replay recorded births into the pipeline; already processed ones change nothing."""
    from rich.progress import Progress

    from pipeline.replay import read_file, recorded, replay

    s = get_settings()
    selection = _selection(since, until, from_offset, to_offset, facility, registration)
    events = list(read_file(file) if file else
                  recorded(s.kafka_bootstrap, s.topic_namespace, selection))  # type: ignore[arg-type]
    target = s.topic_namespace if into is None else into
    with Progress(console=console) as progress:
        bar = progress.add_task("replaying", total=len(events))
        result = replay(events, s.kafka_bootstrap, target, rate=rate,
                        on_sent=lambda: progress.advance(bar))
    console.print(f"replayed {result.events} events in {result.seconds:.2f} s "
                  f"({result.per_second:.0f}/s) into namespace '{target}'")


@app.command()
def simulate(
    births: Annotated[int, typer.Option(help="reports in the day")] = 200,
    seed: Annotated[int, typer.Option(help="same seed, same day")] = 1,
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: yesterday, WIB)")] = None,
    rate: Annotated[float | None, typer.Option(help="reports per second; none: as fast as "
                                                    "possible")] = None,
    api: Annotated[str | None, typer.Option(help="intake API base URL")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the summary here")] = None,
) -> None:
    """The hospitals of Kota Serang post a realistic day of births; prints a summary."""
    from pipeline.simulate import run_simulation

    summary = asyncio.run(run_simulation(get_settings(), births=births, seed=seed, day=day,
                                         rate=rate, api=api, console=console))
    if json_out:
        json_out.write_text(json.dumps(summary, indent=2, ensure_ascii=False))


env_app = typer.Typer(help="Isolated environments for replay and debugging.",
                      no_args_is_help=True)
app.add_typer(env_app, name="env")


def _env_file(name: str) -> Path:
    return VAR_DIR / "envs" / name / "env.json"


@env_app.command("up")
def env_up(name: str,
           port_base: Annotated[int, typer.Option(help="API on this port, SIAK +1, BPJS +2, "
                                                       "worker web +3")] = 8200) -> None:
    """Start an isolated environment: own topics namespace, database, simulator state, ports."""
    from pipeline.infra.stack import Stack
    from pipeline.persistence.migrate import upgrade
    from pipeline.streaming.admin import ensure_topics

    s, where = get_settings(), VAR_DIR / "envs" / name
    env = {"TOPIC_NAMESPACE": name, "KAFKA_BOOTSTRAP": s.kafka_bootstrap,
           "DATABASE_URL": f"sqlite:///{(where / 'lahir.db').resolve()}",
           "API_PORT": str(port_base), "SIAK_URL": f"http://127.0.0.1:{port_base + 1}",
           "BPJS_URL": f"http://127.0.0.1:{port_base + 2}",
           "WORKER_WEB_PORT": str(port_base + 3)}
    where.mkdir(parents=True, exist_ok=True)
    upgrade(env["DATABASE_URL"])
    ensure_topics(s.kafka_bootstrap, name)
    Stack(where / "var", env).up()
    _env_file(name).write_text(json.dumps(env, indent=2))
    console.print(f"environment {name} up; use it with:")
    console.print("\n".join(f"export {k}={v}" for k, v in env.items()))


@env_app.command("down")
def env_down(name: str) -> None:
    """Stop an isolated environment's processes (its files stay under var/envs)."""
    from pipeline.infra.stack import Stack

    env = json.loads(_env_file(name).read_text())
    stopped = Stack(VAR_DIR / "envs" / name / "var", env).down(infra=False)
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


@app.command()
def stuck(older_than: Annotated[int, typer.Option(help="seconds in one state")] = 600,
          redrive: Annotated[bool, typer.Option(help="request those tasks again")] = False,
          ) -> None:
    """Tasks waiting in one state too long (and, with --redrive, ask for them again)."""
    from datetime import timedelta

    from pipeline.bootstrap import Container
    from pipeline.handlers.stuck import rerequest, stuck_tasks

    container = Container(get_settings())
    rows = stuck_tasks(container.uow, timedelta(seconds=older_than))
    table = Table("registration", "task", "state", "since")
    for row in rows:
        table.add_row(row.registration_id, row.task, row.state, row.since.isoformat())
    console.print(table)
    if redrive:
        again = sum(rerequest(container.uow, r.registration_id, r.task) for r in rows)
        console.print(f"requested again: {again}")


@app.command()
def serve(process: Annotated[str, typer.Argument(help="api | worker | relay | siak | bpjs")],
          ) -> None:
    """Run one process in the foreground (what `lahir up` starts in the background)."""
    from pipeline import serve as entry

    s = get_settings()
    runners = {"api": entry.serve_api, "worker": entry.serve_worker, "relay": entry.serve_relay}
    if process in runners:
        runners[process](s)
    elif process in ("siak", "bpjs"):
        os.execv(sys.executable, [sys.executable, "-m", "simulators", process])
    else:
        raise typer.BadParameter(f"unknown process {process!r}")


@app.command()
def up(postgres: Annotated[bool, typer.Option(help="use a local PostgreSQL, not SQLite")] = False,
       workers: Annotated[int, typer.Option(min=1, help="Faust workers in one consumer group "
                                                        "(more than one needs PostgreSQL)")] = 1,
       brokers: Annotated[int, typer.Option(min=1, help="Kafka nodes: 1, or 3 (a KRaft cluster, "
                                                        "replication 3, min.insync.replicas 2)")]
       = 1,
       ) -> None:
    """Start Kafka, (PostgreSQL,) the simulators, the relay, the workers and the API."""
    _start_stack(postgres, workers=workers, brokers=brokers)
    _print_urls()


@app.command()
def down() -> None:
    """Stop everything `lahir up` started."""
    from pipeline.infra.stack import Stack

    stopped = Stack(VAR_DIR).down()
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


@app.command()
def status() -> None:
    """Which processes run and answer."""
    from pipeline.infra.stack import Stack

    table = Table("process", "pid", "alive", "ready")
    for name, pid, alive, ready in Stack(VAR_DIR).status():
        table.add_row(name, str(pid or "-"), "yes" if alive else "no", "yes" if ready else "no")
    console.print(table)


@app.command()
def demo(births: Annotated[int, typer.Option(help="how many synthetic births")] = 300,
         postgres: Annotated[bool, typer.Option(help="use a local PostgreSQL")] = False,
         seed: Annotated[int, typer.Option(help="seed of the synthetic births")] = 2026,
         stay: Annotated[bool, typer.Option(help="wait for Ctrl-C, then stop the stack; --no-stay "
                                               "returns after the summary and leaves it up "
                                               "(lahir down stops it)")] = True,
         ) -> None:
    """Start the stack, post synthetic births through the signed API, print a summary."""
    from pipeline.demo import run_demo

    stack = _start_stack(postgres)
    ok = False
    try:
        ok = asyncio.run(run_demo(Settings(), births=births, seed=seed, console=console))
        _print_urls()
        if stay:
            console.print("[bold]The stack stays up. Ctrl-C stops it.[/bold]")
            _wait_for_ctrl_c()
    except KeyboardInterrupt:
        pass
    finally:
        if stay or not ok:
            console.print("stopping the stack ...")
            console.print(f"stopped: {', '.join(stack.down())}")
    raise typer.Exit(0 if ok else 1)


@app.command()
def post(file: Path, facility: str = "RSUDSRG",
         secret: Annotated[str | None, typer.Option(envvar="LAHIR_FACILITY_SECRET")] = None,
         ) -> None:
    """Post a birth report (JSON file) signed as a facility; prints the answer."""
    _call(facility, secret, lambda c: c.post_birth(file.read_bytes()))


@app.command()
def get(registration_id: str, facility: str = "RSUDSRG",
        secret: Annotated[str | None, typer.Option(envvar="LAHIR_FACILITY_SECRET")] = None,
        ) -> None:
    """Show a registration's status, signed as the facility that reported it."""
    _call(facility, secret, lambda c: c.get_birth(registration_id))


def _call(facility: str, secret: str | None, action: object) -> None:
    from connectors.hospital_client import HospitalClient
    from pipeline.persistence.facilities import dev_secret

    async def run() -> None:
        s = Settings()
        async with HospitalClient(f"http://{s.api_host}:{s.api_port}", facility,
                                  secret or dev_secret(facility)) as client:
            response = await action(client)  # type: ignore[operator]
            console.print(f"HTTP {response.status_code}")
            console.print_json(json.dumps(response.json()))

    asyncio.run(run())


def _start_stack(postgres: bool, workers: int = 1, brokers: int = 1) -> object:
    from pipeline.infra.stack import Stack
    from pipeline.persistence.migrate import upgrade
    from pipeline.streaming.admin import ensure_topics

    if workers > 1 and not postgres and get_settings().is_sqlite:  # refuse before starting
        typer.echo(f"--workers {workers} needs PostgreSQL: SQLite serialises writers across "
                   "processes (one lock on the database file), so the workers would queue on it "
                   "and fail with 'database is locked'. Add --postgres (or set DATABASE_URL to "
                   "PostgreSQL).", err=True)
        raise typer.Exit(2)
    if brokers == 2:
        typer.echo("--brokers 2 cannot lose a node (its quorum needs both): use 1 or 3.", err=True)
        raise typer.Exit(2)
    stack = Stack(VAR_DIR, workers=workers)
    with console.status("starting Kafka (the first run fetches it with Maven) ..."):
        bootstrap = stack.start_kafka(brokers)
        stack.env["KAFKA_BOOTSTRAP"] = os.environ["KAFKA_BOOTSTRAP"] = bootstrap
    if postgres:
        with console.status("starting PostgreSQL ..."):
            url = stack.start_postgres()
            stack.env["DATABASE_URL"] = os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    s = get_settings()
    with console.status("migrating the database and creating topics ..."):
        upgrade(s.database_url)
        ensure_topics(s.kafka_bootstrap, s.topic_namespace, replication_factor=min(brokers, 3))
    with console.status(f"starting simulators, relay, {workers} worker(s) and API ..."):
        stack.up()
    console.print(f"stack up: Kafka {bootstrap}, database {s.database_url.split('@')[-1]}, "
                  f"workers {', '.join(stack.worker_names())}")
    return stack


def _print_urls() -> None:
    s = Settings()
    table = Table("what", "where")
    table.add_row("intake API + OpenAPI", f"http://{s.api_host}:{s.api_port}/docs")
    table.add_row("officer UI (dev sign-in: official.serang / DEV_OFFICER_PASSWORD, "
                  "default lahir-dev-2026)", f"http://{s.api_host}:{s.api_port}/officer/")
    table.add_row("notification simulator (messages sent)", f"{s.notify_url}/_sim/messages")
    table.add_row("SIAK simulator", s.siak_url)
    table.add_row("BPJS simulator", s.bpjs_url)
    table.add_row("Kafka", s.kafka_bootstrap)
    table.add_row("logs", str((VAR_DIR / "log").resolve()))
    console.print(table)


def _wait_for_ctrl_c() -> None:
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        return


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="short steps, fewer loads: development and CI "
                                             "smoke test")] = False,
    only: Annotated[str | None, typer.Option(help="latency | replay | scaleout | recovery | "
                                                  "passthrough")] = None,
    database: Annotated[str, typer.Option(help="postgres | sqlite | both: the latency steps "
                                               "(replay: the first; scale-out and recovery "
                                               "always PostgreSQL)")] = "both",
    out: Annotated[Path, typer.Option(help="where report.json, report.md and latency.png go")]
    = VAR_DIR / "bench",
) -> None:
    """Benchmark the whole stack on its own Kafka and PostgreSQL (see pipeline/bench)."""
    from pipeline.bench.runner import Options, run
    from pipeline.bench.schedule import SECTIONS

    if only is not None and only not in SECTIONS:
        raise typer.BadParameter(f"--only must be one of {', '.join(SECTIONS)}")
    if database not in ("postgres", "sqlite", "both"):
        raise typer.BadParameter("--database must be postgres, sqlite or both")
    databases = ("postgres", "sqlite") if database == "both" else (database,)
    run(Options(quick=quick, only=only, databases=databases, out=out), console)
    console.print((out / "report.md").read_text(), markup=False, highlight=False, soft_wrap=True)
    console.print(f"written: {out / 'report.json'}, {out / 'report.md'}, {out / 'latency.png'}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
