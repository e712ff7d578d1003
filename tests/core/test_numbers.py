"""core.numbers: exact expected strings."""
import pytest

from backprop_cli.core.numbers import exact, fixed, number


@pytest.mark.parametrize("value,precision,text", [
    (0.123456789, 6, "0.123457"), (-0.0, 6, "0"), (-1e-20, 3, "-1e-20"), (1234567.0, 3, "1.23e+06"),
    (-2.5, 2, "-2.5"), (0.0, 4, "0"), (-0.0001, 1, "-0.0001")])
def test_number(value, precision, text):
    assert number(value, precision) == text


@pytest.mark.parametrize("value,decimals,text", [
    (0.125, 2, "0.12"), (-0.001, 2, "0.00"), (-0.004, 2, "0.00"), (-0.006, 2, "-0.01"), (3.0, 0, "3"),
    (-0.0, 3, "0.000"), (-1.5, 1, "-1.5")])
def test_fixed(value, decimals, text):
    assert fixed(value, decimals) == text


@pytest.mark.parametrize("value,text", [(0.1, "0.1"), (-0.0, "0.0"), (1e-300, "1e-300"), (-2.5, "-2.5"),
                                         (1 / 3, "0.3333333333333333"), (7, "7.0")])
def test_exact(value, text):
    assert exact(value) == text
    assert float(exact(value)) == value
