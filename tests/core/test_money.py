import pytest

from core.money import Money, format_minor, minor_to_major_text, parse_major


def test_format_minor_uses_symbol_and_thousands():
    assert format_minor(1234567, "USD") == "$12,345.67"
    assert format_minor(5, "CAD") == "CA$0.05"
    assert format_minor(-100, "USD") == "-$1.00"


@pytest.mark.parametrize(("text", "minor"), [("125.50", 12550), ("1,000", 100000), ("0.01", 1), ("$7", 700)])
def test_parse_major(text, minor):
    assert parse_major(text) == minor


@pytest.mark.parametrize("text", ["12.345", "abc", "", "NaN", "Infinity"])
def test_parse_major_rejects(text):
    with pytest.raises(ValueError):
        parse_major(text)


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5, "USD")
    with pytest.raises(ValueError):
        Money(1, "USD") + Money(1, "CAD")
    assert Money(150, "USD") + Money(50, "USD") == Money(200, "USD")


@pytest.mark.parametrize("text", ["1e3", "1E+2", "1e30", "1e999999", "٣", "１０", "0x10", "1_000", "- 5"])
def test_parse_major_refuses_what_is_not_a_plain_amount(text):
    """QA regression: "1e30" escaped as decimal.InvalidOperation (a 500); "1e3" and non-ASCII digits
    were accepted as $1,000.00 / $3.00."""
    with pytest.raises(ValueError, match="amount such as"):
        parse_major(text)


def test_parse_major_refuses_overlong_numbers_with_a_message_not_an_exception():
    with pytest.raises(ValueError, match="too large"):
        parse_major("9" * 60)
    # Long but decimal-safe numbers still parse, so callers can say "at most $50,000.00".
    assert parse_major("9" * 30) == int("9" * 30) * 100


@pytest.mark.parametrize(("text", "minor"), [(" 10 ", 1000), (".5", 50), ("5.", 500), ("12.340", 1234)])
def test_parse_major_still_takes_ordinary_amounts(text, minor):
    assert parse_major(text) == minor


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1,234.56", 123456), ("12,345", 1234500), ("1,234,567.89", 123456789), ("$1,000", 100000)],
)
def test_a_comma_separates_thousands_in_groups_of_three(text, minor):
    assert parse_major(text) == minor


@pytest.mark.parametrize(
    ("minor", "text"),
    [(12550, "125.50"), (5, "0.05"), (0, "0.00"), (-150, "-1.50"), (123456789, "1234567.89")],
)
def test_minor_to_major_text_is_the_inverse_of_parse_major(minor, text):
    assert minor_to_major_text(minor) == text
    assert parse_major(text) == minor


@pytest.mark.parametrize(
    ("text", "understood"),
    [("12,34", ("12.34", "1,234.00")), ("49,95", ("49.95", "4,995.00")), ("5,5", ("5.50", "55.00"))],
)
def test_a_decimal_comma_is_refused_showing_both_readings(text, understood):
    """QA regression (issue 11, item 1): "12,34" sent a request for $1,234.00."""
    with pytest.raises(ValueError) as error:
        parse_major(text)
    message = str(error.value)
    assert "ambiguous" in message and f'"{text}"' in message
    assert all(reading in message for reading in understood)


@pytest.mark.parametrize("text", ["1,2345", "1,23,456", ",5", "1,,234", "1234,567", "12,345,67"])
def test_commas_not_in_groups_of_three_are_refused(text):
    with pytest.raises(ValueError, match="comma only separates thousands"):
        parse_major(text)
