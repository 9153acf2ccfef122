"""Small QtCharts builders for the dashboard: horizontal percentage bars and count bars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget


class BarChart(QChartView):
    """Horizontal bars, one per category; ``percent`` fixes the axis at 0–100 %."""

    def __init__(self, title: str, colour: str, *, percent: bool = False, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self._title = title
        self._colour = colour
        self._percent = percent
        self._chart.setTitle(title)
        self._chart.legend().hide()
        self._chart.setMargins(QMargins(4, 4, 4, 4))
        self._chart.setBackgroundRoundness(4)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(title)
        # A picture to read, not a control: keyboard focus would stop on it for nothing.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(280)
        self.categories: list[str] = []
        self.values: list[float] = []

    def set_data(self, items: Sequence[tuple[str, float]]) -> None:
        self._chart.removeAllSeries()
        for axis in self._chart.axes():
            self._chart.removeAxis(axis)
        items = list(items)[:12]
        self.categories = [name for name, _ in items][::-1]
        self.values = [float(v) for _, v in items][::-1]
        if not items:
            self._chart.setTitle(f"{self._title} — nothing to show yet")
            return
        self._chart.setTitle(self._title)
        bars = QBarSet(self._title)
        bars.setColor(QColor(self._colour))
        bars.append(self.values)
        bars.setLabelColor(QColor("#202124"))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value %" if self._percent else "@value")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.7)
        self._chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(self.categories)
        values = QValueAxis()
        top = 100.0 if self._percent else max(1.0, max(self.values) * 1.2)
        values.setRange(0, top)
        values.setLabelFormat("%d %%" if self._percent else "%d")
        values.setTickCount(6)
        values.setGridLineColor(QColor("#e0e0e0"))
        self._chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        self._chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
