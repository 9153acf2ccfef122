"""Errors a person can cause while issuing, printing or checking certificates."""

from __future__ import annotations

from credtrack.errors import CredtrackError


class CertificateError(CredtrackError):
    """Base for certificate problems shown to the user as a plain message."""


class InvalidCodeError(CertificateError):
    """A typed certificate code that is malformed or fails its check character."""


class PayloadTooLargeError(CertificateError):
    """The signed QR payload would need a QR code too dense to scan when printed."""


class SigningKeyError(CertificateError):
    """The signing key is missing, locked by a passphrase, or unreadable."""


class NotEligibleError(CertificateError):
    """The person has not met the credential's requirements."""

    exit_code = 6


class RevocationListError(CertificateError):
    """A revocation list file that is not genuine or cannot be read."""


class TrustBundleError(CertificateError):
    """A trust bundle or key set from another institution that is not genuine or cannot be read."""
