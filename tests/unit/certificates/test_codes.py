import re
from pathlib import Path

import pytest

from credtrack.certificates import codes
from credtrack.certificates.errors import InvalidCodeError


def test_new_codes_are_well_formed_and_normalise_to_themselves():
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == len("CT-7K3F-9QXM-4")
        assert codes.normalise(code) == code


def test_what_people_type_is_forgiven():
    code = codes.format_code("1K3F90XM")
    assert codes.normalise(code.lower()) == code
    assert codes.normalise(code.replace("-", "")) == code
    assert codes.normalise(code.replace("1", "l").replace("0", "o").lower()) == code
    assert codes.normalise(code.replace("1", "I")) == code
    assert codes.normalise(code[3:]) == code  # without the CT prefix
    assert codes.normalise(" " + code.replace("-", " ") + " ") == code


def test_every_single_substitution_and_neighbour_swap_is_caught():
    body = "7K3F9QXM"
    code = codes.format_code(body)
    raw = code.replace("-", "")[2:]
    for i in range(len(raw)):
        for ch in codes.ALPHABET:
            if ch == raw[i]:
                continue
            typo = raw[:i] + ch + raw[i + 1 :]
            with pytest.raises(InvalidCodeError):
                codes.normalise(typo)
    for i in range(len(raw) - 1):
        if raw[i] == raw[i + 1]:
            continue
        swapped = raw[:i] + raw[i + 1] + raw[i] + raw[i + 2 :]
        with pytest.raises(InvalidCodeError):
            codes.normalise(swapped)


@pytest.mark.parametrize("text", ["", "hello", "CT-7K3F-9QXM", "CT-7K3F-9QXM-44", "CT-7K3F-9QXU-4", "ЖЖЖ"])
def test_malformed_codes_give_a_message_not_a_crash(text):
    with pytest.raises(InvalidCodeError) as info:
        codes.normalise(text)
    assert "code" in info.value.message


# Known answers worked out by hand from the Luhn mod 32 rule over the Crockford alphabet
# (values 0-9, A=10 … Z=31; from the right, every other value doubled and its base-32 digits
# summed; the check is what brings the total to a multiple of 32). Codes already printed on
# certificates must keep these check symbols whatever the code becomes.
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("00000000", "CT-0000-0000-0"),
        ("00000001", "CT-0000-0001-Y"),  # 1 doubled = 2; 32 - 2 = 30 → Y
        ("ZZZZZZZZ", "CT-ZZZZ-ZZZZ-8"),  # 8 × 31 = 248; 256 - 248 = 8
        ("7K3F9QXM", "CT-7K3F-9QXM-K"),  # 9+29+15+9+30+3+7+7 = 109; 128 - 109 = 19 → K
    ],
)
def test_check_symbols_match_known_answers(body, code):
    assert codes.format_code(body) == code
    assert codes.normalise(code.lower().replace("0", "o").replace("1", "l")) == code


def test_the_example_codes_shown_to_users_are_real_codes():
    # Messages and the Verify page show an example; typing it must not be called a typo.
    package = Path(codes.__file__).parents[1]
    shown = (package / "certificates" / "codes.py").read_text() + (package / "ui" / "pages" / "verify.py").read_text()
    examples = set(re.findall(r"CT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b", shown))
    assert examples
    assert [example for example in examples if not codes.is_code(example)] == []
