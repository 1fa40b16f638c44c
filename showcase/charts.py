"""Charts drawn on the server as SVG: no JavaScript library, nothing from a CDN.

Each chart is an image with a title for assistive technologies; the page shows the same
figures in a table beside it, which is the chart's text alternative. Colours and fonts
come from the site's stylesheet (classes ``chart-*``), so the SVG carries no inline style.
Every text is escaped.
"""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 90
ROW_HEIGHT = 26
BAR_HEIGHT = 16
SERIES_CLASSES = 4
LABEL_CHARS = 30
LEGEND_LINE = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    display: str = ""


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(*, chart_id: str, title: str, height: float, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'preserveAspectRatio="xMinYMin meet"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        _number(height),
        chart_id,
        chart_id,
        title,
        mark_safe(body),  # built below from escaped parts only
    )


def bar_chart(*, chart_id: str, title: str, bars: list[Bar], max_value: float | None = None) -> SafeString:
    """Horizontal bars, one per row, with the value written after each bar."""
    top = max_value if max_value is not None else max((b.value or 0 for b in bars), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    for index, bar in enumerate(bars):
        y = index * ROW_HEIGHT + 4
        length = span * (bar.value or 0) / top if top else 0
        display = bar.display or ("—" if bar.value is None else _number(bar.value))
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 3}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{span}" height="{BAR_HEIGHT}"></rect>'
            f'<rect class="chart-bar chart-series-0" x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" '
            f'height="{BAR_HEIGHT}"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + span + 6}" y="{y + BAR_HEIGHT - 3}">{escape(display)}</text>'
        )
    return _svg(chart_id=chart_id, title=title, height=max(len(bars), 1) * ROW_HEIGHT + 8, body="".join(parts))


def column_chart(*, chart_id: str, title: str, bars: list[Bar], axis_label: str = "") -> SafeString:
    """Vertical bars (a histogram), labelled underneath, value above each."""
    height, bottom, top_margin = 220, 40, 20
    plot = height - bottom - top_margin
    count = max(len(bars), 1)
    slot = (WIDTH - 20) / count
    width = min(slot * 0.7, 60)
    top = max((b.value or 0 for b in bars), default=0)
    parts = [
        f'<line class="chart-axis" x1="10" y1="{top_margin + plot}" x2="{WIDTH - 10}" y2="{top_margin + plot}"></line>'
    ]
    for index, bar in enumerate(bars):
        x = 10 + index * slot + (slot - width) / 2
        length = plot * (bar.value or 0) / top if top else 0
        y = top_margin + plot - length
        display = bar.display or _number(bar.value or 0)
        parts.append(
            f'<rect class="chart-bar chart-series-0" x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
            f'height="{_number(length)}"></rect>'
            f'<text class="chart-value" x="{_number(x + width / 2)}" y="{_number(y - 4)}" text-anchor="middle">'
            f"{escape(display)}</text>"
            f'<text class="chart-label" x="{_number(x + width / 2)}" y="{top_margin + plot + 16}" '
            f'text-anchor="middle">{escape(_short(bar.label, 12))}</text>'
        )
    if axis_label:
        parts.append(
            f'<text class="chart-label" x="{WIDTH / 2}" y="{height - 4}" text-anchor="middle">{escape(axis_label)}</text>'
        )
    return _svg(chart_id=chart_id, title=title, height=height, body="".join(parts))


def grouped_bar_chart(
    *, chart_id: str, title: str, groups: list[str], series: list[tuple[str, list[float | None]]], max_value: float
) -> SafeString:
    """Horizontal bars grouped by row (e.g. one group per question, one bar per check-in),
    with a legend of the series underneath."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bar_height = 12
    group_height = bar_height * len(series) + 12
    parts = []
    for g_index, group in enumerate(groups):
        top = g_index * group_height + 4
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{top + bar_height}" text-anchor="end">'
            f"{escape(_short(group))}</text>"
        )
        for s_index, (_name, values) in enumerate(series):
            value = values[g_index]
            y = top + s_index * bar_height
            length = span * (value or 0) / max_value if max_value else 0
            css = f"chart-series-{s_index % SERIES_CLASSES}"
            parts.append(
                f'<rect class="chart-bar {css}" x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" '
                f'height="{bar_height - 2}"></rect>'
                f'<text class="chart-value chart-small" x="{LABEL_WIDTH + _number_float(length) + 4}" '
                f'y="{y + bar_height - 3}">{escape("—" if value is None else _number(value))}</text>'
            )
    legend_y = len(groups) * group_height + 14
    parts.append(_legend([name for name, _values in series], legend_y))
    return _svg(chart_id=chart_id, title=title, height=legend_y + LEGEND_LINE * len(series), body="".join(parts))


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    max_value: float,
    min_value: float = 0,
) -> SafeString:
    """Lines over a few points in time (the 6, 12 and 18-month check-ins); a missing
    value breaks the line rather than dropping to zero."""
    plot_h, left, right, top_margin = 180, 50, 50, 16
    legend_top = top_margin + plot_h + 36
    height = legend_top + LEGEND_LINE * len(series)
    plot_w = WIDTH - left - right
    count = max(len(x_labels), 1)
    step = plot_w / (count - 1) if count > 1 else 0
    spread = (max_value - min_value) or 1

    def x_at(index: int) -> float:
        return left + (index * step if count > 1 else plot_w / 2)

    def y_at(value: float) -> float:
        return top_margin + plot_h - plot_h * (value - min_value) / spread

    parts = []
    for tick in range(5):
        value = min_value + spread * tick / 4
        y = y_at(value)
        parts.append(
            f'<line class="chart-grid" x1="{left}" y1="{_number(y)}" x2="{WIDTH - right}" y2="{_number(y)}"></line>'
            f'<text class="chart-label chart-small" x="{left - 6}" y="{_number(y + 4)}" text-anchor="end">'
            f"{escape(_number(value))}</text>"
        )
    for index, label in enumerate(x_labels):
        parts.append(
            f'<text class="chart-label" x="{_number(x_at(index))}" y="{top_margin + plot_h + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for s_index, (_name, values) in enumerate(series):
        css = f"chart-series-{s_index % SERIES_CLASSES}"
        run: list[str] = []
        for index, value in enumerate(values):
            if value is None:
                if len(run) > 1:
                    parts.append(f'<polyline class="chart-line {css}" points="{" ".join(run)}"></polyline>')
                run = []
                continue
            point = f"{_number(x_at(index))},{_number(y_at(value))}"
            run.append(point)
            parts.append(
                f'<circle class="chart-point {css}" cx="{_number(x_at(index))}" cy="{_number(y_at(value))}" r="4"></circle>'
            )
        if len(run) > 1:
            parts.append(f'<polyline class="chart-line {css}" points="{" ".join(run)}"></polyline>')
    parts.append(_legend([name for name, _values in series], legend_top))
    return _svg(chart_id=chart_id, title=title, height=height, body="".join(parts))


def _number_float(value: float) -> float:
    return round(value, 1)


def _legend(names: list[str], y: float) -> str:
    """One line per series, under the chart, so that long names (questions) stay readable."""
    parts = []
    for index, name in enumerate(names):
        css = f"chart-series-{index % SERIES_CLASSES}"
        line = y + index * LEGEND_LINE
        parts.append(
            f'<rect class="chart-bar {css}" x="10" y="{_number(line - 10)}" width="12" height="12"></rect>'
            f'<text class="chart-label" x="28" y="{_number(line)}">{escape(_short(name, 90))}</text>'
        )
    return "".join(parts)
