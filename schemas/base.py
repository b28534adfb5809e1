"""Base model of every public contract: strict, no unknown fields, immutable."""

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              json_schema_serialization_defaults_required=True)
