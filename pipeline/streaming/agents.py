"""Faust agents: read without auto-acks, run each event through an in-flight window, route every
failure. No rules here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
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
from pipeline.streaming.window import InFlightWindow, run_windowed
from schemas.birth import BirthReported
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested

log = structlog.get_logger("lahir.agents")
Handler = Callable[[Envelope[Any]], Awaitable[None]]


class Runner:
    """Decodes, binds log context, runs a handler and parks what fails: it never raises."""

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
                await handler(envelope)
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
            await self._record(tasks.mark_retrying, envelope, attempt, scrub(str(exc)))
        due = time.time() + backoff(attempt)
        await self.park(event, self.retry[tier(attempt)], reason="transient", error=exc,
                        attempt=attempt,
                        extra={"due_at": f"{due:.3f}", "origin": event.message.topic})

    async def _give_up(self, event: EventT, envelope: Envelope[Any], reason: str,
                       exc: Exception, attempt: int) -> None:
        await self.park(event, self.dead, reason=reason, error=exc, attempt=attempt,
                        extra={"origin": header(event.headers, "origin", event.message.topic)})
        if isinstance(envelope.data, TaskRequested):
            await self._record(tasks.mark_failed, envelope, f"{reason}: {scrub(str(exc))}")

    async def _record(self, mark: Callable[..., None], *args: Any) -> None:
        """The status shows the retry or the dead letter; the event is parked either way."""
        try:
            await self.container.db(mark, self.container.uow, *args)
        except Exception:  # noqa: BLE001 - the status is a view; the parked event is the truth
            log.warning("task_mark_failed", exc_info=True)

    async def park(self, event: EventT, target: faust.types.TopicT, *, reason: str,
                   error: Exception, attempt: int, extra: dict[str, str] | None = None) -> None:
        headers = {**event.headers, "reason": reason.encode(), "attempt": str(attempt).encode(),
                   "error": scrub(str(error))[:2000].encode(),
                   **{k: v.encode() for k, v in (extra or {}).items()}}
        await send_until_held(target, event, headers)
        log.warning("event_parked", topic=target.get_topic_name(), reason=reason)


async def send_until_held(target: faust.types.TopicT, event: EventT,
                          headers: dict[str, bytes]) -> None:
    """Return only once Kafka holds the record; broker away: stall this event, lose nothing."""
    while True:
        try:
            await (await target.send(key=event.key, value=event.value, headers=headers))
            return
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - any producer failure: keep trying
            log.warning("send_failed", topic=target.get_topic_name(), exc_info=True)
            await asyncio.sleep(1)


class Windows:
    """One in-flight window per agent; a rebalance abandons the revoked partitions' events."""

    def __init__(self, app: faust.App) -> None:
        self._windows: list[tuple[InFlightWindow, bool]] = []
        app.on_partitions_revoked.connect(self._on_revoked)

    def open(self, stream: StreamT[bytes], limit: int, name: str, *,
             cancel_on_revoke: bool = False) -> InFlightWindow:
        window = InFlightWindow(limit, stream.ack, name=name)
        self._windows.append((window, cancel_on_revoke))
        return window

    async def _on_revoked(self, _app: faust.App, revoked: set[Any], **_: Any) -> None:
        for window, cancel in self._windows:
            window.revoke(revoked, cancel=cancel)


def register_agents(app: faust.App, container: Container) -> Runner:
    runner, windows = Runner(app, container), Windows(app)
    key = container.settings.nik_index_key.get_secret_value()

    async def plan(envelope: Envelope[Any]) -> None:
        await container.db(planning.plan_tasks, envelope, container.uow(), index_key=key)

    async def run_task(envelope: Envelope[Any]) -> None:
        await tasks.run_task(envelope, container.uow, container.ports, container.db)

    async def notify_family(envelope: Envelope[Any]) -> None:
        await notify.notify_family(envelope, container.uow, container.ports.notify,
                                   container.settings, container.db)

    _windowed(app, container, runner, windows, topics.BIRTHS_REPORTED, "plan_birth_tasks",
              BirthReported, plan)
    for kind in topics.TASK_KINDS:
        _windowed(app, container, runner, windows, topics.TASKS[kind], f"run_{kind}_task",
                  TaskRequested, run_task)
    _windowed(app, container, runner, windows, topics.BIRTHS_COMPLETED, "notify_family",
              BirthCompleted, notify_family)
    for delay in topics.RETRY:
        _retry_agent(app, container, windows, delay)
    return runner


def _windowed(app: faust.App, container: Container, runner: Runner, windows: Windows,
              spec: topics.TopicSpec, name: str, payload: type[Any], handler: Handler) -> None:
    limit = container.settings.stream_window

    async def agent(stream: StreamT[bytes]) -> None:
        window = windows.open(stream, limit, name)
        await run_windowed(stream.noack().events(), window,
                           lambda event: runner.run(event, payload, handler))

    agent.__name__ = agent.__qualname__ = name  # faust labels its logs with the function's name
    app.agent(app.topic(container.topic(spec.base)), name=name)(agent)


def _retry_agent(app: faust.App, container: Container, windows: Windows, delay: int) -> None:
    """Each waiting event sleeps in its own slot of the window, never in the stream body, so a
    rebalance does not wait for it: the revoked partitions' waits are cancelled, unacked."""
    origins: dict[str, faust.types.TopicT] = {}  # one topic object per origin, not per message
    dead = app.topic(container.topic(topics.DEAD_LETTER.base))
    origins_known = (topics.BIRTHS_REPORTED, topics.BIRTHS_COMPLETED, *topics.TASKS.values())
    known = {container.topic(spec.base) for spec in origins_known}

    async def redeliver_when_due(event: EventT) -> None:
        await asyncio.sleep(max(0.0, _due_at(event) - time.time()))
        name = header(event.headers, "origin")
        if name not in known:  # nowhere to send it back to: keep it, with the reason
            headers = {**event.headers, "reason": b"unknown_origin"}
            await send_until_held(dead, event, headers)
            return
        if name not in origins:
            origins[name] = app.topic(name)
        await send_until_held(origins[name], event, dict(event.headers))

    async def agent(stream: StreamT[bytes]) -> None:
        window = windows.open(stream, container.settings.retry_window, f"retry_{delay}s",
                              cancel_on_revoke=True)
        await run_windowed(stream.noack().events(), window, redeliver_when_due)

    agent.__name__ = agent.__qualname__ = f"redeliver_after_{delay}s"
    app.agent(app.topic(container.topic(topics.RETRY[delay].base)), name=agent.__name__)(agent)


def _due_at(event: EventT) -> float:
    try:
        return float(header(event.headers, "due_at", "0"))
    except ValueError:
        return 0.0  # an unreadable due time: due now
