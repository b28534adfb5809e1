"""Entry points of the long-running processes: `lahir serve api|worker|relay`."""

from __future__ import annotations

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.logging import configure_logging, logging_config


def serve_api(settings: Settings) -> None:
    import uvicorn

    from pipeline.web.app import create_app

    configure_logging(settings.log_json, settings.log_level, process="api")
    app = create_app(Container(settings))
    uvicorn.run(app, host=settings.api_host, port=settings.api_port,
                log_config=logging_config(settings.log_json, settings.log_level),
                timeout_graceful_shutdown=10)


def serve_worker(settings: Settings) -> None:
    import faust

    from pipeline.streaming.agents import register_agents
    from pipeline.streaming.app import create_faust_app

    configure_logging(settings.log_json, settings.log_level, process="worker")
    container = Container(settings)
    app = create_faust_app(container)
    register_agents(app, container)
    worker = faust.Worker(app, loglevel=settings.log_level,
                          logging_config=logging_config(settings.log_json, settings.log_level))
    worker.execute_from_commandline()


def serve_relay(settings: Settings) -> None:
    from pipeline.streaming import relay

    configure_logging(settings.log_json, settings.log_level, process="relay")
    relay.run(Container(settings))
