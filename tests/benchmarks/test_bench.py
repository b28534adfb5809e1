"""`lahir bench --quick` end to end: every part runs and the three files appear. Figures are
written to the report, never asserted (this machine's timings are nobody's contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.bench.runner import Options, run

pytestmark = [pytest.mark.benchmark]


def test_the_quick_benchmark_runs_every_part_and_writes_its_report(tmp_path: Path) -> None:
    report = run(Options(quick=True, databases=("postgres",), out=tmp_path),
                 Console(record=True, width=120))

    data = json.loads((tmp_path / "report.json").read_text())
    assert data["sections"] == ["passthrough", "latency", "replay", "scaleout", "recovery"]
    assert not [n for n in report.notes if "not measured" in n]
    assert data["passthrough"]["messages"] > 0
    assert {(s["database"], s["latency"]) for s in data["latency"]} == {
        ("postgres", "0 ms"), ("postgres", "government")}
    assert all(s["steps"] and s["steps"][0]["accepted"] > 0 for s in data["latency"])
    assert data["replay"]["births"] > 0
    assert [row["workers"] for row in data["scaleout"]] == [1, 2, 4]
    assert data["recovery"]["accepted"] > 0
    markdown = (tmp_path / "report.md").read_text()
    assert "Report → all drafts ready" in markdown and "Scale-out" in markdown
    assert (tmp_path / "latency.png").read_bytes().startswith(b"\x89PNG")
