"""Every table model passes pytest-qt's model tester, sorts by raw values and hands back row objects."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from credtrack.services.accounts.users import UserRow
from credtrack.services.audit.queries import AuditRow
from credtrack.ui.models.admin import AuditTableModel, UsersTableModel
from credtrack.ui.table import ROW_ROLE, TableProxy, make_table

NOW = dt.datetime(2026, 3, 1, 9, 30)

SAMPLES = {
    UsersTableModel: [
        UserRow(1, "admin", "Ada Admin", "admin", True, False, 0, None, NOW),
        UserRow(2, "zoe", "Zoë O'Brien-Łukasiewicz", "preceptor", True, True, 5, None, None),
        UserRow(3, "ben", "", "viewer", False, False, 0, None, NOW - dt.timedelta(days=3)),
    ],
    AuditTableModel: [
        AuditRow(2, NOW, "admin", "user.create", "user", "2", "", '{"username": "zoe"}', False, ""),
        AuditRow(10, NOW, "zoe", "assessment.create", "assessment", "7", "", "{}", True, "signed"),
    ],
}


def all_samples():
    from tests.ui import model_samples

    return {**SAMPLES, **model_samples.SAMPLES}


@pytest.mark.parametrize("model_class", list(all_samples()), ids=lambda c: c.__name__)
def test_model_contract(qtmodeltester, model_class):
    model = model_class()
    model.set_rows(all_samples()[model_class])
    qtmodeltester.check(model, force_py=True)
    proxy = TableProxy(model)
    qtmodeltester.check(proxy, force_py=True)


@pytest.mark.parametrize("model_class", list(all_samples()), ids=lambda c: c.__name__)
def test_every_column_sorts_both_ways_and_rows_come_back(model_class):
    rows = all_samples()[model_class]
    model = model_class()
    model.set_rows(rows)
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            got = [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())]
            assert sorted(map(id, got)) == sorted(map(id, rows))


def test_sort_uses_raw_values_not_text():
    model = AuditTableModel()
    model.set_rows(SAMPLES[AuditTableModel])
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 0).data() for r in range(2)] == ["2", "10"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(2)] == ["10", "2"]


def test_clicking_a_header_sorts_the_view_by_raw_values(qtbot):
    # The path a user takes: the view asks the proxy, which hands the sort to the model.
    model = AuditTableModel()
    model.set_rows(SAMPLES[AuditTableModel])
    view = make_table(TableProxy(model), "Audit events")
    qtbot.addWidget(view)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [view.model().index(r, 0).data() for r in range(2)] == ["2", "10"]
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [view.model().index(r, 0).data() for r in range(2)] == ["10", "2"]


def test_proxy_filter_and_state_colours():
    model = UsersTableModel()
    model.set_rows(SAMPLES[UsersTableModel])
    proxy = TableProxy(model)
    proxy.setFilterFixedString("łukas")
    assert proxy.rowCount() == 1
    assert proxy.row_at(0).username == "zoe"
    state = model.index(1, 4)
    assert state.data() == "Locked"
    assert state.data(Qt.ItemDataRole.ForegroundRole) is not None
