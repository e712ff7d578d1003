"""spec.examples: where the bundled examples are, their names, and the 'did you mean' for a wrong one."""

import pytest
from conftest import ALL_EXAMPLES, SPECS

from backprop_cli.errors import UsageError
from backprop_cli.spec import examples
from backprop_cli.spec.examples import example_names, example_path, examples_dir


def test_examples_dir_holds_the_repository_specs():
    assert sorted(p.name for p in examples_dir().glob("*.yaml")) == sorted(p.name for p in SPECS.glob("*.yaml"))


def test_example_names_sorted_and_complete():
    names = example_names()
    assert names == sorted(names) == ALL_EXAMPLES
    assert "mazur-2-2-2" in names


def test_example_path_reads_the_same_file():
    path = example_path("mazur-2-2-2")
    assert path.name == "mazur-2-2-2.yaml"
    assert path.read_bytes() == (SPECS / "mazur-2-2-2.yaml").read_bytes()


def test_example_path_suggests_the_nearest():
    with pytest.raises(UsageError) as info:
        example_path("mazur-2-2")
    assert str(info.value) == ("no example called 'mazur-2-2'; did you mean 'mazur-2-2-2'? "
                               "(`backprop examples` lists them)")


def test_example_path_lists_all_when_nothing_is_close():
    with pytest.raises(UsageError) as info:
        example_path("zzzz\n")
    assert str(info.value) == ("no example called 'zzzz\\x0a'; known: " + ", ".join(ALL_EXAMPLES)
                               + " (`backprop examples` lists them)")


@pytest.mark.parametrize("name", ["../pyproject", "", "mazur-2-2-2.yaml", "a\x00b", "x" * 200])
def test_example_path_hostile_names(name):
    with pytest.raises(UsageError) as info:
        example_path(name)
    assert len(str(info.value).split(";")[0]) <= len("no example called ''") + 60


@pytest.mark.parametrize("name", ["x" * 300, "x" * 10_000])
def test_example_path_name_too_long_is_a_usage_error(name):
    with pytest.raises(UsageError, match="^no example called 'x+…'; known: "):
        example_path(name)


def test_examples_dir_from_source_checkout(monkeypatch, tmp_path):
    monkeypatch.setattr(examples, "INSTALLED", tmp_path / "not-installed")  # as in a checkout not installed
    monkeypatch.setattr(examples, "SOURCE", SPECS)  # the repository's specs/, beside its pyproject.toml
    assert examples_dir() == SPECS
    monkeypatch.setattr(examples, "SOURCE", tmp_path / "specs")
    with pytest.raises(UsageError, match="the bundled examples are not installed; reinstall backprop-cli"):
        examples_dir()
