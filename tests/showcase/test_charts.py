import re

from showcase.charts import Bar, bar_chart, column_chart, grouped_bar_chart, line_chart


def _widths(svg: str) -> list[str]:
    return re.findall(r'class="chart-bar chart-series-0" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)


def test_bar_chart_scales_bars_to_the_largest_value():
    svg = str(bar_chart(chart_id="c", title="Funnel", bars=[Bar("Applied", 10), Bar("Accepted", 5), Bar("None", 0)]))

    assert _widths(svg) == ["330", "165", "0"]
    assert 'role="img"' in svg
    assert '<title id="c-title">Funnel</title>' in svg


def test_bar_chart_against_a_fixed_maximum_shows_the_given_text():
    svg = str(
        bar_chart(chart_id="c", title="T", bars=[Bar("Mentees", 25.0, "25%"), Bar("Mentors", None, "—")], max_value=100)
    )

    assert _widths(svg) == ["82.5", "0"]
    assert ">25%</text>" in svg
    assert ">—</text>" in svg


def test_charts_escape_every_text():
    evil = '<script>alert("x")</script>'

    svgs = [
        str(bar_chart(chart_id="a", title=evil, bars=[Bar(evil, 1, evil)])),
        str(column_chart(chart_id="b", title=evil, bars=[Bar(evil, 1)], axis_label=evil)),
        str(grouped_bar_chart(chart_id="c", title=evil, groups=[evil], series=[(evil, [1])], max_value=1)),
        str(line_chart(chart_id="d", title=evil, x_labels=[evil], series=[(evil, [1])], max_value=5)),
    ]

    for svg in svgs:
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg


def test_line_chart_breaks_the_line_where_a_value_is_missing():
    svg = str(
        line_chart(
            chart_id="l",
            title="Over time",
            x_labels=["6", "12", "18"],
            series=[("Q", [4.0, None, 3.0])],
            max_value=5,
            min_value=1,
        )
    )

    assert svg.count("<circle") == 2
    assert "<polyline" not in svg


def test_line_chart_joins_consecutive_points():
    svg = str(
        line_chart(chart_id="l", title="T", x_labels=["6", "12"], series=[("Q", [1.0, 5.0])], max_value=5, min_value=1)
    )

    assert re.findall(r'points="([^"]+)"', svg) == ["50,196 590,16"]


def test_column_chart_of_an_empty_cohort_draws_no_bar_height():
    svg = str(column_chart(chart_id="h", title="Held", bars=[Bar("0", 0)]))

    assert 'height="0"' in svg
