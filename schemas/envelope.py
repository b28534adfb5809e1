"""CloudEvents 1.0 envelope (structured JSON mode) of every Kafka message (contract.md 5)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

P = TypeVar("P")


class Envelope(BaseModel, Generic[P]):
    """A CloudEvent whose `data` is a payload of schemas/birth.py or schemas/tasks.py; any Kafka
    client reads it (`Envelope[BirthReported]`, `Envelope[TaskRequested]`)."""

    model_config = ConfigDict(extra="allow", frozen=True,  # CloudEvents allows extensions
                              json_schema_serialization_defaults_required=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(default_factory=uuid4)  # unique per event: the inbox key
    source: str  # "/facilities/RSUDSRG", "/lahir/pipeline"
    type: str  # "birth.reported"; the topic name carries the version
    time: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str  # the registration id
    datacontenttype: Literal["application/json"] = "application/json"
    causationid: UUID | None = None  # id of the event that caused this one
    data: P


RawEnvelope = Envelope[dict[str, Any]]
