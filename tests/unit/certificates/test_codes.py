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
            typo = raw[:i] + ch + raw[i + 1:]
            with pytest.raises(InvalidCodeError):
                codes.normalise(typo)
    for i in range(len(raw) - 1):
        if raw[i] == raw[i + 1]:
            continue
        swapped = raw[:i] + raw[i + 1] + raw[i] + raw[i + 2:]
        with pytest.raises(InvalidCodeError):
            codes.normalise(swapped)


@pytest.mark.parametrize("text", ["", "hello", "CT-7K3F-9QXM", "CT-7K3F-9QXM-44", "CT-7K3F-9QXU-4", "ЖЖЖ"])
def test_malformed_codes_give_a_message_not_a_crash(text):
    with pytest.raises(InvalidCodeError) as info:
        codes.normalise(text)
    assert "code" in info.value.message
