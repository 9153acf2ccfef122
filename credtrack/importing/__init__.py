"""Importing people, enrolments, completions, sign-offs and ratings from CSV and XLSX files (no Qt)."""

from credtrack.importing.fields import (
    FIELDS,
    KINDS,
    MappingError,
    canonical_kind,
    load_mapping_file,
)
from credtrack.importing.plan import ImportOptions
from credtrack.importing.problems import (
    FileProblemError,
    ImportCancelledError,
    ImportRejectedError,
    Problem,
)
from credtrack.importing.service import (
    ATTESTATIONS,
    RATING_IMPORT_ATTESTATION,
    SIGNED_NAMES,
    SIGNOFF_IMPORT_ATTESTATION,
    FilePreview,
    ImportReport,
    check,
    preview,
    run_import,
)

__all__ = [
    "ATTESTATIONS",
    "FIELDS",
    "KINDS",
    "FilePreview",
    "FileProblemError",
    "ImportCancelledError",
    "ImportOptions",
    "ImportRejectedError",
    "ImportReport",
    "MappingError",
    "Problem",
    "canonical_kind",
    "check",
    "load_mapping_file",
    "preview",
    "run_import",
    "RATING_IMPORT_ATTESTATION",
    "SIGNED_NAMES",
    "SIGNOFF_IMPORT_ATTESTATION",
]
