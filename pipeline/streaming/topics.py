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

PARTITIONS = 12  # room for up to 12 workers in one consumer group

BIRTHS_REPORTED = TopicSpec("births.reported.v1", PARTITIONS, FOREVER,
                            "every accepted report exactly as accepted; key: registration id")
TASKS = {
    kind: TopicSpec(f"tasks.{kind}.requested.v1", PARTITIONS, WEEK,
                    f"requests to run the {kind} task; key: "
                    + ("nomor KK (twins share a KK)" if kind == "kk" else "registration id"))
    for kind in TASK_KINDS
}
# one retry topic per back-off tier: within a tier messages fall due in the order they arrive,
# so waiting for the head of a partition never holds back a message that is due sooner
RETRY_TIERS_S = (1, 5, 15, 60, 300)
RETRY = {
    delay: TopicSpec(f"pipeline.retry.{delay}s.v1", 6, WEEK,
                     f"events waiting {delay} s (±20%) for another attempt "
                     "(headers due_at, origin)")
    for delay in RETRY_TIERS_S
}
BIRTHS_COMPLETED = TopicSpec("births.completed.v1", 6, WEEK,
                             "a registration whose documents are all issued and BPJS settled; "
                             "key: registration id")
DEAD_LETTER = TopicSpec("pipeline.deadletter.v1", 1, FOREVER,
                        "events that failed for good, with reason and attempt headers")

ALL: tuple[TopicSpec, ...] = (BIRTHS_REPORTED, *TASKS.values(), BIRTHS_COMPLETED,
                              *RETRY.values(), DEAD_LETTER)
