"""Every Kafka topic of Lahir: names, partition counts and configs. The only place names live."""

from __future__ import annotations

from dataclasses import dataclass, field

TASK_KINDS = ("nik", "kk", "akta", "kia", "bpjs")


@dataclass(frozen=True)
class TopicSpec:
    base: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)
    purpose: str = ""

    def name(self, namespace: str = "") -> str:
        return f"{namespace}.{self.base}" if namespace else self.base


FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}  # the replay source keeps every report
WEEK = {"retention.ms": str(7 * 24 * 3600 * 1000)}

BIRTHS_REPORTED = TopicSpec("births.reported.v1", 6, FOREVER,
                            "every accepted report exactly as accepted; key: registration id")
TASKS = {
    kind: TopicSpec(f"tasks.{kind}.requested.v1", 6, WEEK,
                    f"requests to run the {kind} task; key: "
                    + ("nomor KK (twins share a KK)" if kind == "kk" else "registration id"))
    for kind in TASK_KINDS
}
RETRY = TopicSpec("pipeline.retry.v1", 3, WEEK, "events waiting for another attempt (header due_at)")
DEAD_LETTER = TopicSpec("pipeline.deadletter.v1", 1, FOREVER,
                        "events that failed for good, with reason and attempt headers")

ALL: tuple[TopicSpec, ...] = (BIRTHS_REPORTED, *TASKS.values(), RETRY, DEAD_LETTER)
