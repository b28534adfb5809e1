"""CPU per birth of each simulator process: `python -m simulators.bench_cpu [siak|bpjs] [-h]`."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from simulators import bench_flows as flows
from simulators.bench_http import Connection
from simulators.population import generate

TICK = os.sysconf("SC_CLK_TCK")
Birth = Callable[[Connection, int], Awaitable[None]]
HTTPX_HEADERS = {"accept": "*/*", "accept-encoding": "gzip, deflate", "connection": "keep-alive",
                 "user-agent": "python-httpx/0.28.1"}  # what our clients send: h11 reads them all


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of the process (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(name: str, port: int, state: Path, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "simulators", name, "--host", "127.0.0.1",
               "--port", str(port), "--state", str(state), "--families", str(args.families),
               "--log-level", os.environ.get("BENCH_LOG_LEVEL", "INFO")]  # fmt: skip
    with state.with_suffix(".log").open("wb") as log:  # as the stack does: logs to a file
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=args.root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the {name} simulator did not become ready")


async def drive(birth: Birth, port: int, births: range, args: argparse.Namespace) -> None:
    """Up to `concurrency` births in flight, one keep-alive connection each; with `rate`, birth
    i starts no sooner than i/rate seconds in (open loop, as the pipeline's traffic)."""
    todo, started = iter(births), time.monotonic()

    async def worker() -> None:
        http = Connection("127.0.0.1", port, {**HTTPX_HEADERS, "X-Api-Key": flows.SIAK_KEY})
        try:
            for i in todo:
                if args.rate:
                    await asyncio.sleep(started + (i - births.start) / args.rate - time.monotonic())
                await birth(http, i)
        finally:
            await http.close()

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))


def profile(pid: int, out: str | None) -> subprocess.Popen[bytes] | None:
    """py-spy on the simulator if asked: `.svg` a flame graph, else collapsed stacks (raw)."""
    if not out:
        return None
    form = "flamegraph" if out.endswith(".svg") else "raw"
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "--pid", str(pid), "-o", out, "-f", form, "--nonblocking",
               "--rate", "500"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def measure(name: str, birth: Birth, port: int, pid: int, args: argparse.Namespace) -> str:
    if args.latency_ms:
        setting = Connection("127.0.0.1", port, {"X-Api-Key": flows.SIAK_KEY})
        (await setting.post("/_sim/faults", {"latency_ms": args.latency_ms})).ok()
        await setting.close()
    await drive(birth, port, range(args.warmup), args)
    spy, cpu, wall = profile(pid, args.py_spy), cpu_seconds(pid), time.perf_counter()
    await drive(birth, port, range(args.warmup, args.warmup + args.births), args)
    cpu, wall = cpu_seconds(pid) - cpu, time.perf_counter() - wall
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)
    pace = f"{args.rate} births/s asked, " if args.rate else ""
    return (f"{name}: {args.births} births, {pace}{args.concurrency} in flight, latency "
            f"{args.latency_ms} ms: {cpu * 1000 / args.births:.2f} ms CPU per birth, "
            f"{args.births / wall:.1f} births/s, wall {wall:.2f} s")  # fmt: skip


def siak_births(url: str, total: int) -> Birth:
    sample = httpx.get(f"{url}/_sim/population/sample", params={"n": 1000, "kind": "happy"},
                       headers={"X-Api-Key": flows.SIAK_KEY}).json()  # fmt: skip
    mothers: list[dict[str, Any]] = sample * (total // len(sample) + 1)

    async def birth(http: Connection, i: int) -> None:
        await flows.siak_birth(http, mothers[i], f"b{i}")

    return birth


def bpjs_births(seed: int, families: int, total: int) -> Birth:
    rng, serials = random.Random(seed), {}  # type: dict[str, int]
    population = generate(seed, families)
    covered = [f for f in population.families if f.mother_nik and f.in_kota_serang]
    babies = [flows.baby(rng.choice(covered), serials, rng) for _ in range(total)]

    async def birth(http: Connection, i: int) -> None:
        await flows.bpjs_birth(http, babies[i], f"b{i}")

    return birth


def run(name: str, args: argparse.Namespace, workdir: Path) -> None:
    port, total = free_port(), args.warmup + args.births
    process = start(name, port, workdir / f"{name}.db", args)
    try:
        birth = (siak_births(f"http://127.0.0.1:{port}", total) if name == "siak"
                 else bpjs_births(3673, args.families, total))  # fmt: skip
        sys.stdout.write(asyncio.run(measure(name, birth, port, process.pid, args)) + "\n")
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m simulators.bench_cpu")
    parser.add_argument("which", nargs="*", choices=["siak", "bpjs", []])
    parser.add_argument("--births", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=0, help="births/s (default: flat out)")
    parser.add_argument("--latency-ms", type=int, default=0, help="set as a fault first")
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--root", help="run the simulators of another checkout (before/after)")
    parser.add_argument("--py-spy", metavar="FILE", help="profile the measured part (.svg or raw)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as workdir:
        for name in args.which or ["siak", "bpjs"]:
            run(name, args, Path(workdir))


if __name__ == "__main__":
    main()
