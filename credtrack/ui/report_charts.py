"""Which chart tells each report's story, worked out from the report's rows (plain Python, no Qt)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MOST_CATEGORIES = 15


@dataclass(frozen=True)
class ChartData:
    """Categories top to bottom, and one list of values per series (same order as the categories)."""

    title: str
    categories: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float | None]]] = field(default_factory=list)  # None: does not apply
    percent: bool = False


def _pct(value: Any) -> float:
    return round(float(value or 0) * 100, 1)


def _column(table: Any, name: str) -> int:
    return list(table.columns).index(name)


def _grouped(
    table: Any, group: str, series: str, value: str, title: str, convert: Callable[[Any], float] = _pct
) -> ChartData:
    """Categories from one column, a series per distinct value of another, bars from a third."""
    g, s, v = _column(table, group), _column(table, series), _column(table, value)
    categories = list(dict.fromkeys(str(row[g]) for row in table.rows))
    names = list(dict.fromkeys(str(row[s]) for row in table.rows))
    shown, title = _first(categories, title)
    cells = {(str(row[g]), str(row[s])): convert(row[v]) for row in table.rows}
    # A pair missing from the table (a credential the cohort was not assigned) is no bar, not a zero.
    return ChartData(title, shown, [(n, [cells.get((c, n)) for c in shown]) for n in names], percent=True)


def _first(categories: Sequence[str], title: str) -> tuple[list[str], str]:
    if len(categories) <= MOST_CATEGORIES:
        return list(categories), title
    return list(
        categories[:MOST_CATEGORIES]
    ), f"{title} (first {MOST_CATEGORIES} of {len(categories)}; all in the table)"


def completion(table: Any) -> ChartData:
    group = table.columns[0]
    return _grouped(table, group, "credential", "achieved_share", f"Share who achieved each credential, by {group}")


def domain_coverage_person(table: Any) -> ChartData:
    domains = [c for c in table.columns if c.endswith("_coverage")]
    means = []
    for name in domains:
        i = _column(table, name)
        means.append(_pct(sum(row[i] or 0 for row in table.rows) / len(table.rows)) if table.rows else 0.0)
    return ChartData(
        f"Mean coverage of each domain across {len(table.rows):,} people",
        [d.removesuffix("_coverage") for d in domains],
        [("Mean coverage", means)],
        percent=True,
    )


def domain_coverage_cohort(table: Any) -> ChartData:
    return _grouped(
        table, "cohort", "domain", "share_with_sign_off", "Members with a passing sign-off in each domain, by cohort"
    )


def interprofessionality(table: Any) -> ChartData:
    i = _column(table, "assessor_professions")
    counts = Counter(min(int(row[i] or 0), 5) for row in table.rows)
    bands = [(n, f"{n}+ professions" if n == 5 else f"{n} profession{'' if n == 1 else 's'}") for n in range(6)]
    shown = [(label, float(counts.get(n, 0))) for n, label in bands if counts.get(n) or n <= max(counts, default=0)]
    return ChartData(
        "Learners by number of assessor professions",
        [label for label, _ in shown],
        [("Learners", [v for _, v in shown])],
    )


def interprofessionality_summary(table: Any) -> ChartData:
    p, share = _column(table, "profession"), _column(table, "share_with_2_or_more")
    categories, title = _first(
        [str(row[p]) for row in table.rows], "Learners signed off by 2 or more professions, by profession"
    )
    values = {str(row[p]): _pct(row[share]) for row in table.rows}
    return ChartData(title, categories, [("Share with 2 or more", [values[c] for c in categories])], percent=True)


def retention(table: Any) -> ChartData:
    data = _grouped(table, "days", "group", "retention", "Still here after 90 days and after 1 year")
    labels = {"90": "After 90 days", "365": "After 1 year"}
    return ChartData(data.title, [labels.get(c, f"After {c} days") for c in data.categories], data.series, True)


def compliance(table: Any) -> ChartData:
    statuses = [c for c in table.columns if c.endswith(" status")]
    counts: dict[str, Counter[str]] = {}
    for name in statuses:
        i = _column(table, name)
        counts[name.removesuffix(" status")] = Counter(str(row[i]) for row in table.rows if row[i])
    labels = list(dict.fromkeys(label for c in counts.values() for label in sorted(c)))
    categories, title = _first(list(counts), "People by status for each credential")
    return ChartData(title, categories, [(label, [float(counts[c][label]) for c in categories]) for label in labels])


def expiring(table: Any, within: int = 90) -> ChartData:
    """Every band up to the one asked for, empty ones included: an empty band is good news."""
    i = _column(table, "within_days")
    counts = Counter(row[i] for row in table.rows)
    labels = {7: "Within 7 days", 30: "In 8–30 days", 60: "In 31–60 days", 90: "In 61–90 days"}
    shown = [band for band in labels if band <= within]
    return ChartData(
        "Credentials expiring, by how soon",
        [labels[b] for b in shown],
        [("Credentials", [float(counts.get(b, 0)) for b in shown])],
    )


def _by_unit(
    table: Any, series: list[tuple[str, str]], title: str, convert: Callable[[Any], float] = _pct
) -> ChartData:
    """One category per unit (in the table's order), one series per (label, column)."""
    u = _column(table, "unit")
    categories, title = _first([str(row[u]) for row in table.rows], title)
    shown = table.rows[: len(categories)]
    bars = [
        (label, [None if row[i] is None else convert(row[i]) for row in shown])
        for label, i in ((label, _column(table, column)) for label, column in series)
    ]
    return ChartData(title, categories, bars, percent=convert is _pct)


def unit_completion(table: Any) -> ChartData:
    return _by_unit(table, [("Completed onboarding", "completed_share")], "Share who completed onboarding, by unit")


def unit_assessor_mix(table: Any) -> ChartData:
    return _by_unit(
        table, [("By another profession", "other_profession_share")], "Sign-offs by an assessor of another profession"
    )


def unit_rating_coverage(table: Any) -> ChartData:
    return _by_unit(
        table,
        [("2 or more sources", "share_2_sources"), ("3 or more sources", "share_3_sources")],
        "People rated from several sources, by unit",
    )


def unit_qi_teams(table: Any) -> ChartData:
    return _by_unit(
        table, [("3 or more professions", "share_3_professions")], "QI projects whose team spans 3 or more professions"
    )


def unit_retention(table: Any) -> ChartData:
    """Retention at 1 year by onboarding status (at 90 days when no one's first year is over)."""
    d = _column(table, "days")
    horizon = 365 if any(row[d] == 365 for row in table.rows) else 90
    rows = [row for row in table.rows if row[d] == horizon]
    title = "Still here after 1 year" if horizon == 365 else "Still here after 90 days"
    grouped = _grouped(type(table)(table.title, table.columns, rows), "unit", "group", "retention", f"{title}, by unit")
    return ChartData(grouped.title, grouped.categories, [(g.capitalize(), v) for g, v in grouped.series], True)


def units_to_support(table: Any) -> ChartData:
    return _by_unit(
        table,
        [("Support score", "support_score")],
        "Units to support: mean rank on the unit measures (lowest needs most)",
        convert=float,
    )


CHARTS: dict[str, Callable[[Any], ChartData]] = {
    "completion-by-profession": completion,
    "completion-by-cohort": completion,
    "completion-by-unit": completion,
    "domain-coverage-person": domain_coverage_person,
    "domain-coverage-cohort": domain_coverage_cohort,
    "interprofessionality": interprofessionality,
    "interprofessionality-summary": interprofessionality_summary,
    "retention": retention,
    "compliance": compliance,
    "unit-completion": unit_completion,
    "unit-assessor-mix": unit_assessor_mix,
    "unit-rating-coverage": unit_rating_coverage,
    "unit-qi-teams": unit_qi_teams,
    "unit-retention": unit_retention,
    "units-to-support": units_to_support,
}


def chart_for(report: str, table: Any, within: int = 90) -> ChartData:
    """The chart for ``table``, the result of report ``report`` (``within``: the expiring report's days)."""
    if report == "expiring":
        return expiring(table, within)
    if not table.rows:
        return ChartData(table.title)
    make = CHARTS.get(report)
    return make(table) if make is not None else ChartData(table.title)
