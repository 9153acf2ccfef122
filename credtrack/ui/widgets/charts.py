"""Small QtCharts builders: horizontal bars, one series or a group of series, in percent or counts."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QWidget

# Series colours beyond the first, chosen to stay apart for colour-blind readers (and every bar is labelled).
PALETTE = ("#1f5fa8", "#c26a00", "#1b7f3b", "#6a4c93", "#b3261e", "#00838f", "#5f6368", "#ad1457")
MOST_LABELLED_BARS = 40
LABEL_COLOUR = "#202124"


class BarChart(QChartView):
    """Horizontal bars, one per category — or, given several series, a group of bars per category.

    ``percent`` fixes the value axis at 0–100 %. ``categories`` and ``series`` hold what is
    drawn, bottom to top, so tests and screen readers' users can read the figures.
    """

    def __init__(
        self, title: str, colour: str = PALETTE[0], *, percent: bool = False, parent: QWidget | None = None
    ) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self._title = title
        self._colour = colour
        self._percent = percent
        self._chart.setTitle(title)
        self._chart.legend().hide()
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._chart.legend().setReverseMarkers(True)
        self._chart.setMargins(QMargins(4, 4, 4, 4))
        self._chart.setBackgroundRoundness(4)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(title)
        # A picture to read, not a control: keyboard focus would stop on it for nothing.
        # The viewport is made here rather than asked for: PySide6 would search its types for the one it
        # hands back, a few hundredths of a second on the first chart of the session.
        viewport = QWidget(self)
        self.setViewport(viewport)
        viewport.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(280)
        # One pair of axes for the chart's life: axes removed from a QChart stay drawn until deleted.
        self._category_axis = QBarCategoryAxis()
        self._value_axis = QValueAxis()
        self._value_axis.setGridLineColor(QColor("#e0e0e0"))
        self._chart.addAxis(self._category_axis, Qt.AlignmentFlag.AlignLeft)
        self._chart.addAxis(self._value_axis, Qt.AlignmentFlag.AlignBottom)
        self.categories: list[str] = []
        self.series: list[tuple[str, list[float | None]]] = []
        # QtCharts draws no label on a bar of length zero, which reads as "no figure": these say "0" there.
        self.zero_labels: list[tuple[QGraphicsSimpleTextItem, float]] = []  # (label, its bar's middle, in categories)
        self._bars: QHorizontalBarSeries | None = None
        self._chart.plotAreaChanged.connect(self._place_zero_labels)

    @property
    def values(self) -> list[float | None]:
        """The first series' values (the only one, for a simple bar chart)."""
        return self.series[0][1] if self.series else []

    @property
    def title(self) -> str:
        return self._chart.title()

    def set_data(self, items: Sequence[tuple[str, float]]) -> None:
        """One bar per (category, value), top to bottom in the order given (at most 12)."""
        items = list(items)[:12]
        self.set_series([name for name, _ in items], [(self._title, [float(v) for _, v in items])])

    def set_series(
        self,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None]]],
        *,
        title: str | None = None,
        percent: bool | None = None,
    ) -> None:
        """Bars for each category (top to bottom as given), one per series.

        A value of None is a bar that does not apply (a credential a cohort was not assigned):
        it is drawn as nothing and, unlike a zero, gets no label.
        """
        if title is not None:
            self._title = title
            self.setAccessibleName(title)
        if percent is not None:
            self._percent = percent
        self._clear_zero_labels()
        self._chart.removeAllSeries()
        self._bars = None
        self._category_axis.clear()
        self.categories = list(categories)[::-1]
        self.series = [(name, [None if v is None else float(v) for v in values][::-1]) for name, values in series]
        if not self.categories or not self.series:
            self._chart.setTitle(f"{self._title} — nothing to show yet")
            self._chart.legend().hide()
            self._category_axis.setVisible(False)
            self._value_axis.setVisible(False)
            return
        self._chart.setTitle(self._title)
        bars = QHorizontalBarSeries()
        # Qt stacks a group's bars upwards from the first set, so the sets go in last first (the first
        # series on top) and the legend reverses them back into the order given.
        for i, (name, values) in reversed(list(enumerate(self.series))):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(self._colour if len(self.series) == 1 else PALETTE[i % len(PALETTE)]))
            bar_set.append([0.0 if v is None else v for v in values])
            bar_set.setLabelColor(QColor(LABEL_COLOUR))
            bars.append(bar_set)
        bars.setLabelsVisible(len(self.categories) * len(self.series) <= MOST_LABELLED_BARS)
        bars.setLabelsFormat("@value %" if self._percent else "@value")
        bars.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        bars.setBarWidth(0.7 if len(self.series) == 1 else 0.85)
        self._chart.addSeries(bars)
        self._chart.legend().setVisible(len(self.series) > 1)
        self._attach_axes(bars)
        self._bars = bars
        if bars.isLabelsVisible():
            self._label_zero_bars(bars)

    def _attach_axes(self, bars: QHorizontalBarSeries) -> None:
        categories, values = self._category_axis, self._value_axis
        categories.append(self.categories)
        categories.setVisible(True)
        values.setVisible(True)
        if self._percent:
            values.setRange(0, 100.0)
            values.setTickCount(6)
            values.setLabelFormat("%d %%")
        else:
            largest = max((v for _, values in self.series for v in values if v is not None), default=0.0)
            top = max(5, math.ceil(largest * 1.2))
            values.setRange(0, top)
            values.applyNiceNumbers()  # whole-number ticks from 5 up
            values.setLabelFormat("%d")
        bars.attachAxis(categories)
        bars.attachAxis(values)

    def _label_zero_bars(self, bars: QHorizontalBarSeries) -> None:
        """A "0" label, in the series' label format, at the base of each bar whose value is zero."""
        text = bars.labelsFormat().replace("@value", "0")
        count, width = len(self.series), bars.barWidth()
        font = bars.barSets()[0].labelFont()
        for i, (_name, values) in enumerate(self.series):
            # The sets went in last first, so series i is drawn in slot count-1-i of its category's group.
            middle = (count - 1 - i + 0.5) * width / count - width / 2
            for row, value in enumerate(values):
                if value == 0:
                    label = QGraphicsSimpleTextItem(text, self._chart)
                    label.setBrush(QColor(LABEL_COLOUR))
                    label.setFont(font)
                    label.setZValue(10)  # above the plot area, as the bar labels are
                    self.zero_labels.append((label, row + middle))
        self._place_zero_labels()

    def _place_zero_labels(self) -> None:
        if self._bars is None:
            return
        for label, middle in self.zero_labels:
            base = self._chart.mapToPosition(QPointF(0, middle), self._bars)
            box = label.boundingRect()
            label.setPos(base.x() + 4, base.y() - box.height() / 2)

    def _clear_zero_labels(self) -> None:
        for label, _middle in self.zero_labels:
            scene = label.scene()
            if scene is not None:
                scene.removeItem(label)
        self.zero_labels = []
