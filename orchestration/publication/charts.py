"""Hand-written inline SVG charts of rates (no JavaScript, no external resources, deterministic output).

Values are fractions in [0, 1] drawn as percentages. A missing value (None) leaves a gap; a suppressed value
also leaves a gap and is marked with "*" on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 48, 44
NICE_MAXIMA = (0.02, 0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0)  # each splits into 4 round ticks
TICKS = 4


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    suppressed: tuple[bool, ...]
    colour: str
    dashed: bool = False


def _num(x: float) -> str:
    return f"{x:.1f}"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _y_max(series: Sequence[Series]) -> float:
    top = max((v for s in series for v in s.values if v is not None), default=1.0)
    return next((m for m in NICE_MAXIMA if top <= m), 1.0)


def _frame(title: str, x_labels: Sequence[str], series: Sequence[Series], y_max: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    legend_x = LEFT
    for s in series:
        dash = ' stroke-dasharray="6 3"' if s.dashed else ""
        parts.append(
            f'<line x1="{legend_x}" y1="34" x2="{legend_x + 22}" y2="34" stroke="{s.colour}" stroke-width="3"{dash}/>'
        )
        parts.append(f'<text x="{legend_x + 28}" y="38" class="legend">{escape(s.label)}</text>')
        legend_x += 40 + 8 * len(s.label)
    for i in range(TICKS + 1):
        value = y_max * i / TICKS
        y = TOP + plot_h - plot_h * i / TICKS
        parts.append(f'<line x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end" class="tick">{value * 100:g}%</text>')
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{_num(_x(i, len(x_labels)))}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle"'
            f' class="tick">{escape(label)}</text>'
        )
    return parts


def _x(index: int, count: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + plot_w / 2
    step = plot_w / count
    return LEFT + step / 2 + step * index


def _y(value: float, y_max: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * min(value, y_max) / y_max


def _suppressed_marks(x_labels: Sequence[str], series: Sequence[Series], offset: float = 0.0) -> list[str]:
    marks = []
    for k, s in enumerate(series):
        for i, hidden in enumerate(s.suppressed):
            if hidden:
                x = _x(i, len(x_labels)) + offset * (k - (len(series) - 1) / 2)
                marks.append(
                    f'<text x="{_num(x)}" y="{HEIGHT - BOTTOM - 4}" text-anchor="middle" fill="{s.colour}"'
                    f' class="suppressed"><title>{escape(s.label)} {escape(x_labels[i])}: not available'
                    f" (suppressed)</title>*</text>"
                )
    return marks


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series]) -> str:
    """A line chart with one line per series; gaps where a value is missing or suppressed."""
    y_max = _y_max(series)
    parts = _frame(title, x_labels, series, y_max)
    n = len(x_labels)
    for s in series:
        dash = ' stroke-dasharray="6 3"' if s.dashed else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for i, value in enumerate(s.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_num(_x(i, n))},{_num(_y(value, y_max))}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
                )
        for i, value in enumerate(s.values):
            if value is not None:
                parts.append(
                    f'<circle cx="{_num(_x(i, n))}" cy="{_num(_y(value, y_max))}" r="3.5" fill="{s.colour}">'
                    f"<title>{escape(s.label)} {escape(x_labels[i])}: {_percent(value)}</title></circle>"
                )
    parts += _suppressed_marks(x_labels, series)
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(title: str, x_labels: Sequence[str], series: Sequence[Series]) -> str:
    """Grouped bars, one bar per series for each x label."""
    y_max = _y_max(series)
    parts = _frame(title, x_labels, series, y_max)
    n = len(x_labels)
    group_w = (WIDTH - LEFT - RIGHT) / max(n, 1) * 0.8
    bar_w = group_w / max(len(series), 1)
    base = HEIGHT - BOTTOM
    for k, s in enumerate(series):
        for i, value in enumerate(s.values):
            if value is None:
                continue
            x = _x(i, n) - group_w / 2 + bar_w * k
            y = _y(value, y_max)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w - 1)}" height="{_num(base - y)}"'
                f' fill="{s.colour}"><title>{escape(s.label)} {escape(x_labels[i])}: {_percent(value)}</title></rect>'
            )
    parts += _suppressed_marks(x_labels, series, offset=bar_w)
    parts.append("</svg>")
    return "\n".join(parts)
