"""The pages of the main window, in navigation order, and which of them a user may see."""

from __future__ import annotations

from credtrack.ui.context import AppContext
from credtrack.ui.pages.audit import AuditPage
from credtrack.ui.pages.base import Page
from credtrack.ui.pages.catalog import CatalogPage
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.dashboard import DashboardPage
from credtrack.ui.pages.importing import ImportPage
from credtrack.ui.pages.people import PeoplePage
from credtrack.ui.pages.reminders import RemindersPage
from credtrack.ui.pages.reports import ReportsPage
from credtrack.ui.pages.settings import SettingsPage
from credtrack.ui.pages.signoff import SignoffPage
from credtrack.ui.pages.users import UsersPage
from credtrack.ui.pages.verify import VerifyPage

PAGES: list[type[Page]] = [
    DashboardPage,
    PeoplePage,
    SignoffPage,
    CertificatesPage,
    VerifyPage,
    ReportsPage,
    CatalogPage,
    ImportPage,
    AuditPage,
    RemindersPage,
    SettingsPage,
    UsersPage,
]


def pages_for(ctx: AppContext) -> list[type[Page]]:
    """Only the pages whose action the role allows (the services still refuse the rest)."""
    return [page for page in PAGES if ctx.can(page.action)]
