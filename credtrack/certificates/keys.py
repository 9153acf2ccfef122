"""The issuer's ES256 (P-256) signing key: creation, storage, public JWK, thumbprint and JWKS.

The private key is a PEM file in the data folder's ``keys`` directory, readable by
its owner only and optionally encrypted with a passphrase. Public keys, current and
retired, live in the database so every workstation can verify. A key's id (kid) is
its RFC 7638 JWK thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from credtrack import paths
from credtrack.certificates.errors import SigningKeyError

COSE_KID_BYTES = 8  # how much of the thumbprint the QR carries to name the key
PASSPHRASE_ENV = "CREDTRACK_KEY_PASSPHRASE"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> dict[str, str]:
    """The public key as a JWK with only its required members (kty, crv, x, y)."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    numbers = public.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url."""
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def kid_of(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> str:
    return thumbprint(public_jwk(key))


def cose_kid(kid: str) -> bytes:
    """The short key id carried in the QR: the first bytes of the thumbprint."""
    return b64url_decode(kid)[:COSE_KID_BYTES]


def fingerprint(kid: str) -> str:
    """A key fingerprint people can read aloud and compare: ``3F2A 91C0 …`` (first 80 bits)."""
    hexed = b64url_decode(kid)[:10].hex().upper()
    return " ".join(hexed[i : i + 4] for i in range(0, len(hexed), 4))


def public_key_from_jwk(jwk: dict[str, str]) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise SigningKeyError("Only P-256 (ES256) keys are supported.")
    try:
        x = int.from_bytes(b64url_decode(jwk["x"]), "big")
        y = int.from_bytes(b64url_decode(jwk["y"]), "big")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, ValueError, TypeError) as exc:
        raise SigningKeyError("A public key in the key set is damaged or not a P-256 key.") from exc


def jwks(entries: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """A JWKS document; each entry is a public JWK to which kid/alg/use are added."""
    keys = []
    for jwk in entries:
        member = dict(jwk)
        member.setdefault("kid", thumbprint(jwk))
        member.setdefault("alg", "ES256")
        member.setdefault("use", "sig")
        keys.append(member)
    return {"keys": keys}


def private_key_path(kid: str, directory: Path | None = None) -> Path:
    return (directory or paths.keys_dir()) / f"{kid}.pem"


def save_private_key(
    key: ec.EllipticCurvePrivateKey, *, passphrase: str | None = None, directory: Path | None = None
) -> Path:
    """Write the private key as PKCS#8 PEM with mode 0600, encrypted when a passphrase is given."""
    path = private_key_path(kid_of(key), directory)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    paths.write_private_file(
        path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return path


def is_encrypted(kid: str, directory: Path | None = None) -> bool:
    path = private_key_path(kid, directory)
    try:
        return pem_is_encrypted(path.read_bytes())
    except OSError:
        return False


def not_here_message(kid: str) -> str:
    """What to do on a workstation without the private key: install it, never rotate for this."""
    return (
        f"This workstation does not hold the signing key (fingerprint {fingerprint(kid)}), so it cannot "
        "sign here. To make it an issuing workstation, an administrator exports the key on one that holds it "
        "(credtrack-cli keys export-private FILE --passphrase-env VAR) and installs the file here "
        "(credtrack-cli keys install FILE --passphrase-env VAR); or issue from a workstation that has the key. "
        "Do not rotate the key for this: rotating retires the key every issuing workstation uses."
    )


def read_exported(pem: bytes, passphrase: str) -> ec.EllipticCurvePrivateKey:
    """The private key in an exported key file, decrypted with its passphrase; SigningKeyError when it cannot be."""
    if not pem_is_encrypted(pem):
        raise SigningKeyError(
            "This file does not hold an encrypted private key; an exported credtrack key always "
            "is. Export it again with credtrack-cli keys export-private."
        )
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise SigningKeyError("The passphrase is wrong, or the file is not an exported credtrack key.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SigningKeyError("The file does not hold a P-256 (ES256) key, so it is not a credtrack signing key.")
    return key


def export_pem(key: ec.EllipticCurvePrivateKey, passphrase: str) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def pem_is_encrypted(pem: bytes) -> bool:
    """Whether a PEM private key is protected by a passphrase (PKCS#8 "ENCRYPTED PRIVATE KEY")."""
    return b"ENCRYPTED" in pem[:64]


def encrypted_pem(pem: bytes, passphrase: str) -> bytes:
    """An unencrypted PEM private key, re-written as PKCS#8 encrypted under ``passphrase``."""
    try:
        key = serialization.load_pem_private_key(pem, None)
    except (TypeError, ValueError) as exc:
        raise SigningKeyError("The signing key file could not be read as an unencrypted key.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningKeyError("The signing key file does not hold a P-256 (ES256) key.")
    return export_pem(key, passphrase)


def load_private_key(
    kid: str, *, passphrase: str | None = None, directory: Path | None = None
) -> ec.EllipticCurvePrivateKey:
    """Read the private key for ``kid``; the passphrase falls back to $CREDTRACK_KEY_PASSPHRASE."""
    path = private_key_path(kid, directory)
    try:
        pem = path.read_bytes()
    except FileNotFoundError as exc:
        raise SigningKeyError(not_here_message(kid)) from exc
    except OSError as exc:
        raise SigningKeyError(f"The signing key file could not be read: {exc.strerror}.") from exc
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode("utf-8") if passphrase else None)
    except TypeError as exc:
        raise SigningKeyError(
            f"The signing key is protected by a passphrase. Enter it, or set {PASSPHRASE_ENV}."
        ) from exc
    except ValueError as exc:
        raise SigningKeyError("The signing key passphrase is wrong, or the key file is damaged.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SigningKeyError("The signing key file does not hold a P-256 (ES256) key.")
    if kid_of(key) != kid:
        raise SigningKeyError("The signing key file does not match the key recorded in the database.")
    return key


@dataclass(frozen=True)
class SigningKey:
    """A loaded private key with its id, ready to sign certificates."""

    kid: str
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kid)

    @classmethod
    def of(cls, private_key: ec.EllipticCurvePrivateKey) -> SigningKey:
        return cls(kid_of(private_key), private_key)

    def private_der(self) -> bytes:
        """The private key as unencrypted PKCS#8 DER, to hand to a worker process in memory; never store it."""
        return self.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @classmethod
    def from_private_der(cls, data: bytes) -> SigningKey:
        key = serialization.load_der_private_key(data, None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise SigningKeyError("The signing key handed over is not a P-256 (ES256) key.")
        return cls.of(key)
