"""The large-list filter gives exactly what a plain scan would, while typing, deleting and changing filters."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from credtrack.models import fold
from credtrack.services.people import PersonRow
from credtrack.ui.models.people import PeopleTableModel

NAMES = [
    "Nguyễn Thị Minh",
    "Zoë O'Brien-Łukasiewicz",
    "Ngozi Adeyemi",
    "Minh Anh Trần",
    "José Núñez",
    "Łucja Nowak",
    "Ana Ngata",
    "Grace Nguyen",
]


def _rows() -> list[PersonRow]:
    return [
        PersonRow(
            i,
            f"E-{i:03d}",
            NAMES[i % len(NAMES)],
            None,
            "NURS" if i % 3 else "MED",
            "Nursing" if i % 3 else "Medicine",
            None,
            dt.date(2026, 1, 1 + i % 28),
            None,
            "active" if i % 5 else "archived",
            1,
        )
        for i in range(200)
    ]


def _expected(rows, text, keep):
    words = fold(text).split()
    return [
        r.id
        for r in rows
        if all(w in fold(f"{r.full_name} {r.external_id}") for w in words) and (keep is None or keep(r))
    ]


def test_typing_deleting_and_filters_match_a_plain_scan(qtmodeltester):
    rows = _rows()
    model = PeopleTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    active = lambda r: r.status == "active"  # noqa: E731
    medicine = lambda r: r.profession_code == "MED"  # noqa: E731
    steps = [
        ("n", None),
        ("ng", None),
        ("ngu", None),
        ("nguy", active),
        ("ngu", active),
        ("n", active),
        ("", active),
        ("", None),
        ("luk", None),
        ("łuk", medicine),
        ("e-01", medicine),
        ("e-0", None),
        ("jose nun", None),
        ("jose", None),
    ]
    for text, keep in steps:
        model.set_filter(text, keep)
        shown = [model.row_at(i).id for i in range(model.rowCount())]
        assert shown == _expected(rows, text, keep), (text, keep)


def test_sorting_keeps_the_filter_and_orders_the_shown_rows():
    model = PeopleTableModel()
    model.set_rows(_rows())
    model.set_filter("ng", lambda r: r.status == "active")
    before = {model.row_at(i).id for i in range(model.rowCount())}
    model.sort(4, Qt.SortOrder.DescendingOrder)
    dates = [model.row_at(i).start_date for i in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    assert {model.row_at(i).id for i in range(model.rowCount())} == before
    model.set_filter("n", model._predicate)
    assert {model.row_at(i).id for i in range(model.rowCount())} >= before


def test_after_sorting_a_wider_search_still_shows_everyone_in_the_new_order():
    rows = _rows()
    model = PeopleTableModel()
    model.set_rows(rows)
    active = lambda r: r.status == "active"  # noqa: E731
    model.set_filter("ngu", active)
    model.sort(4, Qt.SortOrder.AscendingOrder)
    model.set_filter("", active)  # widening: rebuilt from the filter's base list, which the sort reordered
    shown = [model.row_at(i) for i in range(model.rowCount())]
    assert sorted(r.id for r in shown) == _expected(rows, "", active)
    assert [r.start_date for r in shown] == sorted(r.start_date for r in shown)
