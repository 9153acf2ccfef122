"""Certificate lists for pages other than Certificates (the person detail pane)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credtrack.services.certificates import queries as certificate_queries

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def for_person(ctx: AppContext, person_id: int) -> list[Any]:
    return certificate_queries.list_certificates(ctx.uow(), ctx.actor, person_id=person_id)
