"""Sample rows for the page table models, for the model tester."""

from __future__ import annotations

import datetime as dt
from typing import Any

from credtrack.services.certificate_queries import CertificateRow
from credtrack.services.people import PersonRow
from credtrack.services.records import AssessmentRow, CompletionRow
from credtrack.ui.models.certificates import CertificatesTableModel
from credtrack.ui.models.people import (
    AssessmentsTableModel,
    CompletionsTableModel,
    PeopleTableModel,
)

D = dt.date(2026, 2, 1)

SAMPLES: dict[type, list[Any]] = {
    PeopleTableModel: [
        PersonRow(1, "E-1", "Nguyễn Thị Minh", None, "NURS", "Nursing", "6 West", D, None, "active", 1),
        PersonRow(2, "E-2", "Zoë O'Brien-Łukasiewicz", "z@example.org", None, None, None, None, None, "archived", 3),
        PersonRow(3, "E-3", "Adaeze Nwosu", None, "MED", "Medicine", "ICU", D - dt.timedelta(days=9), D,
                  "inactive", 2),
    ],
    CompletionsTableModel: [
        CompletionRow(1, 1, "IPE-101", "Welcome", D, "verified", "", "Dana", False, None),
        CompletionRow(2, 1, "IPE-102", "Roles", D, "pending", "sheet 4", "Dana", True, "wrong learner"),
    ],
    AssessmentsTableModel: [
        AssessmentRow(1, 1, "RR3", "Draw on skills", "ENTRUST5", "3", "Indirect", 3, True, D, "simulation", "",
                      "", "Renée", "Nursing", True, False, None),
        AssessmentRow(2, 1, "C1", "Role", "ENTRUST5", "1", "Observe", 1, False, D, "direct_observation", "ward",
                      "x", "Tomasz", None, False, True, "typo"),
    ],
    CertificatesTableModel: [
        CertificateRow(1, "CT-7K3F-9QXM-4", 1, "E-1", "Nguyễn Thị Minh", 2, "Foundations", D, None, "valid",
                       "valid", None, "kid", "CT1:..."),
        CertificateRow(2, "CT-AAAA-BBBB-C", 2, "E-2", "Zoë", 2, "Foundations", D, D, "revoked", "revoked",
                       "issued in error", "kid", "CT1:..."),
        CertificateRow(3, "CT-AAAA-BBBB-D", 2, "E-2", "Zoë", 2, "Foundations", D - dt.timedelta(days=400),
                       D - dt.timedelta(days=35), "valid", "expired", None, "kid", "CT1:..."),
    ],
}
