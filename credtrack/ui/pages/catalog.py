"""Catalog page: frameworks and scales, modules, credentials with their requirements, cohorts and enrolments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from credtrack.services import catalog, cohorts, frameworks, people_index, rating_sources
from credtrack.services.changes import Change
from credtrack.ui import style
from credtrack.ui.catalog.cohorts_tab import CohortsTab
from credtrack.ui.catalog.credentials_tab import CredentialsTab
from credtrack.ui.catalog.frameworks_tab import FrameworksTab
from credtrack.ui.catalog.modules_tab import ModulesTab
from credtrack.ui.pages.base import Page

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


@dataclass
class CatalogData:
    frameworks: list[Any]
    competencies: list[Any]
    scales: list[Any]
    modules: list[Any]
    credentials: list[Any]
    cohorts: list[Any]
    people: list[Any]
    rating_sources: list[Any]


def load_catalog(ctx: AppContext) -> CatalogData:
    u, a = ctx.uow, ctx.actor
    return CatalogData(
        frameworks=frameworks.list_frameworks(u(), a),
        competencies=frameworks.list_competencies(u(), a),
        scales=frameworks.list_scales(u(), a),
        modules=catalog.list_modules(u(), a),
        credentials=catalog.list_credentials(u(), a),
        cohorts=cohorts.list_cohorts(u(), a),
        people=people_index.all_people(u(), a, status="active") if ctx.can("cohorts.edit") else [],
        rating_sources=rating_sources.list_sources(u(), a),
    )


class CatalogPage(Page):
    title = "Catalog"
    watches = Change.CATALOG | Change.COHORTS | Change.PEOPLE

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.frameworks = FrameworksTab()
        self.modules = ModulesTab(ctx)
        self.credentials = CredentialsTab(ctx)
        self.cohorts = CohortsTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.frameworks, "Competencies and scales")
        self.tabs.addTab(self.modules, "Modules")
        self.tabs.addTab(self.credentials, "Credentials")
        self.tabs.addTab(self.cohorts, "Cohorts")
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addWidget(self.tabs, 1)
        self.tabs.setAccessibleName("Catalog sections")
        self.set_tab_order(self.tabs)

    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: load_catalog(ctx), self._loaded, parent=self)

    def _loaded(self, data: CatalogData) -> None:
        self.frameworks.set_data(data.frameworks, data.scales)
        self.modules.model.set_rows(data.modules)
        self.credentials.lookups = (
            [m for m in data.modules if m.active],
            data.competencies,
            data.scales,
            data.rating_sources,
        )
        self.credentials.set_rows(data.credentials)
        self.cohorts.set_data(data.cohorts, [c for c in data.credentials if c.active], data.people)
        self.tabs.setTabText(1, f"Modules ({len(data.modules)})")
        self.tabs.setTabText(2, f"Credentials ({len(data.credentials)})")
        self.tabs.setTabText(3, f"Cohorts ({len(data.cohorts)})")

    def new_item(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.modules and self.ctx.can("catalog.edit"):
            self.modules.new()
        elif current is self.credentials and self.ctx.can("catalog.edit"):
            self.credentials.new()
        elif current is self.cohorts and self.ctx.can("cohorts.edit"):
            self.cohorts.new()
