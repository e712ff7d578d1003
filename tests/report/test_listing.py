"""report.listing: `backprop examples` as aligned columns."""
from backprop_cli.report.listing import examples_listing


def test_aligned_columns():
    rows = [{"name": "ab", "sizes": [2, 3, 1], "description": "net"},
            {"name": "longer-name", "expression": ["f"], "description": "expr"}]
    assert examples_listing(rows) == ("ab           2-3-1       net\n"
                                      "longer-name  expression  expr\n")


def test_empty_listing():
    assert examples_listing([]) == "\n"


def test_every_description_starts_in_the_same_column():
    rows = [{"name": "x" * n, "sizes": [n, 1], "description": "d"} for n in range(1, 6)]
    lines = examples_listing(rows).splitlines()
    assert len({line.index("  d") for line in lines}) == 1 and len(lines) == 5
