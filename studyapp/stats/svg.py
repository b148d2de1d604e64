"""Charts drawn on the server as SVG strings: no chart library, no script, nothing from a CDN.

Colours come from CSS classes (static/css/stats.css), so charts follow the light/dark theme.
Every piece of text that goes into the markup is escaped here, whatever its origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from html import escape
from math import ceil

CELL = 11
GAP = 2
STEP = CELL + GAP
LEFT = 28
TOP = 16
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    # Short, stable numbers: "12", "12.5", never "12.500000001".
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, label: str, css_class: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_text(css_class)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" role="img" '
        f'aria-label="{_text(label)}">' + "".join(body) + "</svg>"
    )


def level(count: int, highest: int) -> int:
    """The heatmap shade, 0 (none) to 4 (the busiest days), in quarters of the busiest day."""
    if count <= 0 or highest <= 0:
        return 0
    return min(4, ceil(4 * count / highest))


def heatmap(counts: Mapping[date, int], label: str = "Reviews per day") -> str:
    """A calendar grid, one column per week (Monday on top), one square per day of `counts`."""
    days = sorted(counts)
    if not days:
        return _svg(0, 0, label, "chart heatmap", [])
    first_monday = days[0] - timedelta(days=days[0].weekday())
    highest = max(counts.values())
    body: list[str] = []
    for row, name in WEEKDAY_LABELS.items():
        y = TOP + row * STEP + CELL - 2
        body.append(f'<text class="axis" x="0" y="{y}">{_text(name)}</text>')
    for day in days:
        column = (day - first_monday).days // 7
        x, y = LEFT + column * STEP, TOP + day.weekday() * STEP
        if day.weekday() == 0 and day.day <= 7:  # a month's name over its first Monday
            body.append(f'<text class="axis" x="{x}" y="{TOP - 5}">{_text(f"{day:%b}")}</text>')
        n = counts[day]
        tip = f"{day:%a %Y-%m-%d}: {n} review{'' if n == 1 else 's'}"
        body.append(
            f'<rect class="l{level(n, highest)}" x="{x}" y="{y}" width="{CELL}" '
            f'height="{CELL}" rx="2"><title>{_text(tip)}</title></rect>'
        )
    columns = (days[-1] - first_monday).days // 7 + 1
    return _svg(LEFT + columns * STEP, TOP + 7 * STEP, label, "chart heatmap", body)


def bars(values: Mapping[date, int], label: str = "Reviews due per day", unit: str = "due") -> str:
    """A bar per day, labelled every seventh day, the highest value marked on the axis."""
    width, height, bottom, bar = 40 + len(values) * 16, 140, 118, 12
    highest = max(values.values(), default=0)
    body = [
        f'<line class="axis-line" x1="36" y1="{bottom}" x2="{width}" y2="{bottom}"/>',
        f'<text class="axis" x="0" y="14">{_text(highest)}</text>',
        f'<text class="axis" x="0" y="{bottom}">0</text>',
    ]
    for n, (day, count) in enumerate(sorted(values.items())):
        x = 40 + n * 16
        h = (bottom - 14) * count / highest if highest else 0
        tip = f"{day:%a %Y-%m-%d}: {count} {unit}"
        body.append(
            f'<rect class="bar" x="{x}" y="{_number(bottom - h)}" width="{bar}" '
            f'height="{_number(h)}"><title>{_text(tip)}</title></rect>'
        )
        if n % 7 == 0:
            tick = _text(f"{day:%b} {day.day}")
            body.append(f'<text class="axis" x="{x}" y="{bottom + 16}">{tick}</text>')
    return _svg(width, height, label, "chart bars", body)


def score_line(
    points: Sequence[tuple[str, int]],
    low: int = 100,
    high: int = 1000,
    pass_line: int = 720,
    label: str = "Exam scores over time",
) -> str:
    """Scores over time as a line on a `low`–`high` scale with the pass line dashed.

    `points` are (label, score) in time order; each label becomes the point's tooltip.
    """
    width, height, left, top, bottom = max(120, 40 + 40 * len(points)), 120, 36, 8, 104

    def y(value: float) -> str:
        return _number(bottom - (bottom - top) * (value - low) / (high - low))

    body = [
        f'<text class="axis" x="0" y="{float(y(high)) + 4:.0f}">{high}</text>',
        f'<text class="axis" x="0" y="{float(y(low)) + 4:.0f}">{low}</text>',
        f'<line class="pass-line" x1="{left}" y1="{y(pass_line)}" x2="{width}" '
        f'y2="{y(pass_line)}"><title>{_text(f"Pass line {pass_line}")}</title></line>',
        f'<text class="axis" x="0" y="{float(y(pass_line)) + 4:.0f}">{pass_line}</text>',
    ]
    coords = [(left + 12 + 40 * n, y(value)) for n, (_, value) in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x},{yy}" for x, yy in coords)
        body.append(f'<polyline class="score-line" points="{path}"/>')
    for (x, yy), (tip, value) in zip(coords, points, strict=True):
        body.append(
            f'<circle class="score-point" cx="{x}" cy="{yy}" r="4">'
            f"<title>{_text(f'{tip}: {value}')}</title></circle>"
        )
    return _svg(width, height, label, "chart scores", body)
