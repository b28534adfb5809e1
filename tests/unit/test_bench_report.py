"""What a benchmark run writes: report.json as data, report.md as tables."""

from __future__ import annotations

import json

from pipeline.bench.procstat import Usage, descendants, parse_peak_rss_kib, parse_stat, per_birth
from pipeline.bench.report import markdown, reference_step, to_json
from pipeline.bench.results import (
    Passthrough,
    Recovery,
    Replay,
    Report,
    Resources,
    ScaleoutRow,
    Series,
    Step,
)


def a_step(rate: float, *, stopped: bool = False, unsettled: int = 0) -> Step:
    return Step(offered_per_s=rate, planned=int(rate * 10), sent=int(rate * 10),
                accepted=int(rate * 10), achieved_per_s=rate, sustained_per_s=rate * 0.98,
                latency_s={"p50": 1.2, "p95": 2.5, "p99": None if unsettled else 3.1},
                stopped_early=stopped, unsettled=unsettled, sending_s=10.0,
                kafka_messages_per_birth=14.0,
                resources=Resources({"api": 4.5, "worker": 30.0, "postgres": 8.0},
                                    {"api": 90.0, "worker": 150.0, "postgres": 200.0}))


def a_report() -> Report:
    series = Series("postgres", "0 ms", {"siak": 0, "bpjs": 0}, "none wanted",
                    steps=[a_step(10), a_step(25, stopped=True, unsettled=3)],
                    skipped_loads=[50, 100, 200])
    return Report(started_at="2026-12-01T00:00:00+00:00", quick=True, cores=2,
                  sections=["passthrough", "latency", "replay", "scaleout", "recovery"],
                  databases=["postgres"], notes=["a note"],
                  passthrough=Passthrough(50_000, 1024, 2.0, 26_000.0, 25_000.0),
                  latency=[series],
                  replay=Replay("postgres", 100, 900.0, 100, 8.0, 12.5),
                  scaleout=[ScaleoutRow(1, "postgres", 16, 60, 60, 20.0, 3.0, 100.0),
                            ScaleoutRow(2, "postgres", 16, 60, 60, 11.0, 5.8, 100.0)],
                  recovery=Recovery("postgres", 8.0, 11.2, 36, 18, 200, 200))


def test_the_json_report_holds_every_figure():
    data = json.loads(to_json(a_report()))
    assert data["latency"][0]["steps"][1]["stopped_early"] is True
    assert data["latency"][0]["skipped_loads"] == [50, 100, 200]
    assert data["passthrough"]["passthrough_per_s"] == 25_000.0
    assert data["recovery"]["seconds"] == 11.2


def test_the_markdown_has_a_row_per_step_and_says_which_loads_were_not_run():
    text = markdown(a_report())
    assert "| PostgreSQL | 0 ms | 10 | 10 | 9.8 | 1.2 | 2.5 | 3.1 |" in text
    assert "stopped after 10 s: backlog grew; 3 not settled in time" in text
    assert "| PostgreSQL | 0 ms | 50, 100, 200 |" in text and "fell behind at 25/s" in text
    assert "| 25 | 25 | 24.5 | 1.2 | 2.5 | — |" in text   # unknown p99 is a dash


def test_resources_are_read_at_the_highest_load_the_pipeline_kept_up_with():
    report = a_report()
    assert reference_step(report.latency[0]) is report.latency[0].steps[0]
    text = markdown(report)
    assert "PostgreSQL 0 ms @ 10/s" in text
    assert "| api | 4.5 ms · 90 MiB |" in text


def test_the_kafka_section_gives_lahirs_share_of_the_ceiling():
    text = markdown(a_report())
    assert "**25000 messages/s**" in text
    assert "14 messages per birth × 9.8 births/s = 137 messages/s, 0.5% of that ceiling" in text


def test_replay_scaleout_and_recovery_have_their_tables():
    text = markdown(a_report())
    assert "| PostgreSQL | 100 | 900 | 100 | 8 | 12.5 |" in text
    assert "| 2 | 16 | 60 at 100/s | 60 | 11 | 5.8 |" in text
    assert "| 8 | 36 | 18 | 11.2 | 200 / 200 |" in text


def test_a_report_of_one_part_has_only_that_part():
    report = Report(started_at="t", quick=True, cores=2, sections=["replay"],
                    databases=["sqlite"], replay=Replay("sqlite", 10, 100.0, 9, 5.0, 1.8))
    text = markdown(report)
    assert "Replay" in text and "Scale-out" not in text and "open loop" not in text


def test_proc_stat_fields_survive_a_command_name_with_spaces_and_parentheses():
    line = "4242 (python (x) y) S 17 4242 4242 0 -1 0 0 0 0 0 150 50 7 3 20 0 1 0 100 0 0"
    stat = parse_stat(line)
    assert stat.ppid == 17 and stat.cpu_ticks == 150 + 50 + 7 + 3


def test_peak_rss_comes_from_vmhwm():
    assert parse_peak_rss_kib("Name:\tpostgres\nVmHWM:\t  20480 kB\nVmRSS:\t 1 kB\n") == 20480


def test_a_process_tree_holds_the_children_of_children():
    parents = {1: 0, 10: 1, 11: 10, 12: 10, 20: 1, 30: 2}
    assert sorted(descendants(10, parents)) == [10, 11, 12]


def test_cpu_per_birth_is_the_cpu_between_snapshots_over_the_births():
    before = {"api": Usage(1.0, 1000), "gone": Usage(1.0, 10)}
    after = {"api": Usage(3.0, 2048), "new": Usage(5.0, 4096)}
    resources = per_birth(before, after, births=100)
    assert resources.cpu_ms_per_birth == {"api": 20.0}
    assert resources.peak_rss_mib == {"api": 2.0, "new": 4.0}


def test_a_tree_leaves_out_processes_measured_on_their_own():
    parents = {100: 1, 200: 100, 201: 200, 300: 100}   # the bench started 200 and 300
    assert sorted(descendants(100, parents, frozenset({200}))) == [100, 300]
