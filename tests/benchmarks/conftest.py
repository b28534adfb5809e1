"""Benchmarks reuse the end-to-end fixtures (whole stack on real Kafka and PostgreSQL)."""

from tests.e2e.conftest import stack, stack_overrides  # noqa: F401
