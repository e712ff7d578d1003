"""spec.yamlwrite, the one writer of hand-made YAML, against the safe reader: whatever it writes
reads back exactly (floats bit for bit, strings character for character)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.spec.access import read_text
from backprop_cli.spec.yamlsafe import parse
from backprop_cli.spec.yamlwrite import flow_list, string

FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=8))
def test_a_flow_list_reads_back_bit_for_bit(values):
    read = parse(f"v: {flow_list(values)}\n", "t.yaml").data["v"]
    assert [float(v) for v in read] == values  # == : a weight -0.0 may come back 0.0, the same number


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_a_string_reads_back_as_written(text):
    for ascii_only in (False, True):
        assert parse(f"name: {string(text, ascii_only=ascii_only)}\n", "t.yaml").data["name"] == text


def test_read_text_says_what_cannot_be_read(tmp_path):
    import pytest

    from backprop_cli.errors import SpecError

    (tmp_path / "a.yaml").write_bytes("x: 1\n".encode("utf-16"))
    assert read_text(tmp_path / "a.yaml") == "x: 1\n"
    with pytest.raises(SpecError) as caught:
        read_text(tmp_path / "missing.yaml", hint="give the path of an answers file")
    assert caught.value.problems[0].hint == "give the path of an answers file"
    (tmp_path / "folder").mkdir()
    with pytest.raises(SpecError):
        read_text(tmp_path / "folder")
