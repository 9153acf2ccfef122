"""QR tamper: mutated codes, random junk and hostile files against the verifier.

A real certificate is signed and rendered the way credtrack issues one. Then:

- single-character mutations of its QR text (replace, insert or delete one character; a change
  that only adds whitespace around the text is not a change and is drawn again), and
  single-byte mutations of its COSE bytes, re-wrapped as a QR text: none may verify as valid,
  and every one must get a verdict (an exception caught by the verifier's last guard counts
  as a failure);
- random text and random bytes: a verdict each, none valid;
- for N genuine certificates, each signed on its own: one byte of the signature flipped, one byte
  of the signed claims flipped, the QR text cut short, the COSE bytes cut short and wrapped
  again, the claims re-signed with another key under its own key id and under the genuine one: each must be refused
  with the verdict that says what happened (altered or forged, unreadable, unknown issuer);
- hostile files and inputs (a 10 MB text and file, a zlib bomb and a CBOR length bomb inside a
  ``CT1:`` envelope, a PDF that is not a certificate, a truncated PDF, a 20000×20000 PNG, a
  text file named ``.pdf``, a PDF of three huge pages), each in a process of its own so its
  time and peak memory are its own: a verdict within the time and memory bounds, and the
  genuine PDF and photo still verify as valid.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import resource
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from common import Outcome, TrialContext, put  # noqa: E402

TRIAL = "qr_tamper"
MAX_SECONDS = 30.0  # per hostile case, start-up of its process included
MAX_RSS_MB = 768  # per hostile case; the interpreter and its libraries alone take about 100 MB
INTERNAL = "internal error"  # the verifier's last guard says this when something raised
TODAY = dt.date(2026, 1, 10)
BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def run(ctx: TrialContext) -> list[Outcome]:
    from credtrack.certificates import keys, payload

    rng = random.Random(1812)
    key = keys.SigningKey.of(keys.generate())
    text = _real_code(key)
    trust = _trust(key)
    original = _verdict(text, trust)
    if original != ("valid", False):
        raise AssertionError(f"the genuine code does not verify: {original}")
    cose = payload.unwrap(text)
    n_text, n_bytes, n_random = (300, 200, 200) if ctx.quick else (10_000, 2_000, 2_000)
    outcomes = [
        _count(
            "single-character mutations of the QR text",
            n_text,
            (_verdict(_mutate_text(text, rng), trust) for _ in range(n_text)),
        ),
        _count(
            "single-byte mutations of the COSE bytes",
            n_bytes,
            (_verdict(payload.wrap(_mutate_bytes(cose, rng)), trust) for _ in range(n_bytes)),
        ),
        _count(
            "random text and random bytes", n_random, (_verdict(_random_input(rng, i), trust) for i in range(n_random))
        ),
    ]
    outcomes += _genuine_payloads(key, trust, rng, 20 if ctx.quick else 500)
    outcomes.append(_hostile_files(ctx, key, text, rng))
    return outcomes


# Each of N genuine payloads, changed in the ways a forger would ------------------------------------------

ALTERED, UNREADABLE, UNKNOWN = "altered_or_forged", "unreadable", "unknown_issuer"


def _genuine_payloads(key, trust, rng: random.Random, n: int) -> list[Outcome]:  # type: ignore[no-untyped-def]
    """For each of ``n`` freshly signed certificates, every change below; a row per change counting those
    refused with the expected verdict."""
    import cbor2

    from credtrack.certificates import keys, payload

    stranger = keys.SigningKey.of(keys.generate())
    impostor = keys.SigningKey(key.kid, stranger.private_key)  # the genuine key id, another key's signature

    def rebuilt(parts: list, at: int, value: bytes) -> str:
        changed = list(parts)
        changed[at] = value
        return payload.wrap(cbor2.dumps(cbor2.CBORTag(payload.COSE_SIGN1_TAG, changed)))

    def flip(data: bytes) -> bytes:
        return _mutate_bytes(data, rng)

    changes: dict[str, tuple[str, Callable[[str, list], str]]] = {
        "one byte of the signature flipped": (ALTERED, lambda text, parts: rebuilt(parts, 3, flip(parts[3]))),
        "one byte of the signed claims flipped": (ALTERED, lambda text, parts: rebuilt(parts, 2, flip(parts[2]))),
        "the QR text cut short": (
            UNREADABLE,
            lambda text, parts: text[: rng.randrange(len(payload.PREFIX), len(text))],
        ),
        # An intact wrapper around a cut signed structure was made that way on purpose: it is altered.
        "the COSE bytes cut short and wrapped again": (
            ALTERED,
            lambda text, parts: payload.wrap(payload.unwrap(text)[: rng.randrange(1, len(payload.unwrap(text)))]),
        ),
        "re-signed with another key": (UNKNOWN, lambda text, parts: payload.sign(_claims_of(text), stranger)),
        "re-signed with another key under the genuine key id": (
            ALTERED,
            lambda text, parts: payload.sign(_claims_of(text), impostor),
        ),
    }
    right = {name: 0 for name in changes}
    seen: dict[str, dict[str, int]] = {name: {} for name in changes}
    for _ in range(n):
        text = payload.sign(_claims(rng), key)
        parts = cbor2.loads(payload.unwrap(text)).value
        for name, (expected, change) in changes.items():
            verdict, raised = _verdict(change(text, parts), trust)
            right[name] += verdict == expected and not raised
            seen[name][verdict] = seen[name].get(verdict, 0) + 1
    return [
        Outcome(
            TRIAL,
            "none",
            f"{n} genuine certificates, {name}",
            n,
            right[name],
            f"all '{expected}'",
            ", ".join(f"{v} {c}" for v, c in sorted(seen[name].items(), key=lambda kv: -kv[1])),
        )
        for name, (expected, _change) in changes.items()
    ]


def _claims_of(text: str):  # type: ignore[no-untyped-def]
    from credtrack.certificates import payload

    return payload.decode_claims(payload.parse(payload.unwrap(text)).payload)


# The real certificate -------------------------------------------------------------------------------


HOLDERS = (
    "Zoë O'Brien-Łukasiewicz",
    "Nguyễn Thị Minh Khai",
    "Ana Lopez",
    "محمد الأحمد",
    "Ødegård, Ingrid",
    "Bartholomew Featherstonehaugh-Smythe",
)


def _claims(rng: random.Random | None = None):  # type: ignore[no-untyped-def]
    from credtrack.certificates import codes, payload

    return payload.Claims(
        issuer="CT4K7Q2M",
        code=codes.new_code(),
        holder_name=rng.choice(HOLDERS) if rng else HOLDERS[0],
        credential_title="Interprofessional Collaboration Foundations",
        issued_on=dt.date(2025, 3, 1),
        expires_on=dt.date(2027, 3, 1),
        competencies=("VE1", "RR1", "C2", "TT3"),
        openbadge_digest=os.urandom(16),
    )


def _real_code(key) -> str:  # type: ignore[no-untyped-def]
    from credtrack.certificates import qr

    return qr.sign_to_fit(_claims(), key)


def _real_pdf(key, text: str, target: Path) -> Path:  # type: ignore[no-untyped-def]
    from credtrack.certificates import payload, pdf

    claims = payload.decode_claims(payload.parse(payload.unwrap(text)).payload)
    page = pdf.CertificatePage(
        code=claims.code,
        holder_name=claims.holder_name,
        credential_title=claims.credential_title,
        issued_on=claims.issued_on,
        expires_on=claims.expires_on,
        qr_text=text,
        key_fingerprint=key.fingerprint,
        institution_name="Riverside Teaching Hospital",
        framework_name="IPEC Core Competencies (2023)",
        competencies=tuple((c, f"Competency {c}") for c in claims.competencies),
        signatory_name="Dr. Amara Okonkwo",
        signatory_title="Director of Interprofessional Education",
    )
    return pdf.render([page], target)


def _trust(key):  # type: ignore[no-untyped-def]
    from credtrack.certificates.verify import Trust, TrustedKey

    return Trust(keys=[TrustedKey(key.kid, key.public_key, "Riverside Teaching Hospital")])


# Verdicts ---------------------------------------------------------------------------------------------


class _Raised(logging.Handler):
    """Notices the verifier's last guard catching an exception (it logs it before answering)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _verdict(source: str | bytes, trust) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """(verdict, whether an exception was raised on the way) for one input."""
    from credtrack.certificates import verify

    guard = _Raised()
    log = logging.getLogger(verify.__name__)
    log.addHandler(guard)
    log.propagate = False
    try:
        result = verify.verify(source, trust, today=TODAY)
    except Exception:  # noqa: BLE001 - counted, not hidden
        return "exception", True
    finally:
        log.removeHandler(guard)
        log.propagate = True
    return result.verdict.value, guard.seen or INTERNAL in result.message


