"""Run a simulator: `python -m simulators siak|bpjs|notify --port 8101|8102|8103`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from simulators.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m simulators")
    sub = parser.add_subparsers(dest="simulator", required=True)
    for name, port, state in (
        ("siak", "8101", "var/sim/siak.db"),
        ("bpjs", "8102", "var/sim/bpjs.db"),
    ):
        prefix = name.upper()
        p = sub.add_parser(name, help=f"the {name.upper()} simulator")
        p.add_argument("--host", default=env(f"{prefix}_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(env(f"{prefix}_PORT", port)))
        p.add_argument("--seed", type=int, default=int(env("POPULATION_SEED", "3673")))
        p.add_argument("--families", type=int, default=int(env("POPULATION_FAMILIES", "20000")))
        p.add_argument(
            "--state",
            type=Path,
            default=Path(env(f"{prefix}_STATE", state)),
            help="SQLite state file",
        )
        p.add_argument("--log-level", default=env("LOG_LEVEL", "INFO"))
    notify = sub.add_parser("notify", help="the WhatsApp/SMS notification gateway simulator")
    notify.add_argument("--host", default=env("NOTIFY_HOST", "127.0.0.1"))
    notify.add_argument("--port", type=int, default=int(env("NOTIFY_PORT", "8103")))
    notify.add_argument("--log-level", default=env("LOG_LEVEL", "INFO"))
    sub.choices["siak"].add_argument("--api-key", default=env("SIAK_API_KEY", "lahir-dev-siak-key"))
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    configure_logging(f"{args.simulator}-simulator", args.log_level)
    if args.simulator == "notify":
        from simulators.notify.app import serve as serve_notify

        serve_notify(args.host, args.port)
        return
    common = {"seed": args.seed, "families": args.families, "state_path": args.state}
    if args.simulator == "siak":
        from simulators.siak.app import serve

        serve(args.host, args.port, api_key=args.api_key, **common)
    else:
        from simulators.bpjs.app import serve as serve_bpjs

        serve_bpjs(args.host, args.port, **common)


if __name__ == "__main__":
    main()
