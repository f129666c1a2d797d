"""Hand-written inline SVG charts of percentages (no JavaScript, no external resources, deterministic output).

Every chart has a title, a y-axis title with its unit and denominator, an x-axis title, and a legend. Values are
percentages (0–100). A missing value (None) leaves a gap. A suppressed value is not drawn at all: it is marked
"*" in a band of its own below the x-axis labels ("suppressed"), never on the 0% line. A provisional value (its
period can still change) is drawn hollow (line charts) or pale and hatched (bar charts) and named in its tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH = 660
HEIGHT = 340
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 52, 72
NICE_MAXIMA = (2, 4, 10, 20, 40, 60, 80, 100)  # percent; each splits into 4 round ticks
TICKS = 4


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # percentages
    suppressed: tuple[bool, ...]
    colour: str
    dashed: bool = False
    provisional: tuple[bool, ...] = ()
    # per point (numerator, denominator) for the tooltip; None where not published
    counts: tuple[tuple[int | None, int | None], ...] = field(default=())

    def is_provisional(self, i: int) -> bool:
        """True when point ``i`` is provisional."""
        return bool(self.provisional) and self.provisional[i]

    def tooltip(self, x_label: str, i: int) -> str:
        """The hover text of point ``i``."""
        value = self.values[i]
        text = f"{self.label}, {x_label}: {value:.1f}%" if value is not None else f"{self.label}, {x_label}"
        if self.counts and self.counts[i][0] is not None and self.counts[i][1] is not None:
            text += f" ({self.counts[i][0]:,} of {self.counts[i][1]:,})"
        if self.is_provisional(i):
            text += ", provisional"
        return text


@dataclass(frozen=True)
class Axes:
    """What the axes say: the y-axis title names the unit and the denominator."""

    title: str
    y_title: str  # e.g. "% of people in treatment"
    x_title: str  # e.g. "Month"


def _num(x: float) -> str:
    return f"{x:.1f}"


def _y_max(series: Sequence[Series]) -> float:
    top = max((v for s in series for v in s.values if v is not None), default=100.0)
    return next((m for m in NICE_MAXIMA if top <= m), 100.0)


def _x(index: int, count: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + plot_w / 2
    step = plot_w / count
    return LEFT + step / 2 + step * index


def _y(value: float, y_max: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * min(value, y_max) / y_max


def _frame(axes: Axes, x_labels: Sequence[str], series: Sequence[Series], y_max: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(axes.title)}" class="chart">',
        f"<title>{escape(axes.title)}</title>",
        f'<text x="{LEFT}" y="18" class="chart-title">{escape(axes.title)}</text>',
    ]
    legend_x = LEFT
    for s in series:
        dash = ' stroke-dasharray="6 3"' if s.dashed else ""
        parts.append(
            f'<line x1="{legend_x}" y1="36" x2="{legend_x + 22}" y2="36" stroke="{s.colour}" stroke-width="3"{dash}/>'
        )
        parts.append(f'<text x="{legend_x + 28}" y="40" class="legend">{escape(s.label)}</text>')
        legend_x += 40 + 7 * len(s.label)
    for i in range(TICKS + 1):
        value = y_max * i / TICKS
        y = TOP + plot_h - plot_h * i / TICKS
        parts.append(f'<line x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end" class="tick">{value:g}%</text>')
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>')
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{_num(_x(i, len(x_labels)))}" y="{base + 16}" text-anchor="middle"'
            f' class="tick">{escape(label)}</text>'
        )
    y_mid = TOP + plot_h / 2
    parts.append(
        f'<text x="16" y="{_num(y_mid)}" transform="rotate(-90 16 {_num(y_mid)})" text-anchor="middle"'
        f' class="axis-title y-title">{escape(axes.y_title)}</text>'
    )
    parts.append(
        f'<text x="{_num(LEFT + (WIDTH - LEFT - RIGHT) / 2)}" y="{HEIGHT - 6}" text-anchor="middle"'
        f' class="axis-title x-title">{escape(axes.x_title)}</text>'
    )
    return parts


def _suppressed_band(x_labels: Sequence[str], series: Sequence[Series], offset: float = 0.0) -> list[str]:
    """'*' markers for suppressed points, in a band below the x labels (not on the plot, not at 0%)."""
    y = HEIGHT - BOTTOM + 36
    marks = []
    for k, s in enumerate(series):
        for i, hidden in enumerate(s.suppressed):
            if hidden:
                x = _x(i, len(x_labels)) + offset * (k - (len(series) - 1) / 2)
                marks.append(
                    f'<text x="{_num(x)}" y="{y}" text-anchor="middle" fill="{s.colour}" class="suppressed">'
                    f"<title>{escape(s.label)}, {escape(x_labels[i])}: suppressed for disclosure control"
                    f" (not zero)</title>*</text>"
                )
    if marks:
        marks.insert(0, f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" class="tick band-label">suppressed</text>')
    return marks


def line_chart(axes: Axes, x_labels: Sequence[str], series: Sequence[Series]) -> str:
    """A line chart with one line per series; gaps where a value is missing or suppressed."""
    y_max = _y_max(series)
    parts = _frame(axes, x_labels, series, y_max)
    n = len(x_labels)
    for s in series:
        dash = ' stroke-dasharray="6 3"' if s.dashed else ""
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{_num(_x(i, n))},{_num(_y(value, y_max))}")
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
                )
        for i, value in enumerate(s.values):
            if value is not None:
                fill = "#fff" if s.is_provisional(i) else s.colour
                css = ' class="provisional"' if s.is_provisional(i) else ""
                parts.append(
                    f'<circle cx="{_num(_x(i, n))}" cy="{_num(_y(value, y_max))}" r="4" fill="{fill}"'
                    f' stroke="{s.colour}" stroke-width="2"{css}><title>{escape(s.tooltip(x_labels[i], i))}</title>'
                    "</circle>"
                )
    parts += _suppressed_band(x_labels, series)
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(axes: Axes, x_labels: Sequence[str], series: Sequence[Series]) -> str:
    """Grouped bars, one bar per series for each x label; provisional bars pale with a dashed outline."""
    y_max = _y_max(series)
    parts = _frame(axes, x_labels, series, y_max)
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
            style = (
                f' fill="{s.colour}" fill-opacity="0.3" stroke="{s.colour}" stroke-dasharray="3 2" class="provisional"'
                if s.is_provisional(i)
                else f' fill="{s.colour}"'
            )
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w - 1)}" height="{_num(base - y)}"{style}>'
                f"<title>{escape(s.tooltip(x_labels[i], i))}</title></rect>"
            )
    parts += _suppressed_band(x_labels, series, offset=bar_w)
    parts.append("</svg>")
    return "\n".join(parts)
