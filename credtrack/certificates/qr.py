"""The QR symbol for a payload, at error correction M and no larger than version 13.

zxing-cpp's encoder builds the matrix in C++ and scores all eight mask patterns,
about a millisecond for a full-size payload, so nothing is traded away for speed.
The matrix is returned as runs of dark modules, which the PDF draws as one path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import zxingcpp

from credtrack.certificates.errors import PayloadTooLargeError
from credtrack.certificates.keys import SigningKey
from credtrack.certificates.payload import Claims, from_address, in_address
from credtrack.certificates.payload import sign as signed

MAX_VERSION = 13
ERROR_CORRECTION = "M"
_DARK = bytes(35 if value < 128 else 46 for value in range(256))  # b"#" for dark, b"." for light
_RUN = re.compile(rb"#+")
# Characters of QR alphanumeric mode, and how many of them version 13 holds at level M (ISO/IEC 18004).
# The signed payload (``CT1:`` + base45) uses only these, so any payload this long or shorter fits:
# the encoder never needs more bits than alphanumeric mode for such text.
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
ALPHANUMERIC_CAPACITY = 483


@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol without its quiet zone: size in modules and the dark runs of each row."""

    size: int
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length)

    @property
    def version(self) -> int:
        return (self.size - 17) // 4

    def is_dark(self, row: int, col: int) -> bool:
        return any(r == row and c <= col < c + n for r, c, n in self.runs)

    def rows(self) -> list[str]:
        """The matrix as text, one string of '#' and '.' per row (for tests and debugging)."""
        grid = [["."] * self.size for _ in range(self.size)]
        for r, c, n in self.runs:
            for x in range(c, c + n):
                grid[r][x] = "#"
        return ["".join(line) for line in grid]


def encode(text: str, *, max_version: int = MAX_VERSION) -> QrMatrix:
    """The QR matrix for ``text``. Raises PayloadTooLargeError above ``max_version``.

    A verifier address carrying a payload is encoded as two segments: the address and its '#' in
    byte mode, the payload in alphanumeric mode (5.5 bits a character instead of 8).
    """
    if "#" in text and from_address(text) is not None:
        return _encode_segments(text, max_version)
    try:
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_CORRECTION)
    except Exception as exc:  # the encoder refuses text beyond the largest symbol
        raise PayloadTooLargeError(_too_large_message(len(text), max_version)) from exc
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    if (size - 17) // 4 > max_version:
        raise PayloadTooLargeError(_too_large_message(len(text), max_version))
    # Dark pixels (below mid-grey) become b"#", the rest b".", and each row's runs are found by regex.
    # zxingcpp's Image has the buffer protocol; its stubs don't declare __buffer__.
    marks = memoryview(image).tobytes().translate(_DARK)  # type: ignore[arg-type]
    runs: list[tuple[int, int, int]] = []
    for row in range(size):
        offset = row * size
        runs.extend((row, m.start() - offset, m.end() - m.start()) for m in _RUN.finditer(marks, offset, offset + size))
    return QrMatrix(size=size, runs=tuple(runs))


def _encode_segments(text: str, max_version: int) -> QrMatrix:
    # qrcode loads in about 30 ms (python -X importtime); only making a code needs it, so commands and
    # pages that never draw one do not pay for it.
    import qrcode
    from qrcode.exceptions import DataOverflowError
    from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

    address, fragment = text.split("#", 1)
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    # qrcode's stubs type the MODE_* constants as int, not the literal modes QRData takes.
    symbol.add_data(QRData((address + "#").encode("utf-8"), mode=MODE_8BIT_BYTE))  # type: ignore[call-overload]
    symbol.add_data(QRData(fragment.encode("ascii"), mode=MODE_ALPHA_NUM))  # type: ignore[call-overload]
    try:
        symbol.make(fit=True)  # the smallest version that holds both segments, with the best of the 8 masks
    except (DataOverflowError, ValueError) as exc:
        raise PayloadTooLargeError(_too_large_message(len(text), max_version)) from exc
    if symbol.version > max_version:
        raise PayloadTooLargeError(_too_large_message(len(text), max_version))
    runs: list[tuple[int, int, int]] = []
    for row, line in enumerate(symbol.modules):
        marks = bytes(35 if dark else 46 for dark in line)
        runs.extend((row, m.start(), m.end() - m.start()) for m in _RUN.finditer(marks))
    return QrMatrix(size=len(symbol.modules), runs=tuple(runs))


def _too_large_message(length: int, max_version: int) -> str:
    return (
        f"The certificate's signed code is too long to print as a QR code that scans reliably "
        f"({length} characters; the limit is QR version {max_version}). Shorten the holder's name "
        "as printed, the credential title, or the number of competencies listed, then issue again."
    )


def sign_to_fit(claims: Claims, key: SigningKey, *, address: str = "") -> str:
    """Sign ``claims`` for printing; a very long name or title drops the competency codes from the QR.

    With ``address`` (the verifier page's), the QR text is that address with the payload after '#'.
    The competencies stay bound to the certificate through the Open Badges digest the
    claims still carry. Raises PayloadTooLargeError when even that does not fit.
    """

    attempts = (
        [(address, claims), (address, replace(claims, competencies=()))] if claims.competencies else [(address, claims)]
    )
    if address:  # a code too long to open the verifier still verifies: it is printed as plain text then
        attempts += [("", c) for _, c in attempts]
    for index, (where, these) in enumerate(attempts):
        text = _sign_shortest(these, key, where)
        try:
            _check_fits(text)
            return text
        except PayloadTooLargeError:
            if index == len(attempts) - 1:
                raise
    raise AssertionError("unreachable")


SIGNING_TRIES = 24


def _sign_shortest(claims: Claims, key: SigningKey, address: str) -> str:
    """The QR text; in a verifier address, the shortest of several signatures.

    ECDSA signatures are randomised and every one is equally valid, but each space or '%' in the
    payload costs two more characters in an address (%20, %25); the signature with the fewest is kept.
    """
    if not address:
        return signed(claims, key)
    return min((in_address(address, signed(claims, key)) for _ in range(SIGNING_TRIES)), key=len)


def _check_fits(text: str) -> None:
    """Raise PayloadTooLargeError unless ``text`` fits the largest symbol allowed, encoding only when in doubt."""
    if len(text) <= ALPHANUMERIC_CAPACITY and ALPHANUMERIC.issuperset(text):
        return
    encode(text)
