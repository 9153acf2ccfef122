"""Who may do what. Every service checks here; hiding a button is only a courtesy."""

from __future__ import annotations

from dataclasses import dataclass

from credtrack.db import intend_to_write
from credtrack.errors import PermissionDenied

ADMIN, EDUCATOR, PRECEPTOR, VIEWER = "admin", "educator", "preceptor", "viewer"
STAFF = frozenset({ADMIN, EDUCATOR})
RECORDERS = frozenset({ADMIN, EDUCATOR, PRECEPTOR})
EVERYONE = frozenset({ADMIN, EDUCATOR, PRECEPTOR, VIEWER})

# action -> (what the refusal names, roles allowed)
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "people.edit": ("add or edit people", STAFF),
    "people.archive": ("archive people", STAFF),
    "units.edit": ("add, rename or deactivate units", STAFF),
    "units.move": ("move people between units or correct their unit history", STAFF),
    "professions.edit": ("edit the list of professions", STAFF),
    "catalog.edit": ("edit frameworks, scales, modules or credentials", STAFF),
    "cohorts.edit": ("edit cohorts and enrolments", STAFF),
    "records.record": ("record completions and sign-offs", RECORDERS),
    "records.verify": ("verify module completions", RECORDERS),
    "records.void": ("void a completion or sign-off", RECORDERS),
    "records.confirm": ("confirm historical sign-offs", STAFF),
    "records.import": ("import records from files", STAFF),
    "ratings.sources": ("edit the rating sources and their forms", STAFF),
    "ratings.record": ("record ratings from other sources", RECORDERS),
    "ratings.void": ("void a rating", RECORDERS),
    "improvement.record": ("record improvement work (QI projects, safety reviews, huddles, teach-backs)", RECORDERS),
    "improvement.confirm": ("confirm improvement work as its supervisor", RECORDERS),
    "improvement.void": ("void improvement work", RECORDERS),
    "improvement.attach": ("attach files to improvement work", RECORDERS),
    # Reminders are the education office's to read, word and send; a learner hears of them by e-mail.
    "reminders.read": ("view reminders and their wording", STAFF),
    "reminders.edit": ("change reminder rules and wording", STAFF),
    "reminders.send": ("send reminders", STAFF),
    "certificates.issue": ("issue certificates", STAFF),
    "certificates.override": ("issue a certificate to someone not yet eligible", frozenset({ADMIN})),
    "certificates.revoke": ("revoke certificates", STAFF),
    # Each copy made after issue (a PDF again, or an Open Badges export) is audited; viewers and
    # preceptors read the record and verify, they do not produce documents.
    "certificates.reprint": ("reprint or export certificates", STAFF),
    "certificates.revocations_import": ("import revocation lists", STAFF),
    "certificates.revocations_export": ("export a signed revocation list", STAFF),
    # The mail server's settings and its password belong to the education office, as issuing does.
    "mail.settings": ("change the mail settings", STAFF),
    "mail.send": ("send e-mail from credtrack", STAFF),
    "keys.manage": ("manage the signing key", frozenset({ADMIN})),
    "trust.manage": ("manage trusted issuers", frozenset({ADMIN})),
    "users.manage": ("manage user accounts", frozenset({ADMIN})),
    "settings.edit": ("change institution settings", frozenset({ADMIN})),
    "backup.manage": ("make or restore backups", frozenset({ADMIN})),
    "read": ("view records", EVERYONE),
    # A preceptor reads their own precepting record; staff and auditors read anyone's.
    "precepting.read": ("view what someone else has precepted", frozenset({ADMIN, EDUCATOR, VIEWER})),
    "reports.read": ("view reports", EVERYONE),
    "audit.read": ("view the audit log", frozenset({ADMIN, EDUCATOR, VIEWER})),
    "audit.export": ("export the audit log for an auditor", frozenset({ADMIN})),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as plain data (no session attached)."""

    id: int | None
    username: str
    role: str
    display_name: str = ""
    person_id: int | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.username


SYSTEM = Actor(id=None, username="system", role=ADMIN, display_name="credtrack (set-up)")


def allowed(actor: Actor, action: str) -> bool:
    return actor.role in ACTIONS[action][1]


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied naming the action unless ``actor``'s role allows it."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if not allowed(actor, action):
        raise PermissionDenied(ACTIONS[action][0], actor.role)
    if action != "read" and not action.endswith(".read"):
        intend_to_write()
