"""`lahir bench`: the one benchmark harness (open-loop latency, replay, scale-out, recovery)."""
