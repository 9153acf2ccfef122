"""Certificates as use cases: issuing one or a cohort (``issuing``, ``cohort``), the evidence and text
they carry (``evidence``, ``snapshot``, ``text``, ``drafts``), copies and records of what was issued
(``copies``, ``records``, ``queries``), revocation, and what a verifier elsewhere is given
(``verifier_export``, ``openbadge_check``)."""
