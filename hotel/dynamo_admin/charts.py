"""Server-side SVG charts for the admin: no JavaScript, no CDN, readable by screen readers.

A chart is an inline `<svg role="img">` with a `<title>` and `<desc>` (the figures in
words) and one `<title>` per bar (a tooltip); pages show the same figures as a table too.
Colours come from the admin's CSS variables, so dark mode works.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (shown for some bars only when there are many)
    value: float
    title: str = ""  # the tooltip, e.g. "Tue 3 Mar: 45 %"
    tone: str = ""  # extra CSS class, e.g. "weekend" or "today"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    axis_format: Callable[[float], str] = lambda v: f"{v:g}",
    y_max: float | None = None,
    counts: bool = False,
    width: int = 720,
    height: int = 220,
) -> SafeString:
    """An accessible vertical bar chart as inline SVG."""
    uid = f"chart{next(_ids)}"
    left, right, top, bottom = 56, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((b.value for b in bars), default=0)
    if y_max is not None:
        top_value = y_max
    elif counts:  # whole numbers on every gridline: a multiple of 4
        top_value = max(4, -(-int(highest) // 4) * 4)
    else:
        top_value = _nice_max(highest)
    top_value = top_value or 1
    parts = [
        f'<svg class="bo-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line class="bo-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="bo-axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(axis_format(value))}</text>"
        )
    count = max(len(bars), 1)
    slot = plot_w / count
    bar_w = max(slot * 0.72, 1)
    label_every = max(1, round(count / 12))
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        h = max(0.0, min(bar.value, top_value)) / top_value * plot_h
        y = top + plot_h - h
        tone = f" {bar.tone}" if bar.tone else ""
        parts.append(
            f'<rect class="bo-bar{tone}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" rx="1.5"><title>{escape(bar.title or bar.label)}</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text class="bo-axis" x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append(
        f'<line class="bo-baseline" x1="{left}" x2="{width - right}" '
        f'y1="{top + plot_h}" y2="{top + plot_h}"/></svg>'
    )
    return mark_safe("".join(parts))  # every text above is escaped


def meter(fraction: float, *, label: str) -> SafeString:
    """A small horizontal gauge (e.g. today's occupancy) with its label for screen readers."""
    width = max(0.0, min(1.0, fraction)) * 100
    return format_html(
        '<svg class="bo-meter" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        'aria-label="{}">'
        '<rect class="bo-meter-track" width="100" height="8" rx="4"/>'
        '<rect class="bo-bar" width="{}" height="8" rx="4"/></svg>',
        label,
        f"{width:.1f}",
    )
