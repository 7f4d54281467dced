"""Geometry of the dashboard's server-drawn SVG charts: plain numbers a template turns into rects and text.

No styles here: colours come from CSS classes (app.css) and from the verdict
stylesheet (`/verdicts.css`, `.chart-bar[data-verdict=...]`), as the page's CSP
allows no inline style.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from factcheck.localformat import format_day, format_number

LABEL_WIDTH = 150
PLOT_WIDTH = 420
VALUE_WIDTH = 60
BAR_HEIGHT = 14
BAR_GAP = 2
ROW_GAP = 10


@dataclass
class Bar:
    series: str  # a CSS hook: a verdict key or a series name
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass
class Row:
    label: str
    label_y: float
    bars: list[Bar]
    label_x: float = 0


@dataclass
class Chart:
    width: int
    height: int
    rows: list[Row] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    empty: bool = True


def bar_rows(rows: list[tuple[str, list[tuple[str, int]]]]) -> Chart:
    """Horizontal bars: each row a label and one bar per series [(series, value)], scaled to the largest value."""
    largest = max((value for _label, series in rows for _s, value in series), default=0)
    scale = PLOT_WIDTH / largest if largest else 0
    chart = Chart(width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height=0, empty=largest == 0)
    y = ROW_GAP / 2
    for label, series in rows:
        band = len(series) * (BAR_HEIGHT + BAR_GAP)
        bars = []
        for index, (name, value) in enumerate(series):
            top = y + index * (BAR_HEIGHT + BAR_GAP)
            width = round(value * scale, 1)
            bars.append(
                Bar(name, value, LABEL_WIDTH, top, width, BAR_HEIGHT, LABEL_WIDTH + width + 4, top + BAR_HEIGHT - 3)
            )
        chart.rows.append(Row(label, y + band / 2 + 4, bars, label_x=LABEL_WIDTH - 6))
        y += band + ROW_GAP
    chart.height = math.ceil(y)
    return chart


def day_columns(days: list[tuple[datetime.date, list[tuple[str, int]]]], *, height: int = 200) -> Chart:
    """Columns by day, one per series side by side, with a y axis at 0, half and the largest value."""
    left, bottom, top = 40, 24, 10
    plot_height = height - bottom - top
    largest = max((value for _day, series in days for _s, value in series), default=0)
    slot = max(4.0, min(36.0, 640 / max(1, len(days))))
    chart = Chart(width=int(left + slot * len(days) + 10), height=height, empty=largest == 0)
    scale = plot_height / largest if largest else 0
    label_every = max(1, math.ceil(len(days) / 10))
    for index, (day, series) in enumerate(days):
        x = left + index * slot
        width = max(1.0, (slot - 2) / max(1, len(series)))
        bars = []
        for position, (name, value) in enumerate(series):
            bar_height = round(value * scale, 1)
            column_x = round(x + 1 + position * width, 1)
            y = top + plot_height - bar_height
            bars.append(Bar(name, value, column_x, y, round(width, 1), bar_height, column_x, y - 2))
        label = format_day(day, "MMMd") if index % label_every == 0 else ""
        chart.rows.append(Row(label, height - 6, bars, label_x=x))
    for fraction in (0, 0.5, 1) if largest else ():
        value = largest * fraction
        if value != int(value):  # only whole numbers on the axis
            continue
        chart.ticks.append(
            {"value": round(value), "y": round(top + plot_height - value * scale, 1), "x1": left, "x2": chart.width}
        )
    return chart


def gauge(alpha: float | None) -> Chart:
    """Agreement on a line from -1 to 1 (Krippendorff's alpha), a marker at alpha; empty when undefined."""
    chart = Chart(width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height=48, empty=alpha is None)
    if alpha is None:
        return chart
    position = LABEL_WIDTH + (max(-1.0, min(1.0, alpha)) + 1) / 2 * PLOT_WIDTH
    chart.rows.append(
        Row("alpha", 20, [Bar("alpha", 0, LABEL_WIDTH, 14, round(position - LABEL_WIDTH, 1), 12, position, 40)])
    )
    chart.ticks = [
        {"value": value, "x": LABEL_WIDTH + (value + 1) / 2 * PLOT_WIDTH} for value in (-1, 0, 0.667, 0.8, 1)
    ]
    return chart


# Work in the range, then assigned work now.
REVIEWER_SERIES = ("annotations", "submitted", "approved", "rejected", "assigned", "open", "overdue")


def dashboard_charts(figures) -> dict[str, Chart]:
    """The dashboard's charts from desk.figures.DeskStats."""
    reviewers = figures.reviewers[:20]
    return {
        "verdicts": bar_rows([(row["label"], [(row["verdict"], row["count"])]) for row in figures.verdicts]),
        "daily": day_columns(
            [(row["date"], [("annotated", row["annotated"]), ("published", row["published"])]) for row in figures.daily]
        ),
        "reviewers": bar_rows(
            [(row["reviewer"], [(name, row[name]) for name in REVIEWER_SERIES]) for row in reviewers]
        ),
        "backlog": bar_rows(
            [
                (_("Nobody annotated yet"), [("unannotated", figures.backlog["unannotated_claims"])]),
                (_("Drafts never submitted"), [("drafts", figures.backlog["drafts_never_submitted"])]),
                (_("Waiting for an editor"), [("waiting", figures.backlog["waiting"])]),
                (_("To check after a revision"), [("to-review", figures.backlog["claims_needing_review"])]),
                (_("Overdue assignments"), [("overdue", figures.backlog["overdue_assignments"])]),
            ]
        ),
        "agreement": gauge(figures.agreement["alpha"]),
    }


# A year of days is hundreds of rects and table rows: built here with format_html (escaped like the
# template would) rather than node by node in the template, which costs ten times as much.


def day_columns_svg(chart: Chart) -> SafeString:
    """The bars and day labels of a day_columns chart, as SVG markup."""
    bars = format_html_join(
        "",
        '<rect class="chart-bar" data-series="{}" x="{}" y="{}" width="{}" height="{}"></rect>',
        ((bar.series, bar.x, bar.y, bar.width, bar.height) for row in chart.rows for bar in row.bars if bar.value),
    )
    labels = format_html_join(
        "",
        '<text class="chart-tick" x="{}" y="{}">{}</text>',
        ((row.label_x, row.label_y, row.label) for row in chart.rows if row.label),
    )
    return format_html("{}{}", bars, labels)


def daily_table_rows(daily: list[dict]) -> SafeString:
    """The daily table's body rows, newest day first."""
    return format_html_join(
        "",
        '<tr><th scope="row"><time datetime="{}">{}</time></th><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                row["date"].isoformat(),
                format_day(row["date"], "yMMMEd"),
                format_number(row["annotated"]),
                format_number(row["published"]),
            )
            for row in reversed(daily)
        ),
    )
