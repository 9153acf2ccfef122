"""Sample rows for the page table models, for the model tester."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from credtrack.importing.problems import Problem
from credtrack.services.catalog import CredentialRow, ModuleRow, RequirementRow
from credtrack.services.certificates.queries import CertificateRow
from credtrack.services.cohorts import AssignedCredential, CohortRow, EnrolmentRow
from credtrack.services.people import PersonRow
from credtrack.services.ratings import RatingRow
from credtrack.services.records.completions import CompletionRow
from credtrack.services.records.signoffs import AssessmentRow
from credtrack.services.units import MembershipRow
from credtrack.ui.models.catalog import (
    CohortsTableModel,
    CredentialsTableModel,
    EnrolmentsTableModel,
    ModulesTableModel,
    RequirementsTableModel,
)
from credtrack.ui.models.certificates import CertificatesTableModel
from credtrack.ui.models.imports import ProblemsTableModel
from credtrack.ui.models.people import (
    AssessmentsTableModel,
    CompletionsTableModel,
    PeopleTableModel,
    RatingsTableModel,
    UnitHistoryTableModel,
)

D = dt.date(2026, 2, 1)

SAMPLES: dict[type, list[Any]] = {
    UnitHistoryTableModel: [
        MembershipRow(3, 1, "E-1", "Nguyễn Thị Minh", 2, "Intensive care", D, None, 1),
        MembershipRow(1, 1, "E-1", "Nguyễn Thị Minh", 1, "Medicine 4 North", D - dt.timedelta(days=90), D, 2),
    ],
    RatingsTableModel: [
        RatingRow(
            1,
            1,
            "PATIENT",
            "Patient or family advisor",
            D,
            "Hélène Marchetti",
            None,
            "interview",
            [("C1", "4", "Often"), ("VE1", "5", "Always")],
            "Kind and clear",
            "Dana",
            False,
            None,
        ),
        RatingRow(
            2,
            1,
            "PEER-IP",
            "Colleague of another profession",
            D,
            "Tomasz Zieliński",
            "Pharmacy",
            "signed",
            [("C3", "3", "Sometimes")],
            "",
            "Tomasz",
            True,
            "wrong learner",
        ),
    ],
    PeopleTableModel: [
        PersonRow(1, "E-1", "Nguyễn Thị Minh", None, "NURS", "Nursing", "6 West", D, None, "active", 1),
        PersonRow(2, "E-2", "Zoë O'Brien-Łukasiewicz", "z@example.org", None, None, None, None, None, "archived", 3),
        PersonRow(3, "E-3", "Adaeze Nwosu", None, "MED", "Medicine", "ICU", D - dt.timedelta(days=9), D, "inactive", 2),
    ],
    CompletionsTableModel: [
        CompletionRow(1, 1, "IPE-101", "Welcome", D, "verified", "", "Dana", False, None),
        CompletionRow(2, 1, "IPE-102", "Roles", D, "pending", "sheet 4", "Dana", True, "wrong learner"),
    ],
    AssessmentsTableModel: [
        AssessmentRow(
            1,
            1,
            "RR3",
            "Draw on skills",
            "ENTRUST5",
            "3",
            "Indirect",
            3,
            True,
            D,
            "simulation",
            "",
            "",
            "Renée",
            "Nursing",
            True,
            False,
            None,
        ),
        AssessmentRow(
            2,
            1,
            "C1",
            "Role",
            "ENTRUST5",
            "1",
            "Observe",
            1,
            False,
            D,
            "direct_observation",
            "ward",
            "x",
            "Tomasz",
            None,
            False,
            True,
            "typo",
        ),
    ],
    CertificatesTableModel: [
        CertificateRow(
            1,
            "CT-7K3F-9QXM-4",
            1,
            "E-1",
            "Nguyễn Thị Minh",
            2,
            "Foundations",
            D,
            None,
            "valid",
            "valid",
            None,
            "kid",
            "CT1:...",
        ),
        CertificateRow(
            2,
            "CT-AAAA-BBBB-C",
            2,
            "E-2",
            "Zoë",
            2,
            "Foundations",
            D,
            D,
            "revoked",
            "revoked",
            "issued in error",
            "kid",
            "CT1:...",
        ),
        CertificateRow(
            3,
            "CT-AAAA-BBBB-D",
            2,
            "E-2",
            "Zoë",
            2,
            "Foundations",
            D - dt.timedelta(days=400),
            D - dt.timedelta(days=35),
            "valid",
            "expired",
            None,
            "kid",
            "CT1:...",
        ),
    ],
    ModulesTableModel: [
        ModuleRow(1, "IPE-101", "Welcome", "", "e_learning", Decimal("1.5"), None, False, False, True, ["RR1"], 1),
        ModuleRow(2, "SIM-2", "Sim", "d", "simulation", Decimal("4"), 12, True, True, False, [], 2),
    ],
    CredentialsTableModel: [
        CredentialRow(1, "IPC-FOUND", "Foundations", "", "", None, 2, "standard", True, [], 1),
        CredentialRow(2, "IPC-SAFE", "Safety", "d", "c", 24, None, "standard", False, [], 1),
    ],
    RequirementsTableModel: [
        RequirementRow(1, "module", 1, "IPE-101", "Welcome", None, None, None, None, None, None, None),
        RequirementRow(2, "competency", None, None, None, 5, "RR1", "Include", "ENTRUST5", "3", "Indirect", 3),
    ],
    CohortsTableModel: [
        CohortRow(1, "C-1", "January", "", D, None, [AssignedCredential(1, "IPC-FOUND", "F", D)], 12, 1),
        CohortRow(2, "C-2", "February", "", None, None, [], 0, 1),
    ],
    EnrolmentsTableModel: [
        EnrolmentRow(1, 1, "C-1", "January", 1, "Nguyễn Thị Minh", "E-1", D, "active"),
        EnrolmentRow(2, 1, "C-1", "January", 2, "Zoë", "E-2", D, "withdrawn"),
    ],
    ProblemsTableModel: [
        Problem(12, "Start date", "impossible date: 2024-02-30 does not exist"),
        Problem(None, None, "wrong encoding: the file is UTF-16."),
        Problem(3, "Profession", "unknown profession 'Astrology'"),
    ],
}
