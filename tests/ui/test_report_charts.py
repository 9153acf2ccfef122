"""Each report's chart is drawn from its rows: the right categories, series and values, and nothing stale."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from credtrack.reports.tables import ReportTable
from credtrack.ui.report_charts import MOST_CATEGORIES, chart_for
from credtrack.ui.widgets.charts import BarChart

COMPLETION = ReportTable(
    "Completion by profession",
    [
        "profession",
        "credential",
        "assigned",
        "achieved",
        "achieved_share",
        "mean_days_to_credential",
        "fewest_days",
        "most_days",
    ],
    [
        ("Nursing", "IPC-FOUND", 25, 10, 0.4, 99.6, 20, 149),
        ("Nursing", "IPC-SAFE", 10, 1, 0.1, 30.0, 30, 30),
        ("Pharmacy", "IPC-FOUND", 4, 3, 0.75, 40.0, 30, 50),
    ],
)


def test_completion_groups_bars_by_credential_and_leaves_a_credential_not_assigned_without_a_bar():
    data = chart_for("completion-by-profession", COMPLETION)
    assert data.percent and data.categories == ["Nursing", "Pharmacy"]
    # Nobody in Pharmacy was assigned IPC-SAFE: that is no figure at all, not 0 % achieved.
    assert data.series == [("IPC-FOUND", [40.0, 75.0]), ("IPC-SAFE", [10.0, None])]


def test_many_groups_show_the_first_ones_and_say_so():
    rows = [(f"Unit {i:02d}", "IPC-FOUND", 2, 1, 0.5, 10.0, 5, 15) for i in range(MOST_CATEGORIES + 5)]
    data = chart_for("completion-by-unit", ReportTable("By unit", COMPLETION.columns, rows))
    assert len(data.categories) == MOST_CATEGORIES
    assert f"first {MOST_CATEGORIES} of {MOST_CATEGORIES + 5}" in data.title


def test_expiring_counts_each_band_up_to_the_one_asked_for():
    columns = [
        "within_days",
        "external_id",
        "name",
        "profession",
        "unit",
        "credential",
        "status",
        "expires_on",
        "days_left",
    ]
    rows = [
        (7, "E1", "A", "", "", "IPC", "Expiring soon", dt.date(2026, 1, 3), 2),
        (30, "E2", "B", "", "", "IPC", "Expiring soon", dt.date(2026, 1, 20), 19),
        (30, "E3", "C", "", "", "IPC", "Expiring soon", dt.date(2026, 1, 25), 24),
    ]
    data = chart_for("expiring", ReportTable("Expiring", columns, rows), within=30)
    assert data.categories == ["Within 7 days", "In 8–30 days"]
    assert data.series == [("Credentials", [1.0, 2.0])]
    empty = chart_for("expiring", ReportTable("Expiring", columns, []), within=90)
    assert len(empty.categories) == 4 and empty.series[0][1] == [0.0] * 4


def test_compliance_counts_people_by_status_per_credential_leaving_out_the_unassigned():
    columns = ["external_id", "name", "profession", "unit", "A status", "A: M1", "B status", "B: M2"]
    rows = [
        ("E1", "x", "", "", "Eligible", "met", "", ""),
        ("E2", "y", "", "", "In progress", "missing", "In progress", "missing"),
        ("E3", "z", "", "", "In progress", "met", "Eligible", "met"),
    ]
    data = chart_for("compliance", ReportTable("Compliance", columns, rows))
    assert data.categories == ["A", "B"]
    assert dict(data.series) == {"Eligible": [1.0, 1.0], "In progress": [2.0, 1.0]}


def test_a_bar_chart_redrawn_keeps_one_pair_of_axes(qtbot):
    chart = BarChart("Test")
    qtbot.addWidget(chart)
    for _ in range(3):
        data = chart_for("completion-by-profession", COMPLETION)
        chart.set_series(data.categories, data.series, title=data.title, percent=data.percent)
    assert len(chart.chart().axes()) == 2
    assert chart.categories == ["Pharmacy", "Nursing"]  # drawn bottom to top
    assert chart.chart().legend().isVisible()
    chart.set_series([], [], title="Nothing")
    assert chart.title == "Nothing — nothing to show yet"
    assert not any(axis.isVisible() for axis in chart.chart().axes())


def _drawn_at(chart: BarChart, label) -> tuple[float, float]:
    """Where a label sits: (pixels from the bars' base at zero to its left edge, the category row of its middle
    counted from the bottom)."""
    bars = chart.chart().series()[0]
    middle = label.mapToItem(chart.chart(), label.boundingRect().center())
    row = chart.chart().mapToValue(middle, bars).y()
    base = chart.chart().mapToPosition(QPointF(0, row), bars)
    return label.mapToItem(chart.chart(), label.boundingRect().topLeft()).x() - base.x(), row


def test_a_bar_of_zero_is_labelled_0_at_its_base_like_the_other_bars(qtbot):
    chart = BarChart("Learners")
    qtbot.addWidget(chart)
    chart.resize(520, 320)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_series(["Nursing", "Pharmacy", "Social work"], [("People", [0, 5, 3])])
    bars = chart.chart().series()[0]
    assert bars.isLabelsVisible() and bars.labelsFormat() == "@value"
    assert [label.text() for label, _middle in chart.zero_labels] == ["0"]
    label = chart.zero_labels[0][0]
    assert label.isVisible() and label.scene() is chart.scene()
    gap, row = _drawn_at(chart, label)
    assert round(row) == chart.categories.index("Nursing") == 2 and 0 <= gap <= 8
    chart.resize(760, 420)  # the label follows the bar when the chart is resized
    qtbot.waitUntil(lambda: chart.chart().plotArea().width() > 600, timeout=3000)
    gap, row = _drawn_at(chart, label)
    assert round(row) == 2 and 0 <= gap <= 8


def test_each_zero_bar_of_a_group_gets_its_own_percent_label_and_a_redraw_drops_the_old_ones(qtbot):
    chart = BarChart("Achieved", percent=True)
    qtbot.addWidget(chart)
    chart.resize(520, 320)
    chart.show()
    qtbot.waitExposed(chart)
    data = chart_for("completion-by-profession", COMPLETION)  # IPC-SAFE was not assigned in Pharmacy
    chart.set_series(data.categories, data.series, title=data.title, percent=data.percent)
    assert chart.zero_labels == []  # no bar, and no "0 %" claiming nobody achieved it
    rows = [*COMPLETION.rows, ("Pharmacy", "IPC-SAFE", 4, 0, 0.0, None, None, None)]  # assigned, none achieved
    data = chart_for("completion-by-profession", ReportTable(COMPLETION.title, COMPLETION.columns, rows))
    chart.set_series(data.categories, data.series, title=data.title, percent=data.percent)
    assert [label.text() for label, _middle in chart.zero_labels] == ["0 %"]
    gap, row = _drawn_at(chart, chart.zero_labels[0][0])
    assert 0 <= gap <= 8 and chart.categories[round(row)] == "Pharmacy"
    assert row < round(row)  # IPC-SAFE, the second series, is the lower bar of the pair
    chart.set_series(["Nursing"], [("IPC-FOUND", [40.0])])
    assert chart.zero_labels == []
    assert not [item for item in chart.scene().items() if isinstance(item, QGraphicsSimpleTextItem)]


UNIT_RETENTION = ReportTable(
    "Retention by unit and onboarding status",
    ["unit", "days", "group", "people", "still_there", "retention"],
    [
        ("Emergency", 90, "did not complete", 10, 9, 0.9),
        ("Emergency", 365, "completed onboarding", 4, 4, 1.0),
        ("Emergency", 365, "did not complete", 5, 3, 0.6),
        ("Oncology", 90, "completed onboarding", 2, 2, 1.0),
        ("Oncology", 365, "did not complete", 2, 1, 0.5),
    ],
)


def test_unit_retention_draws_the_first_year_by_onboarding_status_and_no_bar_for_a_group_nobody_is_in():
    data = chart_for("unit-retention", UNIT_RETENTION)
    assert data.percent and data.categories == ["Emergency", "Oncology"]
    assert data.series == [("Completed onboarding", [100.0, None]), ("Did not complete", [60.0, 50.0])]
    assert data.title.startswith("Still here after 1 year")
    early = ReportTable(UNIT_RETENTION.title, UNIT_RETENTION.columns, [r for r in UNIT_RETENTION.rows if r[1] == 90])
    assert chart_for("unit-retention", early).title.startswith("Still here after 90 days")


def test_units_to_support_draw_the_score_in_the_tables_order_and_coverage_two_series():
    columns = ["unit", "people", "support_score", "weakest_measure", "completed_share"]
    table = ReportTable(
        "Units to support", columns, [("Oncology", 20, 2.5, "x", 0.3), ("Emergency", 40, 4.0, "y", None)]
    )
    data = chart_for("units-to-support", table)
    assert not data.percent and data.categories == ["Oncology", "Emergency"]
    assert data.series == [("Support score", [2.5, 4.0])]
    coverage = ReportTable(
        "Multi-source rating coverage by unit",
        ["unit", "people", "rated", "from_2_sources", "share_2_sources", "from_3_sources", "share_3_sources"],
        [("Emergency", 40, 12, 7, 0.175, 4, 0.1)],
    )
    assert chart_for("unit-rating-coverage", coverage).series == [
        ("2 or more sources", [17.5]),
        ("3 or more sources", [10.0]),
    ]
