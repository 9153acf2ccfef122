"""Credential progress: the judge's verdicts (``credtrack.rules.judge``) on the records in the database.

``person`` judges people from their records (a person's page, a cohort being issued), ``bulk`` judges
everyone at once for the dashboard and the reports, and ``stored`` reads the packed projection of
everyone's standing evidence that bulk progress judges.
"""
