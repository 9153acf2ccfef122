import datetime as dt
import random
import subprocess

import pytest
from PIL import Image

from credtrack.certificates import codes, payload, pdf, qr, verify
from credtrack.certificates.errors import PayloadTooLargeError
from credtrack.certificates.verify import Verdict

from .helpers import claims, rasterise, read_zbar, read_zxing, signing_key, trust_for

NAMES = [
    "Nguyễn Thị Minh Khai",
    "Zoë O'Brien-Łukasiewicz",
    "Ζωή Παπαδοπούλου",
    "Пётр Ильич Чайковский",
    "Søren Ærøskøbing-Müller Çelik Ñúñez",
    "Maximiliana Alexandrina Wilhelmina Konstantinopoulou-Vanderbilt-Fitzgerald de la Cruz y Montenegro",
]
TITLE = "Interprofessional Team Communication Foundations"


@pytest.fixture(scope="module")
def key():
    return signing_key()


def page_for(key, name: str, title: str = TITLE, paper: str = "A4") -> pdf.CertificatePage:
    c = claims(name=name, title=title)
    return pdf.CertificatePage(
        code=c.code,
        holder_name=name,
        credential_title=title,
        issued_on=c.issued_on,
        expires_on=c.expires_on,
        qr_text=qr.sign_to_fit(c, key),
        key_fingerprint=key.fingerprint,
        institution_name="Riverside Teaching Hospital",
        framework_name="IPEC Core Competencies (2023)",
        competencies=tuple((code, f"Label for {code}") for code in c.competencies),
        signatory_name="Dr. Amara Okonkwo",
        signatory_title="Director of Interprofessional Education",
        paper=paper,
    )


@pytest.mark.parametrize("name", NAMES)
def test_pdf_round_trip_at_150_dpi_reads_with_zxing_and_zbar(tmp_path, key, name):
    page = page_for(key, name)
    out = pdf.render([page], tmp_path / "cert.pdf")
    png = rasterise(out, 150)
    assert read_zxing(png) == [page.qr_text]
    assert read_zbar(png) == [page.qr_text]
    result = verify.verify(out, trust_for(key), today=dt.date(2026, 1, 1))
    assert result.verdict is Verdict.VALID, result.message
    assert result.claims.holder_name == name
    photo = verify.verify(png, trust_for(key), today=dt.date(2026, 1, 1))
    assert photo.verdict is Verdict.VALID


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_pdf_text_has_every_name_exactly(tmp_path, key, paper):
    out = pdf.render([page_for(key, n, paper=paper) for n in NAMES], tmp_path / "batch.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    for name, page_text in zip(NAMES, pages, strict=False):
        flat = " ".join(page_text.split())
        assert name in flat, name
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert fonts.count("yes yes") >= 3  # every font embedded and subset
    assert "Noto" in fonts


def test_qr_is_one_vector_path(tmp_path, key):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out = pdf.render([page_for(key, NAMES[0])], tmp_path / "one.pdf")
    document = pdfium.PdfDocument(str(out))
    paths = [obj for obj in document[0].get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH]
    qr_mm = pdf.QR_SIZE / 72 * 25.4
    square = []
    for obj in paths:
        left, bottom, right, top = obj.get_bounds()
        w_mm, h_mm = (right - left) / 72 * 25.4, (top - bottom) / 72 * 25.4
        if abs(w_mm - qr_mm) < 1 and abs(h_mm - qr_mm) < 1:
            square.append(obj)
    assert len(square) == 1  # the whole symbol is a single path object
    assert 35 <= qr_mm <= 40
    assert len(paths) < 12  # frame, rules, signature line and the QR: no per-module objects
    document.close()


def test_payload_too_large_is_refused_with_a_message(key):
    rng = random.Random(2)
    c = claims(
        name="".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(200)),
        title="".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(200)),
    )
    with pytest.raises(PayloadTooLargeError, match="too long"):
        qr.encode(payload.sign(c, key))
    with pytest.raises(PayloadTooLargeError, match="too long"):
        qr.sign_to_fit(c, key)


def test_long_name_drops_only_the_competency_codes(key):
    c = claims(name=NAMES[-1])
    with pytest.raises(PayloadTooLargeError):
        qr.encode(payload.sign(c, key))
    text = qr.sign_to_fit(c, key)
    assert qr.encode(text).version <= 13
    result = verify.verify(text, trust_for(key), today=dt.date(2026, 1, 1))
    assert result.claims.holder_name == c.holder_name
    assert result.claims.competencies == () and result.claims.openbadge_digest == c.openbadge_digest


def _matrix_png(matrix: qr.QrMatrix, path, scale: int = 4):
    size = (matrix.size + 8) * scale
    image = Image.new("L", (size, size), 255)
    pixels = image.load()
    for row, col, length in matrix.runs:
        for x in range((col + 4) * scale, (col + 4 + length) * scale):
            for y in range((row + 4) * scale, (row + 5) * scale):
                pixels[x, y] = 0
    image.save(path)


def test_many_payloads_read_with_both_decoders(tmp_path, key):
    """Whatever mask the encoder picks, every code must read with zxing-cpp and with zbarimg."""
    rng = random.Random(13)
    alphabet = "abcdefghijklmnopqrstuvwxyzàéïôüăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ αβγδ бвгдж"
    expected, files = [], []
    for i in range(150):
        length = rng.randrange(5, 61)
        name = "".join(rng.choice(alphabet) for _ in range(length)).strip().title() or "X"
        title = "".join(rng.choice(alphabet) for _ in range(rng.randrange(5, 61))).strip() or "T"
        c = payload.Claims(
            "CT4K7Q2M",
            codes.new_code(),
            name,
            title,
            dt.date(2025, 1, 1) + dt.timedelta(days=i),
            None if i % 3 else dt.date(2028, 1, 1),
            tuple(f"VE{n}" for n in range(1, rng.randrange(1, 11))),
            rng.randbytes(16),
        )
        try:
            text = qr.sign_to_fit(c, key)
        except PayloadTooLargeError:
            continue  # refused at issue time, so never printed
        png = tmp_path / f"q{i:03}.png"
        _matrix_png(qr.encode(text), png)
        expected.append(text)
        files.append(png)
    assert len(expected) >= 100
    for text, png in zip(expected, files, strict=True):
        assert read_zxing(png) == [text]
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.splitlines() == expected
