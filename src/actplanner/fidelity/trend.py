"""The weekly trend as inline SVG markup: drawn on the server, so it needs no script and no resource."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Series:
    """One line of the chart: a value per week (None where there is none)."""

    label: str
    values: Sequence[float | None]
    css_class: str
    dashed: bool = False


def trend_svg(
    weeks: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    target: float | None = None,
    width: int = 640,
    height: int = 240,
) -> str:
    """SVG markup of ``series`` over ``weeks``, with a horizontal line at ``target``; all text escaped.

    The vertical axis runs from 0 to a little above the largest value or the target, so a
    week far below the target is visibly far below it. A gap in a series breaks its line.
    """
    if not weeks:
        raise ValueError("A trend needs at least one week.")
    left, right, top, bottom = 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = max([*values, target or 0, 1e-9]) * 1.15

    def x(i: int) -> float:
        return left + (plot_w * i / (len(weeks) - 1) if len(weeks) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [
        f'<svg xmlns="{SVG_NS}" class="trend" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        tick = top_value * k / 4
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#57606a">{tick:.3g}</text>'
        )
    for i, monday in enumerate(weeks):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle" '
            f'fill="#57606a">{monday:%-d %b}</text>'
        )
    if target is not None:
        parts.append(
            f'<line class="target" x1="{left}" x2="{width - right}" y1="{y(target):.1f}" '
            f'y2="{y(target):.1f}" stroke="#1a7f37" stroke-width="1.5" stroke-dasharray="6 4">'
            f"<title>DACTS top rating: {target:g}</title></line>"
        )
    colours = ("#0b5cad", "#8250df", "#bf3989")
    for n, line in enumerate(series):
        colour = colours[n % len(colours)]
        dash = ' stroke-dasharray="3 3"' if line.dashed else ""
        for run in _runs(line.values):
            coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(
                f'<polyline class="{escape(line.css_class)}" points="{coords}" fill="none" '
                f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        for i, v in enumerate(line.values):
            if v is not None:
                parts.append(
                    f'<circle class="{escape(line.css_class)}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" '
                    f'fill="{colour}"><title>{escape(line.label)}, week of {weeks[i]}: {v:g}</title></circle>'
                )
        parts.append(
            f'<g class="legend"><rect x="{left + 150 * n}" y="{height - 14}" width="12" height="4" '
            f'fill="{colour}"/><text x="{left + 150 * n + 16}" y="{height - 9}" font-size="11" '
            f'fill="#1b1f24">{escape(line.label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of a series, each as (week index, value) pairs."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]
