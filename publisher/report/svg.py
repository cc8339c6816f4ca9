"""Charts as inline SVG strings: no script, no font or file to fetch, readable offline.

Each function takes plain values and returns one ``<svg>`` element; every text in it is
XML-escaped, since post paths and experiment names come from the repository.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _frame(body: str, label: str, height: int = HEIGHT) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}" '
            f'font-family="system-ui, sans-serif" font-size="11">{body}</svg>')


def _nice_top(value: float) -> float:
    """A round axis top at or above ``value``: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    # The slack keeps a value that is already round (0.05) from moving up a step when
    # step * power lands a hair below it in floating point.
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * 0.999999)


def _y_axis(top: float, as_percent: bool, height: int = HEIGHT) -> str:
    plot = height - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = top * i / 4
        y = height - BOTTOM - plot * i / 4
        text = f"{value:.1%}" if as_percent else f"{value:,.0f}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end" fill="#555">{text}</text>')
    return "".join(parts)


def line_chart(series: Mapping[str, Sequence[tuple[datetime, int]]], label: str) -> str:
    """One line per series (x: time, y: count), with a legend below the chart."""
    points = [p for line in series.values() for p in line]
    if not points:
        return _frame(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
                      'no data yet</text>', label)
    start = min(t for t, _ in points).timestamp()
    end = max(t for t, _ in points).timestamp()
    span = max(end - start, 1.0)
    top = _nice_top(max(v for _, v in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    legend_h = 16 * len(series)
    height = HEIGHT + legend_h

    def xy(moment: datetime, value: int) -> str:
        x = LEFT + plot_w * (moment.timestamp() - start) / span
        y = TOP + plot_h * (1 - value / top)
        return f"{x:.1f},{y:.1f}"

    parts = [_y_axis(top, as_percent=False)]
    first, last = min(t for t, _ in points), max(t for t, _ in points)
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - BOTTOM + 16}" fill="#555">'
                 f'{first:%Y-%m-%d %H:%M}</text><text x="{WIDTH - RIGHT}" '
                 f'y="{HEIGHT - BOTTOM + 16}" text-anchor="end" fill="#555">'
                 f'{last:%Y-%m-%d %H:%M} UTC</text>')
    for index, (name, line) in enumerate(series.items()):
        path = " ".join(xy(t, v) for t, v in sorted(line))
        shape = (f'<polyline points="{path}" fill="none" stroke="{colour(index)}" '
                 'stroke-width="2"/>' if len(line) > 1 else
                 f'<circle cx="{path.split(",")[0]}" cy="{path.split(",")[1]}" r="3" '
                 f'fill="{colour(index)}"/>')
        y = HEIGHT + 16 * index
        parts.append(f'{shape}<rect x="{LEFT}" y="{y - 9}" width="10" height="10" '
                     f'fill="{colour(index)}"/><text x="{LEFT + 16}" y="{y}">'
                     f'{escape(name)}</text>')
    return _frame("".join(parts), label, height)


def bar_chart(bars: Sequence[tuple[str, float, str]], label: str) -> str:
    """Vertical bars of rates (``(name, rate, note)``); the note shows on hover."""
    if not bars:
        return _frame(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
                      'no data yet</text>', label)
    top = _nice_top(max(rate for _, rate, _ in bars))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(bars)
    parts = [_y_axis(top, as_percent=True)]
    for index, (name, rate, note) in enumerate(bars):
        h = plot_h * rate / top
        x = LEFT + slot * index + slot * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{colour(0)}"><title>{escape(name)}: '
                     f'{rate:.2%} ({escape(note)})</title></rect>'
                     f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{escape(name)}</text>')
    return _frame("".join(parts), label)


def interval_chart(rows: Sequence[tuple[str, float, float, float]], label: str) -> str:
    """A dot per variant (its rate) with a whisker for its interval, one row each."""
    row_h = 28
    height = TOP + BOTTOM + row_h * max(len(rows), 1)
    top = _nice_top(max((high for _, _, _, high in rows), default=0.01))
    plot_w = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return LEFT + plot_w * value / top

    parts = []
    for i in range(5):
        value = top * i / 4
        parts.append(f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{TOP}" '
                     f'y2="{height - BOTTOM}" stroke="#ddd"/><text x="{x(value):.1f}" '
                     f'y="{height - BOTTOM + 16}" text-anchor="middle" fill="#555">'
                     f'{value:.1%}</text>')
    for index, (name, rate, low, high) in enumerate(rows):
        y = TOP + row_h * index + row_h / 2
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(name)}'
                     f'</text><line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="{colour(index)}" stroke-width="3"/>'
                     f'<circle cx="{x(rate):.1f}" cy="{y:.1f}" r="5" fill="{colour(index)}">'
                     f'<title>{escape(name)}: {rate:.2%} (95% interval {low:.2%} to '
                     f'{high:.2%})</title></circle>')
    return _frame("".join(parts), label, height)
