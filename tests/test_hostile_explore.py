"""Hostile specs against the live explorer page (issue 26): what Download saves reads back in the
CLI to the values shown, and Step that diverges keeps the page's values consistent. One browser
(conftest's session fixture), one page load a test."""
import os
from pathlib import Path

import pytest
from conftest import invoke
from test_explore import CHROMIUM, open_page

from backprop_cli import load_spec

pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it)")
CORPUS = Path(__file__).resolve().parent / "corpus" / "explore"
YAML = "() => document.querySelector('.backprop-explore').backpropYaml()"


@pytest.mark.slow
def test_a_name_with_characters_yaml_refuses_or_folds_downloads_as_it_reads(browser, tmp_path):
    """DEL, C1 controls, U+0085/U+2028/U+2029 (YAML line breaks) and U+FFFE in `name:` and
    `description:` were written raw into the downloaded YAML: refused by the CLI, or folded to a space."""
    spec = CORPUS / "control-characters-in-name.yaml"
    out = tmp_path / "page.html"
    invoke("explore", spec, "-o", out, expect=0)
    page, problems = open_page(browser, out)
    saved = tmp_path / "saved.yaml"
    saved.write_text(page.evaluate(YAML), encoding="utf-8")
    page.close()
    assert problems == []
    original, again = load_spec(str(spec)), load_spec(str(saved))
    assert (again.name, again.description) == (original.name, original.description)
    invoke("trace", saved, expect=0)


@pytest.mark.slow
def test_a_step_that_overflows_is_refused_and_keeps_the_values_shown(browser, tmp_path):
    """Step at η = 1e200 overflowed the loss: the page kept the old loss while showing the new
    weights (`one update applied: L = 0.5`), and Download saved a spec the CLI refuses."""
    spec = CORPUS / "step-overflows.yaml"
    out = tmp_path / "page.html"
    invoke("explore", spec, "-o", out, expect=0)
    page, problems = open_page(browser, out)
    page.click("#step")
    status, loss = page.inner_text("#status"), page.inner_text("#loss")
    weight = page.input_value("input[data-edit=w111]")
    saved = tmp_path / "saved.yaml"
    saved.write_text(page.evaluate(YAML), encoding="utf-8")
    page.close()
    assert problems == []
    assert status.startswith("Step refused") and (loss, weight) == ("0.5", "1")
    traced = invoke("trace", saved, expect=0).output
    assert any(line.startswith("Loss") and line.endswith("= 0.5") for line in traced.splitlines())


def test_a_spec_named_like_a_page_is_not_written_over(tmp_path):
    """`explore spec.html -o spec.html` (or by default, or through a link) replaced the spec it read
    with the page: section 8 refuses an output path that is one of the run's inputs."""
    spec = tmp_path / "spec.html"
    spec.write_text((CORPUS / "step-overflows.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = spec.read_bytes()
    (tmp_path / "link.html").symlink_to(spec)
    for page in (spec, tmp_path / "link.html"):
        result = invoke("explore", spec, "-o", page, expect=2)
        assert "is the spec itself; write elsewhere" in result.stderr and "Traceback" not in result.output
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("explore", "spec.html", expect=2)  # the default page name, spec.html, is the spec itself
        assert "spec.html, the page's default name, is the spec itself; name the page with -o" in result.stderr
    finally:
        os.chdir(here)
    assert spec.read_bytes() == before


def test_a_network_too_large_for_a_live_page_is_refused_before_writing(tmp_path):
    """400-400-2 (160,000 weights from .npy files, a valid spec) wrote a 48 MB page with a field per
    weight, which no browser opens usably; 4,000,000 parameters would have made a page of 1.2 GB."""
    import numpy as np

    np.save(tmp_path / "w1.npy", np.full((120, 100), 0.01))
    spec = tmp_path / "big.yaml"
    spec.write_text("input: {file: x.npy}\ntarget: [1]\nloss: half_squared_error\nlayers:\n"
                    "  - activation: sigmoid\n    weights: {file: w1.npy}\n    biases: 0\n"
                    "  - activation: sigmoid\n    weights: {file: w2.npy}\n    biases: 0\n", encoding="utf-8")
    np.save(tmp_path / "x.npy", np.full(100, 0.5))
    np.save(tmp_path / "w2.npy", np.full((1, 120), 0.01))
    result = invoke("explore", spec, "-o", tmp_path / "big.html", expect=2)
    assert "too many values to show: 12,342" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "big.html").exists()


def test_an_expression_too_large_for_one_page_is_refused_before_writing(tmp_path):
    """`x*1+x*2+...+x*5999` (a valid 41 kB expression, 11,998 names) wrote a page of 11.8 MB, every
    name drawn, tabulated and stepped through; the text may hold 50,000 nodes."""
    spec = tmp_path / "long.yaml"
    spec.write_text('expression: "' + "+".join(f"x*{i}" for i in range(1, 1100)) + '"\nat: {x: 0.5}\n',
                    encoding="utf-8")
    result = invoke("explore", spec, "-o", tmp_path / "long.html", expect=2)
    assert "the expression has 2,198 names, too many" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "long.html").exists()


@pytest.mark.slow
def test_a_notebook_view_of_a_spec_named_like_an_attribute_works(browser, tmp_path):
    """`name: "Net for="`: a notebook's view suffixed ids with a regular expression over its whole
    text, the embedded JSON included, so `"title":"Net for=","description"` became
    `"Net for=",-v1"description"`: the view's script failed on its JSON and nothing worked."""
    from backprop_cli.api.computing import explore_html

    spec = load_spec(str(CORPUS / "name-ending-in-for-equals.yaml"))
    views = [explore_html(spec, fragment=True), explore_html(spec, fragment=True)]
    notebook = tmp_path / "notebook.html"
    notebook.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head><body>"
                        + "".join(views) + "</body></html>", encoding="utf-8")
    page, problems = open_page(browser, notebook)
    first, second = page.locator(".backprop-explore").nth(0), page.locator(".backprop-explore").nth(1)
    first.locator('input[data-edit="x1"]').fill("2")
    first.locator('input[data-edit="x1"]').dispatch_event("change")
    shown = [view.get_attribute("data-ready") for view in (first, second)]
    losses = [view.locator("[data-role=loss]").text_content() for view in (first, second)]
    page.close()
    assert problems == [] and shown == ["true", "true"]
    assert losses == ["2", "0.5"]  # ½(1·2 − 0)², the second view untouched