def _count(tried: str, cases: int, verdicts) -> Outcome:  # type: ignore[no-untyped-def]
    valid = raised = 0
    by_verdict: dict[str, int] = {}
    for verdict, exception in verdicts:
        valid += verdict == "valid"
        raised += exception
        by_verdict[verdict] = by_verdict.get(verdict, 0) + 1
    failed = valid + raised
    spread = ", ".join(f"{v} {n}" for v, n in sorted(by_verdict.items(), key=lambda kv: -kv[1]))
    return Outcome(
        TRIAL,
        "none",
        tried,
        cases,
        cases - failed,
        "0 valid, 0 exceptions",
        f"{valid} valid, {raised} exceptions; {spread}",
    )


def _mutate_text(text: str, rng: random.Random) -> str:
    alphabet = BASE45 + "abcxyz\n\t\x00é€😀:"
    while True:
        at = rng.randrange(len(text) + 1)
        how = rng.choice(("replace", "insert", "delete"))
        if how == "replace" and at < len(text):
            mutated = text[:at] + rng.choice(alphabet) + text[at + 1 :]
        elif how == "delete" and at < len(text):
            mutated = text[:at] + text[at + 1 :]
        else:
            mutated = text[:at] + rng.choice(alphabet) + text[at:]
        if mutated.strip() != text:  # surrounding whitespace is not part of a code
            return mutated


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    new = rng.choice([b for b in range(256) if b != data[at]])
    return data[:at] + bytes([new]) + data[at + 1 :]


