"""credtrack: interprofessional onboarding records and verifiable micro-credentials."""

__version__ = "0.1.0"
APP_NAME = "credtrack"
