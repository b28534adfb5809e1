"""A faust worker for test_window_kafka: one agent reading through the production window.

`python -m tests.integration.window_worker BOOTSTRAP TOPIC GROUP EFFECTS SLOW_SECONDS DATADIR
MODE`: the event whose value is b"slow" sleeps SLOW_SECONDS before its effect; every effect is a
line "done <offset>" appended (and fsynced) to EFFECTS, so a kill -9 keeps what was done. MODE
`window` reads through our window; `faust-concurrency` is faust's own concurrency=16 with its
automatic acks, the configuration the window replaces.
"""

from __future__ import annotations

import asyncio
import os
import sys

import faust
from faust.types import EventT, StreamT

from pipeline.streaming.agents import Windows
from pipeline.streaming.window import run_windowed


def main(bootstrap: str, topic: str, group: str, effects: str, slow_s: float,
         datadir: str, mode: str) -> None:
    app = faust.App(group, broker=f"kafka://{bootstrap}", processing_guarantee="at_least_once",
                    key_serializer="raw", value_serializer="raw", web_enabled=False,
                    datadir=datadir, topic_allow_declare=False, topic_disable_leader=True,
                    broker_session_timeout=6, broker_heartbeat_interval=1,
                    broker_commit_interval=0.2, table_standby_replicas=0,
                    stream_wait_empty=False)
    windows = Windows(app)

    async def handle(event: EventT) -> None:
        if event.value == b"slow":
            await asyncio.sleep(slow_s)
        with open(effects, "a") as out:
            out.write(f"done {event.message.offset}\n")
            out.flush()
            os.fsync(out.fileno())

    async def windowed(stream: StreamT[bytes]) -> None:
        await run_windowed(stream.noack().events(), windows.open(stream, 16, "windowed"), handle)

    async def concurrent(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await handle(event)

    if mode == "window":
        app.agent(app.topic(topic), name="windowed")(windowed)
    else:
        app.agent(app.topic(topic), name="concurrent", concurrency=16)(concurrent)

    worker = faust.Worker(app, loglevel="INFO")
    worker.execute_from_commandline()


if __name__ == "__main__":
    bootstrap, topic, group, effects, slow, datadir, mode = sys.argv[1:8]
    main(bootstrap, topic, group, effects, float(slow), datadir, mode)
