"""What each part of a benchmark run found: plain data, written to report.json as it is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Resources:
    """CPU-ms per settled birth and peak RSS (MiB) of each process over one measurement."""

    cpu_ms_per_birth: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)


@dataclass
class Step:
    """One open-loop load step."""

    offered_per_s: float
    planned: int
    sent: int = 0
    accepted: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    sending_s: float = 0.0
    achieved_per_s: float = 0.0  # births actually sent per second (vs offered)
    send_lag_p99_s: float = 0.0  # how late the load generator itself sent (should be ~0)
    settled: int = 0
    unsettled: int = 0
    latency_s: dict[str, float | None] = field(default_factory=dict)  # report -> drafts ready
    latency_max_s: float | None = None
    sustained_per_s: float = 0.0  # births settled per second while load was offered
    backlog_growth_per_s: float = 0.0
    backlog_final: float = 0.0
    stopped_early: bool = False
    statuses: dict[str, int] = field(default_factory=dict)
    kafka_messages: int = 0
    kafka_messages_per_birth: float | None = None
    resources: Resources = field(default_factory=Resources)
    backlog_samples: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Series:
    """The load steps of one database at one simulator latency."""

    database: str
    latency: str
    latency_ms: dict[str, int]
    jitter: str  # what the simulators did about the ±50% wanted
    steps: list[Step] = field(default_factory=list)
    skipped_loads: list[int] = field(default_factory=list)  # above a load that fell behind


@dataclass
class Passthrough:
    """Raw aiokafka on the same broker: produce + consume + commit of 1 KB, acks=all."""

    messages: int
    message_bytes: int
    seconds: float
    produced_per_s: float
    passthrough_per_s: float  # consumed and committed per second


@dataclass
class Replay:
    database: str
    births: int
    publish_per_s: float
    settled: int
    seconds: float
    births_per_s: float | None


@dataclass
class ScaleoutRow:
    workers: int
    database: str
    stream_window: int
    births: int
    settled: int
    seconds: float
    births_per_s: float | None
    offered_per_s: float = 0.0  # the batch goes in faster than any pipeline here settles it


@dataclass
class Recovery:
    database: str
    session_timeout_s: float
    seconds: float | None  # kill -9 until every stalled partition commits again
    partitions_watched: int
    partitions_stalled: int  # waited longer than 3 s: the killed worker's
    accepted: int = 0
    settled: int = 0


@dataclass
class Report:
    started_at: str
    quick: bool
    cores: int
    sections: list[str]
    databases: list[str]
    notes: list[str] = field(default_factory=list)
    passthrough: Passthrough | None = None
    latency: list[Series] = field(default_factory=list)
    replay: Replay | None = None
    scaleout: list[ScaleoutRow] = field(default_factory=list)
    recovery: Recovery | None = None
    finished_at: str = ""
