"""latency.png: p50/p95/p99 report → drafts ready against offered load (matplotlib, no GUI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.bench.report import DATABASE_NAMES, kept_up
from pipeline.bench.results import Series
from pipeline.bench.schedule import LOADS

MARKERS = {"p50": "o", "p95": "s", "p99": "^"}
LINES = {"postgres": "-", "sqlite": "--"}


def plot_latency(all_series: list[Series], out: Path) -> None:
    """One panel per simulator latency, a line per database and percentile (log scales);
    hollow markers: a step that fell behind (stopped early or births left unsettled)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(dict.fromkeys(s.latency for s in all_series)) or ["no data"]
    figure, axes = plt.subplots(1, len(labels), figsize=(6 * len(labels), 4.5), squeeze=False)
    for ax, label in zip(axes[0], labels, strict=True):
        for series in (s for s in all_series if s.latency == label):
            _draw(ax, series)
        _decorate(ax, f"simulators: {label}")
    figure.suptitle("Lahir: report → all drafts ready (hollow: the pipeline fell behind)",
                    fontsize="medium")
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def _draw(ax: Any, series: Series) -> None:
    name = DATABASE_NAMES.get(series.database, series.database)
    for q, marker in MARKERS.items():
        steps = [s for s in series.steps if s.latency_s.get(q) is not None]
        if not steps:
            continue
        xs = [s.offered_per_s for s in steps]
        ys = [s.latency_s[q] for s in steps]
        (line,) = ax.plot(xs, ys, marker=marker, linestyle=LINES.get(series.database, ":"),
                          label=f"{name} {q}")
        behind = [(x, y) for x, y, s in zip(xs, ys, steps, strict=True) if not kept_up(s)]
        if behind:
            ax.plot(*zip(*behind, strict=True), marker=marker, linestyle="none", markersize=9,
                    markerfacecolor="white", markeredgecolor=line.get_color())


def _decorate(ax: Any, title: str) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_title(title)
    ax.set_xlabel("offered load (births/s, open loop)")
    ax.set_ylabel("seconds (p50, p95, p99)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(LOADS)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    plain = FuncFormatter(lambda v, _pos: f"{v:g}")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(plain)
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlim(LOADS[0] * 0.8, LOADS[-1] * 1.25)
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small")