def _random_input(rng: random.Random, i: int) -> str | bytes:
    """Any code points (lone surrogates too), base45 with and without the prefix, bytes bare or posing as a
    PDF, a PNG or a JPEG."""
    length = rng.choice((0, 1, 5, 40, 300, 3000))
    kind = i % 7
    if kind == 0:
        return "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(length))
    if kind == 1:
        return "CT1:" + "".join(rng.choice(BASE45) for _ in range(length))
    if kind == 2:
        return "".join(rng.choice(BASE45) for _ in range(length))
    prefix = (b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0")[kind - 3]
    return prefix + rng.randbytes(length)


# Hostile files, each in a process of its own ------------------------------------------------------------


def _hostile_files(ctx: TrialContext, key, text: str, rng: random.Random) -> Outcome:  # type: ignore[no-untyped-def]
    from credtrack.certificates import keys

    work = ctx.work
    jwks = work / "issuer.jwks.json"
    jwks.write_text(json.dumps(keys.jwks([keys.public_jwk(key.public_key)])), encoding="utf-8")
    genuine = _real_pdf(key, text, work / "genuine.pdf")
    cases = _make_cases(work, genuine, rng)
    failures, notes = [], []
    for name, (path, as_text, expect_valid) in cases.items():
        seconds, rss_mb, answer = _run_case(path, as_text, jwks)
        verdict = answer.get("verdict", "no answer")
        ok = (
            answer.get("internal") is False
            and seconds <= MAX_SECONDS
            and rss_mb <= MAX_RSS_MB
            and (verdict == "valid") == expect_valid
        )
        notes.append(f"{name}: {verdict}, {seconds:.1f} s, {rss_mb:.0f} MB")
        if not ok:
            failures.append(name)
    return Outcome(
        TRIAL,
        "none",
        "hostile files and inputs, one process each",
        len(cases),
        len(cases) - len(failures),
        f"a verdict each (genuine ones valid), ≤ {MAX_SECONDS:.0f} s and ≤ {MAX_RSS_MB} MB each",
        "; ".join(notes) + (f" — FAILED: {', '.join(failures)}" if failures else ""),
    )


def _make_cases(work: Path, genuine: Path, rng: random.Random) -> dict[str, tuple[Path, bool, bool]]:
    """name -> (file, whether its content is passed as text, whether it must verify as valid)."""
    from credtrack.certificates import payload
    from credtrack.certificates.payload import PREFIX

    photo = work / "genuine.png"
    _rasterise(genuine, photo)
    data = genuine.read_bytes()
    bomb = zlib.compressobj(9)
    inflated = b"".join(bomb.compress(b"\0" * (1 << 20)) for _ in range(256)) + bomb.flush()  # 256 MB of zeros
    cbor_bomb = b"\xd2\x84\x5b\x7f\xff\xff\xff\xff\xff\xff\xff"  # tag 18, array, a byte string of 2^63 bytes
    return {
        "genuine PDF": (genuine, False, True),
        "genuine photo (PNG)": (photo, False, True),
        "10 MB QR text": (
            put(work, "long.txt", PREFIX + "".join(rng.choice(BASE45) for _ in range(10 << 20))),
            True,
            False,
        ),
        "10 MB random file": (put(work, "random.bin", rng.randbytes(10 << 20)), False, False),
        "zlib bomb in CT1 (256 MB)": (put(work, "bomb.txt", PREFIX + _b45(inflated)), True, False),
        "CBOR length bomb in CT1": (put(work, "cbor.txt", payload.wrap(cbor_bomb)), True, False),
        "PDF that is not a certificate": (_plain_pdf(work / "letter.pdf"), False, False),
        "truncated certificate PDF": (put(work, "truncated.pdf", data[: len(data) // 2]), False, False),
        "20000×20000 PNG": (_huge_png(work / "huge.png", 20_000, 20_000), False, False),
        "text file named .pdf": (put(work, "notes.pdf", "Meeting notes\nnot a certificate\n" * 100), False, False),
        "PDF of three 14400 pt pages": (_huge_pdf(work / "huge.pdf"), False, False),
    }


def _b45(data: bytes) -> str:
    import base45

    return base45.b45encode(data).decode("ascii")


def _rasterise(pdf_path: Path, target: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    document[0].render(scale=150 / 72).to_pil().save(target)
    document.close()


def _plain_pdf(target: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target))
    canvas.drawString(72, 720, "Dear colleague, please find the rota for January attached.")
    canvas.save()
    return target


def _huge_pdf(target: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target), pagesize=(14_400, 14_400))
    for _ in range(3):
        canvas.rect(10, 10, 14_000, 14_000, fill=1)
        canvas.showPage()
    canvas.save()
    return target


def _huge_png(target: Path, width: int, height: int) -> Path:
    """A well-formed greyscale PNG of ``width`` × ``height`` black pixels (a few hundred KB on disk)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    squeeze = zlib.compressobj(1)
    row = b"\0" * (width + 1)  # filter byte and one byte per pixel
    idat = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    target.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return target


def _run_case(path: Path, as_text: bool, jwks: Path) -> tuple[float, float, dict]:
    """Verify one input in a fresh process; its wall time, its own peak memory in MB, and its answer.
    A case still running at twice the time bound is killed (and fails)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--case", str(path), "text" if as_text else "file", str(jwks)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=str(ROOT),
    )
    assert child.stdout is not None
    timer = threading.Timer(MAX_SECONDS * 2, child.kill)
    timer.start()
    try:
        out = child.stdout.read()
        child.wait()
    finally:
        timer.cancel()
        child.stdout.close()
    seconds = time.perf_counter() - started
    try:
        answer = json.loads(out)
    except ValueError:
        answer = {}
    return seconds, answer.get("peak_kb", float("inf")) / 1024, answer


def _peak_kb() -> int:
    """This process's own peak resident memory. (The kernel's ru_maxrss of a child counts the parent's
    memory at fork time too; VmHWM starts afresh with the new program.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _case_main(path: str, how: str, jwks_path: str) -> int:
    """In the child: one verdict as JSON on standard output."""
    from credtrack.certificates import keys, verify

    entries = json.loads(Path(jwks_path).read_text(encoding="utf-8"))["keys"]
    trust = verify.Trust(keys=[verify.TrustedKey(keys.thumbprint(e), keys.public_key_from_jwk(e)) for e in entries])
    guard = _Raised()
    logging.getLogger(verify.__name__).addHandler(guard)
    source: str | os.PathLike[str] = Path(path).read_text(encoding="utf-8") if how == "text" else Path(path)
    result = verify.verify(source, trust, today=TODAY)
    print(
        json.dumps(
            {
                "verdict": result.verdict.value,
                "internal": guard.seen or INTERNAL in result.message,
                "message": result.message[:200],
                "peak_kb": _peak_kb(),
            }
        )
    )
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--case"]:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    raise SystemExit(_case_main(*sys.argv[2:5]))
