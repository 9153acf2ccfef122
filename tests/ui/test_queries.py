"""The read-only queries the screens use give the same answers as the services they stand beside."""

from __future__ import annotations

from credtrack.services import dashboard_queries, people, people_index
from credtrack.services.certificates import queries as certificate_queries


def test_people_index_matches_search_people(demo_ctx):
    ctx = demo_ctx()
    assert people_index.all_people(ctx.uow(), ctx.actor) == people.search_people(ctx.uow(), ctx.actor, limit=None)
    active = people_index.all_people(ctx.uow(), ctx.actor, status="active")
    assert active == people.search_people(ctx.uow(), ctx.actor, status="active", limit=None)


def test_dashboard_summary_counts(demo_ctx):
    ctx = demo_ctx()
    summary = dashboard_queries.dashboard_summary(ctx.uow(), ctx.actor)
    assert summary.active_people == people.count_people(ctx.uow(), ctx.actor, status="active")
    assert summary.by_cohort and all(0 <= v <= 100 for _n, v in summary.by_cohort)
    assert [n for n, _v in summary.domain_coverage] == [
        "VE Values and Ethics",
        "RR Roles and Responsibilities",
        "C Communication",
        "TT Teams and Teamwork",
        "FAC Facilitation",  # the preceptor pathway's framework, after the core competencies
    ]
    assert certificate_queries.list_certificates(ctx.uow(), ctx.actor) == []
