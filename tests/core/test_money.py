import pytest

from core.money import Money, format_minor, parse_major


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
