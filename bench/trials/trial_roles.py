"""Roles: every service that changes anything, called as every role and as accounts taken away since sign-in.

The calls are the permission matrices of the test suite (tests/unit/records/test_permissions.py
for records, people, catalogue, cohorts, accounts and settings; tests/integration/
test_certificate_permissions.py for certificates, keys, revocation lists and trust). Their
guard is generated from the services themselves: a new service that checks a permission but
has no row in a matrix fails it. This trial runs them in a process of their own, on each
backend the test suite reaches, and counts the calls.

- As admin, educator, preceptor and viewer: an allowed role succeeds and writes its audit
  event; a refused one gets a message naming the action and leaves every table as it was.
- As an administrator switched off, and one made a viewer, after signing in on a workstation
  that is still open: every service refuses, and nothing changes (no row, no file, no signature).
- A preceptor signs off only as themselves, voids only their own records, and nobody records,
  verifies or confirms evidence about themselves.

The counts are the same quick and full: a matrix is only complete whole.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

from backends import REPO
from common import Outcome, TrialContext

from tests.integration.test_certificate_permissions import CERTIFICATE_FUNCTIONS

MATRICES = ["tests/unit/records/test_permissions.py", "tests/integration/test_certificate_permissions.py"]
ROLES = 4  # admin, educator, preceptor, viewer
FORMER = 2  # an administrator switched off, one demoted to viewer


@dataclass(frozen=True)
class Group:
    tried: str
    target: str
    tests: tuple[str, ...]
    calls_each: int = 1  # service calls one test case makes
    unit: str = "tests"


GROUPS = [
    Group(
        "every changing service as admin, educator, preceptor, viewer",
        "allowed roles succeed and are audited; others refused, nothing changed",
        ("test_every_role_is_allowed_or_refused_as_designed",),
        ROLES,
        "services × 4 roles",
    ),
    Group(
        "certificate, key, revocation and trust services by role",
        "as designed; refused calls change nothing",
        (
            "test_issuing_revoking_and_revocation_lists_by_role",
            "test_only_staff_reprint_or_export_and_each_copy",
            "test_only_administrators_manage_the_signing_key",
            "test_only_administrators_export_or_install",
            "test_only_staff_export_the_verifier_page",
            "test_only_administrators_manage_trust",
        ),
        1,
        "tests × role, each calling 1-5 services",
    ),
    Group(
        "every changing service as an admin switched off or demoted since sign-in",
        "refused, nothing saved",
        ("test_an_account_switched_off_or_demoted_since_sign_in",),
        FORMER,
        "services × 2 accounts",
    ),
    Group(
        "certificate services as an admin switched off since sign-in",
        "refused: no row, no file, no signature",
        ("test_an_administrator_switched_off_since_sign_in",),
        len(CERTIFICATE_FUNCTIONS),
        "services",
    ),
    Group(
        "preceptor: own sign-offs and voids only; nobody records about themselves",
        "refused, nothing changed",
        ("test_a_preceptor_may_void_only_their_own", "test_nobody_records_verifies"),
    ),
    Group(
        "the matrix names every service that checks a permission",
        "a new service without a rule fails",
        ("test_the_matrix_covers_every_mutating_service_function",),
    ),
]


def _case_backend(name: str) -> str:
    found = re.search(r"\[(sqlite|postgresql)\b", name)
    return found.group(1) if found else "both"


def run(ctx: TrialContext) -> list[Outcome]:
    report = ctx.work / "roles.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *MATRICES]
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=3600)
    if not report.exists():
        raise RuntimeError(f"the permission matrices did not run:\n{finished.stdout[-2000:]}{finished.stderr[-2000:]}")
    cases: Counter[tuple[int, str]] = Counter()
    passed: Counter[tuple[int, str]] = Counter()
    for case in ET.parse(report).iter("testcase"):
        name = case.get("name", "")
        if case.find("skipped") is not None:
            continue
        group = next((i for i, g in enumerate(GROUPS) if name.startswith(g.tests)), None)
        if group is None:
            continue
        key = (group, _case_backend(name))
        cases[key] += GROUPS[group].calls_each
        if case.find("failure") is None and case.find("error") is None:
            passed[key] += GROUPS[group].calls_each
    outcomes = []
    for (group, backend), count in sorted(cases.items()):
        g = GROUPS[group]
        per = f"{count // g.calls_each} {g.unit}" if g.calls_each > 1 else f"{count} {g.unit}"
        outcomes.append(Outcome("roles", backend, g.tried, count, passed[(group, backend)], g.target, per))
    if len({g for g, _ in cases}) != len(GROUPS):
        missing = [g.tried for i, g in enumerate(GROUPS) if not any(k[0] == i for k in cases)]
        outcomes.append(
            Outcome(
                "roles",
                "both",
                "matrix groups that ran",
                len(GROUPS),
                len(GROUPS) - len(missing),
                "every group",
                "missing: " + "; ".join(missing),
            )
        )
    return outcomes
