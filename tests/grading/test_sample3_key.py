"""grading.key, survivors of mutation sample 3: an expression's key rounds to the decimals asked
(no significant digits added unasked), and an asked number of significant digits holds for an
exact 0 and an exact 1 too."""
import yaml

from backprop_cli.grading.key import expression_key, telling
from backprop_cli.spec.expression import expression_from_text


def test_an_expression_key_rounds_to_the_decimals_asked():
    """f = 0.06·x at x = 1: f and df/dx are 0.06, written 0.1 at 1 decimal (told from 0 and ±1 already)."""
    spec = expression_from_text("f = 0.06 * x", {"x": 1.0})
    data = yaml.safe_load(expression_key(spec, spec.compute(), ("f", "df/dx"), 1))
    assert data["answers"] == {"f": 0.1, "df/dx": 0.1}


def test_significant_digits_asked_of_an_exact_0_and_an_exact_1():
    """3 significant digits: 1 is written 1.00 (2 decimals), 0.25 as 0.250 (3); an exact 0 has no
    significant digits to give and is written at the decimals asked."""
    rows = telling([("a", 1.0), ("b", 0.0), ("c", 0.25)], 0, lambda _text, _value: [], significant=3)
    assert [(text, written) for text, _value, written, _why in rows] == [("a", 2), ("b", 0), ("c", 3)]
