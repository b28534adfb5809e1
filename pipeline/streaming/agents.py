"""Faust agents: decode, bind log context, run a handler, route every failure. No rules here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import faust
import structlog
from faust.types import EventT, StreamT
from pydantic import ValidationError

from pipeline.bootstrap import Container
from pipeline.domain.errors import TransientError
from pipeline.handlers import notify, planning, tasks
from pipeline.logging import scrub
from pipeline.streaming import topics
from pipeline.streaming.retry import backoff, header, tier
from schemas.birth import BirthReported
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested

log = structlog.get_logger("lahir.agents")
Handler = Callable[[Envelope[Any]], None]


class Runner:
    """Runs handlers off the event loop and parks what fails: nothing escapes an agent body."""

    def __init__(self, app: faust.App, container: Container) -> None:
        self.container = container
        self.retry = {delay: app.topic(container.topic(spec.base))
                      for delay, spec in topics.RETRY.items()}
        self.dead = app.topic(container.topic(topics.DEAD_LETTER.base))

    async def run(self, event: EventT, payload: type[Any], handler: Handler) -> None:
        attempt = int(header(event.headers, "attempt", "0"))
        try:
            envelope = Envelope[payload].model_validate_json(event.value)  # type: ignore[valid-type]
        except ValidationError as exc:
            await self.park(event, self.dead, reason="undecodable", error=exc, attempt=attempt)
            return
        with structlog.contextvars.bound_contextvars(
                event_id=str(envelope.id), attempt=attempt, registration_id=envelope.subject):
            try:
                await asyncio.to_thread(handler, envelope)  # sync DB and HTTP, off the loop
            except TransientError as exc:
                await self._retry_or_give_up(event, envelope, attempt + 1, exc)
            except Exception as exc:  # a bug or broken data: a retry will not help
                log.exception("handler_failed")
                await self._give_up(event, envelope, type(exc).__name__, exc, attempt)

    async def _retry_or_give_up(self, event: EventT, envelope: Envelope[Any], attempt: int,
                                exc: Exception) -> None:
        if attempt >= self.container.settings.max_attempts:
            await self._give_up(event, envelope, "transient", exc, attempt)
            return
        log.warning("handler_retrying", error=scrub(str(exc)), next_attempt=attempt)
        if isinstance(envelope.data, TaskRequested):
            await asyncio.to_thread(tasks.mark_retrying, self.container.uow, envelope, attempt,
                                    scrub(str(exc)))
        due = time.time() + backoff(attempt)
        await self.park(event, self.retry[tier(attempt)], reason="transient", error=exc,
                        attempt=attempt,
                        extra={"due_at": f"{due:.3f}", "origin": event.message.topic})

    async def _give_up(self, event: EventT, envelope: Envelope[Any], reason: str,
                       exc: Exception, attempt: int) -> None:
        await self.park(event, self.dead, reason=reason, error=exc, attempt=attempt,
                        extra={"origin": header(event.headers, "origin", event.message.topic)})
        if isinstance(envelope.data, TaskRequested):
            await asyncio.to_thread(tasks.mark_failed, self.container.uow, envelope,
                                    f"{reason}: {scrub(str(exc))}")

    async def park(self, event: EventT, target: faust.types.TopicT, *, reason: str,
                   error: Exception, attempt: int, extra: dict[str, str] | None = None) -> None:
        headers = {**event.headers, "reason": reason.encode(), "attempt": str(attempt).encode(),
                   "error": scrub(str(error))[:2000].encode(),
                   **{k: v.encode() for k, v in (extra or {}).items()}}
        while True:  # return only once Kafka holds it; broker away: stall, lose nothing
            try:
                await (await target.send(key=event.key, value=event.value, headers=headers))
                log.warning("event_parked", topic=target.get_topic_name(), reason=reason)
                return
            except Exception:  # noqa: BLE001 - any producer failure: keep trying
                log.warning("park_failed", exc_info=True)
                await asyncio.sleep(1)


def register_agents(app: faust.App, container: Container) -> Runner:
    runner = Runner(app, container)
    key = container.settings.nik_index_key.get_secret_value()
    births = app.topic(container.topic(topics.BIRTHS_REPORTED.base))

    @app.agent(births, name="plan_birth_tasks", concurrency=1)
    async def plan_birth_tasks(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await runner.run(event, BirthReported,
                             lambda env: planning.plan_tasks(env, container.uow(), index_key=key))

    for kind in topics.TASK_KINDS:
        _task_agent(app, container, runner, kind)
    completed = app.topic(container.topic(topics.BIRTHS_COMPLETED.base))

    @app.agent(completed, name="notify_family", concurrency=1)
    async def notify_family(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await runner.run(event, BirthCompleted, lambda env: notify.notify_family(
                env, container.uow, container.ports.notify, container.settings))

    for delay in topics.RETRY:
        _retry_agent(app, container, delay)
    return runner


def _task_agent(app: faust.App, container: Container, runner: Runner, kind: str) -> None:
    topic = app.topic(container.topic(topics.TASKS[kind].base))

    async def run_task(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await runner.run(event, TaskRequested,
                             lambda env: tasks.run_task(env, container.uow, container.ports))

    app.agent(topic, name=f"run_{kind}_task", concurrency=1)(run_task)


def _retry_agent(app: faust.App, container: Container, delay: int) -> None:
    retry = app.topic(container.topic(topics.RETRY[delay].base))
    origins: dict[str, faust.types.TopicT] = {}  # one topic object per origin, not per message

    async def redeliver_when_due(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await asyncio.sleep(max(0.0, float(header(event.headers, "due_at", "0")) - time.time()))
            name = header(event.headers, "origin")
            if name not in origins:
                origins[name] = app.topic(name)
            await (await origins[name].send(key=event.key, value=event.value,
                                            headers=event.headers))

    app.agent(retry, name=f"redeliver_after_{delay}s", concurrency=1)(redeliver_when_due)
