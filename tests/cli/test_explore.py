"""cli.explore: the page's default name (the spec's or example's name with .html, in the current
folder), what -o must be, a network's options refused for an expression, and what reaches the API."""
import pytest
from conftest import SPECS, invoke

import backprop_cli.api.computing as computing


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fake_page(monkeypatch):
    """explore_html recording its call and giving a small page (the page itself is tested elsewhere)."""
    calls = []

    def page(loaded, weights, **kwargs):
        calls.append((loaded.name, tuple(weights), kwargs))
        return "<html>" + "é" * 1500 + "</html>"  # 3013 bytes in UTF-8

    monkeypatch.setattr(computing, "explore_html", page)
    return calls


def usage_error(result, message):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr


def test_an_example_page_is_named_after_it_here(here, fake_page):
    result = invoke("explore", "--example", "padhai-4-4-2", expect=0)
    assert result.stdout == "wrote padhai-4-4-2.html: 3 kB; open it in a browser\n"
    assert (here / "padhai-4-4-2.html").read_text(encoding="utf-8").startswith("<html>é")


def test_a_spec_elsewhere_is_written_here_under_its_stem(here, fake_page, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("specs") / "my net.yaml"
    elsewhere.write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke("explore", elsewhere, expect=0).stdout.startswith("wrote my net.html: ")
    assert (here / "my net.html").exists() and not (elsewhere.parent / "my net.html").exists()


def test_standard_input_and_an_expression_get_generic_names(here, fake_page):
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    assert invoke("explore", "-", input=text, expect=0).stdout.startswith("wrote net.html: ")
    assert invoke("explore", "--expr", "x*y", "--at", "x=1,y=2", expect=0).stdout.startswith("wrote expression.html: ")
    assert sorted(p.name for p in here.iterdir()) == ["expression.html", "net.html"]


def test_a_default_page_that_cannot_be_written_asks_for_o(here, fake_page):
    (here / "padhai-4-4-2.html").mkdir()
    usage_error(invoke("explore", "--example", "padhai-4-4-2"),
                "padhai-4-4-2.html: padhai-4-4-2.html is a folder; name another page with -o FILE.html")
    assert fake_page == []


@pytest.mark.parametrize("name, ok", [("p.html", True), ("P.HTM", True), ("p.svg", False), ("p", False)])
def test_o_must_be_an_html_page(here, fake_page, name, ok):
    result = invoke("explore", "--example", "padhai-4-4-2", "-o", name)
    if ok:
        assert result.exit_code == 0 and (here / name).exists()
    else:
        usage_error(result, f"Invalid value for -o: '{name}' must end in .html (or .htm)")
        assert fake_page == []


def test_options_reach_the_page(here, fake_page):
    invoke("explore", "--example", "mazur-2-2-2", "-o", "m.html", "-w", "w5", "-w", "w1", "--max-paths", "2",
           "--precision", "3", "--notation", "padhai", "--lr", "0.1", expect=0)
    assert fake_page == [("Mazur 2-2-2", ("w5", "w1"), {"max_paths": 2, "precision": 3, "notation": "padhai",
                                                        "learning_rate": 0.1, "stem": "m"})]


@pytest.mark.parametrize("extra, message", [
    (["--lr", "0.1"], "--lr means something for a network, not for an expression"),
    (["-w", "x"], "--weight means something for a network, not for an expression (every input of an expression "
                  "is on its page)"),
    (["--notation", "padhai"], "--notation means something for a network, not for an expression"),
])
def test_a_networks_options_are_refused_for_an_expression(here, fake_page, extra, message):
    usage_error(invoke("explore", "--example", "cs231n-circuit", "-o", "c.html", *extra), message)
    assert fake_page == [] and not (here / "c.html").exists()


def test_max_paths_range(here, fake_page):
    assert "Invalid value for '--max-paths'" in invoke("explore", "--example", "padhai-4-4-2", "--max-paths", "0",
                                                       expect=2).stderr


def test_a_real_page_for_an_example(here):
    result = invoke("explore", "--example", "mazur-2-2-2", "-o", "m.html", expect=0)
    size = (here / "m.html").stat().st_size
    assert result.stdout == f"wrote m.html: {size / 1000:.0f} kB; open it in a browser\n"
