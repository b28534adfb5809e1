"""Benchmarks run on demand (`pytest -m benchmark tests/benchmarks`, or `make bench` for the full
harness); they start their own Kafka and PostgreSQL, like `lahir bench`."""
