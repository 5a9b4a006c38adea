"""Chinese patent application numbers: accepted spellings, the stored form, the
type digit and the mod-11 check digit (10 written X)."""

import pytest
from django.core.exceptions import ValidationError

from achievements import patent_numbers
from achievements.patent_numbers import check_digit, display, normalise


def with_check(twelve_digits: str) -> str:
    return f"{twelve_digits}.{check_digit(twelve_digits)}"


@pytest.mark.parametrize(
    "raw",
    [
        "CN202110123456.7",
        "ZL 2021 1 0123456.7",
        "202110123456.7",
        "2021101234567",  # without the dot
        "cn202110123456.7",
        "zl202110123456.7",
        " CN 2021-1-0123456.7 ",
    ],
)
def test_usual_spellings_are_stored_normalised(raw):
    assert normalise(raw, "invention") == "202110123456.7"


def test_check_digit_of_the_sample_number_is_7():
    # 2·2+0·3+2·4+1·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 117 = 10·11 + 7
    assert check_digit("202110123456") == "7"


@pytest.mark.parametrize(
    ("twelve_digits", "patent_type"),
    [
        ("202110123456", "invention"),
        ("202180123456", "invention"),  # PCT entering China as an invention
        ("202120123456", "utility_model"),
        ("202190123456", "utility_model"),  # PCT entering China as a utility model
        ("202130123456", "design"),
    ],
)
def test_type_digit_matching_the_type_is_accepted(twelve_digits, patent_type):
    number = with_check(twelve_digits)
    assert normalise(f"CN{number}", patent_type) == number


@pytest.mark.parametrize(
    ("twelve_digits", "patent_type"),
    [
        ("202110123456", "utility_model"),
        ("202110123456", "design"),
        ("202120123456", "invention"),
        ("202130123456", "utility_model"),
        ("202180123456", "utility_model"),
        ("202190123456", "invention"),
        ("202110123456", "unknown"),
    ],
)
def test_type_digit_not_matching_the_type_is_refused(twelve_digits, patent_type):
    with pytest.raises(ValidationError) as refused:
        normalise(with_check(twelve_digits), patent_type)
    assert refused.value.code == "patent_number_type"


@pytest.mark.parametrize("raw", ["CN202110123456.8", "202110123456.X", "ZL 2021 1 0123457.7"])
def test_wrong_check_digit_is_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalise(raw, "invention")
    assert refused.value.code == "patent_number_check"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "CN20211012345.7",  # eleven digits
        "CN2021101234567.7",  # thirteen digits
        "US202110123456.7",
        "CN202110123456",  # no check digit
        "CN202110123456.77",
        "CN2021101234A6.7",
        "CN202110123456.Y",
        "ZLCN202110123456.7",
    ],
)
def test_bad_shapes_are_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalise(raw, "invention")
    assert refused.value.code == "patent_number_format"


def test_check_digit_ten_is_written_x():
    # given twelve digits whose weighted sum leaves 10
    twelve = next(
        digits for serial in range(1000) if check_digit(digits := f"20211{serial:07d}") == "X"
    )
    # then the number with X (either case) is accepted and stored with X
    assert normalise(f"CN{twelve}.X", "invention") == f"{twelve}.X"
    assert normalise(f"cn{twelve}.x", "invention") == f"{twelve}.X"
    # and any other check digit is wrong
    with pytest.raises(ValidationError):
        normalise(f"CN{twelve}.0", "invention")


def test_weights_are_the_published_ones():
    assert patent_numbers.WEIGHTS == (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def test_display_is_the_certificate_form():
    assert display("202110123456.7") == "ZL 2021 1 0123456.7"
