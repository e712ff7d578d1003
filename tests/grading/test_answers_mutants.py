"""grading.answers, the cases the mutation run found untested: the tolerance at its very edge, an
expression file that also names a network, the problems of the file and of its expression told
together, and the hints for a value nearly a number and a quantity nearly a known one."""
import pytest

from backprop_cli.errors import SpecError
from backprop_cli.grading.answers import AnswersReader, Tolerance

from . import _tiny as t


def test_a_zero_tolerance_allows_the_exact_value_alone():
    assert Tolerance(absolute=0.0).allows(0.5, 0.5, None)
    assert not Tolerance(absolute=0.0).allows(0.5000001, 0.5, None)
    assert Tolerance(relative=0.0).allows(-2.0, -2.0, 3)
    # a value written with so many decimals that half a unit underflows to 0: an exact 0 is still 0
    assert Tolerance().allows(0.0, 0.0, 400)


def test_the_default_rule_allows_the_float_noise_of_a_large_value():
    # 1e6 + 0.5000005 is half a unit off at 0 decimals, plus 5e-7: within 1e-12 of 1e6 relative slack (1e-6)
    assert Tolerance().allows(1e6 + 0.5000005, 1e6, 0)
    assert not Tolerance().allows(1e6 + 0.500002, 1e6, 0)


def refusal(tmp_path, text: str) -> SpecError:
    t.folder(tmp_path)
    (tmp_path / "answers.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        AnswersReader().read(str(tmp_path / "answers.yaml"))
    return info.value


def test_an_expression_file_may_not_name_an_inline_network(tmp_path):
    error = refusal(tmp_path, "network:\n  input: [1]\nexpression: x\nat: {x: 1}\nanswers:\n  x: 1\n")
    assert [(p.line, p.column, p.message, p.hint) for p in error.problems] == [
        (3, 1, "give `expression:` or a network (`spec:`/`network:`), not both",
         "an answers file is about one of them")]


def test_the_files_own_problems_come_with_its_expressions(tmp_path):
    error = refusal(tmp_path, "tolerance: {abs: -1}\nexpression: x +\nat: {x: 1}\nanswers:\n  x: 1\n")
    assert [(p.line, p.column, p.message) for p in error.problems] == [
        (1, 18, "the abs tolerance must be a number ≥ 0"), (2, 16, "the formula ends too early")]
    assert error.problems[0].hint == "write `tolerance: {abs: 0.005}` or `tolerance: {rel: 0.01}`"


def hints(tmp_path, answers: dict) -> dict:
    path = t.answers_file(tmp_path, answers)
    _, _, _, refused, _, _ = AnswersReader().read_all(path)
    return {r.key: r.hint for r in refused}


def test_the_hints_for_values_nearly_numbers(tmp_path):
    said = hints(tmp_path, {"a11": "1,5", "a12": "-12,25", "z11": "15 %", "z12": "+2.5%", "x1": "abc"})
    assert said["a11"] == "not a number: '1,5'; write 1.5: a point marks decimals"
    assert said["a12"] == "not a number: '-12,25'; write -12.25: a point marks decimals"
    assert said["z11"] == "not a number: '15 %'; write the number itself, 0.15, not a percentage"
    assert said["z12"] == "not a number: '+2.5%'; write the number itself, 0.025, not a percentage"
    assert said["x1"] == "not a number: 'abc'; write a number such as -0.130 or 1.3e-2"


def test_a_number_in_quotes_is_told_to_lose_them(tmp_path):
    said = hints(tmp_path, {"a11": '"-0.0282"', "a12": "'1e-3'"})
    assert said["a11"] == "not a number: '-0.0282'; write -0.0282 without quotes: in quotes it is text"
    assert said["a12"] == "not a number: '1e-3'; write 1e-3 without quotes: in quotes it is text"



def test_a_typographic_minus_or_full_width_digits_are_told_apart_from_a_word(tmp_path):
    # a word processor's minus (U+2212), an en dash, full-width digits: each nearly a number
    plain = "in plain characters (-, +, 0-9): a word processor's − or ０ is another one"
    said = hints(tmp_path, {"a11": "\u22120.5987", "a12": '"\u20130.6225"', "z11": "\uff10.\uff14",
                            "z12": "\uff11e\u22123", "x1": "'\u0660.5'", "x2": "''"})
    assert said["a11"] == f"not a number: '\u22120.5987'; write -0.5987 {plain}"
    assert said["a12"] == f"not a number: '\u20130.6225'; write -0.6225 {plain}"
    assert said["z11"] == f"not a number: '\uff10.\uff14'; write 0.4 {plain}"
    assert said["z12"] == f"not a number: '\uff11e\u22123'; write 1e-3 {plain}"
    # an Arabic-Indic zero is no ASCII digit either: not told to lose its quotes as if it were a number
    assert said["x1"] == "not a number: '\u0660.5'; write a number such as -0.130 or 1.3e-2"
    assert said["x2"] == "not a number: an empty text (''); write a number such as -0.130 or 1.3e-2"
    # with a decimal comma or a percent sign too: both said
    said = hints(tmp_path, {"a11": '"\u22121,004"', "a12": "\uff11\uff15 %"})
    assert said["a11"] == f"not a number: '\u22121,004'; write -1.004: a point marks decimals; and {plain}"
    assert said["a12"] == "not a number: '\uff11\uff15 %'; write the number itself, 0.15, not a percentage"


def test_a_known_quantity_with_the_wrong_sample_is_told_what_to_write_not_the_nearest_spelling(tmp_path):
    # on a batch of 2, w211[3] is the parameter w211 (one value for the batch), not the spelling-near w213
    batch = t.SPEC.replace("input: [1.0, 0.5]\ntarget: [1.0]\n", "inputs: [[1.0, 0.5], [0.2, -0.4]]\n"
                           "targets: [[1.0], [0.0]]\n")
    path = t.answers_file(tmp_path, {"w211[3]": "0.5", "a11[5]": "0.5", "a11": "0.5", "w2111": "0.5"})
    (tmp_path / "net.yaml").write_text(batch, encoding="utf-8")
    said = {r.key: r.hint for r in AnswersReader().read_all(path)[3]}
    assert said["w211[3]"] == "'w211[3]': a parameter has one value for the whole batch; write w211"
    assert said["a11[5]"] == "'a11[5]': there is no sample 5; samples are 1..2"
    assert said["a11"] == "'a11': the spec is a batch of 2 samples; name the sample: a11[1] .. a11[2]"
    assert said["w2111"].endswith("did you mean 'w211'?")  # a name the network lacks: the nearest


def test_a_minus_sign_with_a_space_after_it_on_the_next_line_is_told_it_makes_a_list(tmp_path):
    path = t.answers_file(tmp_path, {"a11": "", "a12": "[0.5]", "z11": ""})
    text = (tmp_path / "answers.yaml").read_text(encoding="utf-8").replace("  a11: \n", "  a11:\n  - 0.0822\n")
    (tmp_path / "answers.yaml").write_text(text.replace("  z11: \n", "  z11:\n  - -0.02\n"), encoding="utf-8")
    said = {r.key: r.hint for r in AnswersReader().read_all(path)[3]}
    assert said["a11"] == ("not a number: a list; '- ' starts a list: write the number itself, with no space after "
                           "a minus sign (-0.0822)")
    assert said["z11"].endswith("(-0.02)")
    assert said["a12"] == "not a number: a list; write a number such as -0.130 or 1.3e-2"  # [0.5]: no minus sign

def test_a_sample_named_on_a_single_sample_is_told_there_is_one(tmp_path):
    said = hints(tmp_path, {"a11[2]": "0.5", "w211[1]": "0.5"})
    assert said["a11[2]"] == "'a11[2]': there is no sample 2; the spec has one sample: write a11"
    assert said["w211[1]"] == "'w211[1]': a parameter has one value, not one per sample; write w211"


def test_a_hint_never_writes_back_more_of_a_value_than_a_message_may_quote(tmp_path):
    # a hint writes the value back ("write -0.5987"): past 60 characters it would carry a student's
    # 3,000 digits into every report; such a value gets the general hint (and costs its length to read:
    # each pattern reads a run of digits one way only)
    said = hints(tmp_path, {"a11": "\u2212" + "1" * 3000, "a12": "9" * 80_000 + "x", "z11": "9" * 500 + "%",
                            "z12": "\u2212" + "1" * 59})
    general = "write a number such as -0.130 or 1.3e-2"
    assert said["a11"].endswith(general) and said["a12"].endswith(general) and said["z11"].endswith(general)
    assert len(said["a11"]) < 200 and "inf" not in said["z11"]
    assert said["z12"].endswith("write -" + "1" * 59 + " in plain characters (-, +, 0-9): a word processor's − or "
                                "０ is another one")


def test_a_repeated_answer_is_checked_as_any_value_and_an_unknown_ones_repeat_is_no_second_answer(tmp_path):
    # a repeat is no way past the reader's checks: a tag in it refuses the file as in a first answer
    path = t.answers_file(tmp_path, {"a11": "0.6"})
    with open(path, "a", encoding="utf-8") as f:
        f.write("  a11: !!python/object/apply:os.system [echo]\n")
    with pytest.raises(SpecError) as info:
        AnswersReader().read_all(path)
    assert "YAML tags such as '!!python/object/apply:os.system' are not allowed" in str(info.value)
    # an unknown quantity given twice: not graded (once), never "answered already"
    path = t.answers_file(tmp_path, {"bogus": "1", "a11": "0.6"})
    with open(path, "a", encoding="utf-8") as f:
        f.write("  bogus: 2\n")
    said = [(r.key, r.verdict, r.again) for r in AnswersReader().read_all(path)[3]]
    assert said == [("bogus", "not_graded", False)]


def test_a_node_on_a_batch_is_suggested_with_a_sample(tmp_path):
    batch = t.SPEC.replace("input: [1.0, 0.5]\ntarget: [1.0]\n", "inputs: [[1.0, 0.5], [0.2, -0.4]]\n"
                           "targets: [[1.0], [0.0]]\n")
    path = t.answers_file(tmp_path, {"a11[-1]": "0.5", "a11 [2]": "0.5"})
    (tmp_path / "net.yaml").write_text(batch, encoding="utf-8")
    said = {r.key: r.hint for r in AnswersReader().read_all(path)[3]}
    assert said["a11[-1]"].endswith("did you mean 'a11[1]'?") and said["a11 [2]"].endswith("did you mean 'a11[2]'?")

def test_the_hints_for_quantities_nearly_known_ones(tmp_path):
    said = hints(tmp_path, {"los": "0.5", "dL/dw2111": "0.1", "w1111_new": "0.1", "zzzzzz": "1"})
    assert said["los"] == "unknown quantity 'los'; did you mean 'loss'?"
    assert said["dL/dw2111"].endswith("; did you mean 'dL/dw211'?")
    assert said["w1111_new"].endswith("; did you mean 'w111_new'?")
    # nothing near: the general hint, never an empty or a made-up suggestion
    assert said["zzzzzz"] == ("unknown quantity 'zzzzzz'; write loss, a node (x1, z21, a12, yhat1), a parameter "
                              "(w212, b21), dL/d<name> or <parameter>_new, e.g. dL/dw212 or w212_new")


def test_the_hints_for_an_expressions_names(tmp_path):
    (tmp_path / "e.yaml").write_text("expression: |\n  q = x + y\n  f = q * z\nat: {x: 1, y: 2, z: 3}\n"
                                     "answers:\n  dfdx: 1\n  qq: 3\n  r: 1\n", encoding="utf-8")
    _, _, _, refused, _, _ = AnswersReader().read_all(str(tmp_path / "e.yaml"))
    said = {r.key: r.hint for r in refused}
    assert said["dfdx"].endswith("; did you mean 'df/dx'?")
    assert said["qq"].endswith("; did you mean 'q'?")
    assert said["r"] == ("the expression has no 'r' (its names: x, y, q, z, f); write a name (a value) or "
                         "df/d<name> (a derivative)")


def wide(n_in: int, n_out: int) -> str:
    weights = "[" + ", ".join("[" + ", ".join(["0.01"] * n_in) + "]" for _ in range(n_out)) + "]"
    return (f"input: [{', '.join(['0.5'] * n_in)}]\ntarget: [{', '.join(['0.0'] * n_out)}]\nloss: squared_error\n"
            f"learning_rate: 0.1\nlayers:\n  - activation: linear\n    weights: {weights}\n"
            f"    biases: [{', '.join(['0.0'] * n_out)}]\n")


@pytest.mark.parametrize("n_in, n_out, suggested", [
    (99, 5, "dL/dw1_5_99"),  # 99·5 + 5 = 500 parameters: still offered
    (166, 3, None),  # 166·3 + 3 = 501: too many to offer
])
def test_parameters_are_suggested_up_to_500_of_them(tmp_path, n_in, n_out, suggested):
    (tmp_path / "net.yaml").write_text(wide(n_in, n_out), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw1_3_999: 1\n  dL/dw1_5_999: 1\n",
                                     encoding="utf-8")
    _, result, _, refused, _, _ = AnswersReader().read_all(str(tmp_path / "a.yaml"))
    assert len(result.parameters()) == n_in * n_out + n_out
    hint = {r.key: r.hint for r in refused}["dL/dw1_5_999" if n_out == 5 else "dL/dw1_3_999"]
    if suggested:
        assert hint.endswith(f"did you mean '{suggested}'?")
    else:
        assert "did you mean 'dL/dw" not in hint


def test_the_spec_of_an_answers_file_reads_no_matrix_outside_its_folder(tmp_path):
    import numpy as np

    (tmp_path / "sub").mkdir()
    np.save(tmp_path / "w.npy", np.array([[0.4, -0.2]]))
    (tmp_path / "sub" / "net.yaml").write_text(
        "input: [1.0, 0.5]\ntarget: [1.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
        "  - activation: linear\n    weights: {file: ../w.npy}\n    biases: [0.1]\n", encoding="utf-8")
    (tmp_path / "sub" / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 1\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        AnswersReader().read(str(tmp_path / "sub" / "a.yaml"))
    [problem] = info.value.problems
    assert problem.file == str(tmp_path / "sub" / "net.yaml")  # named as the answers file's folder reaches it
    assert (problem.line, problem.column) == (7, 21)
    assert problem.message.startswith("cannot read '../w.npy': the file is outside the folder")


def test_an_inline_network_must_be_a_mapping(tmp_path):
    error = refusal(tmp_path, "network: 3\nanswers:\n  loss: 1\n")
    assert [(p.message, p.hint) for p in error.problems] == [
        ("`network:` must hold a spec mapping", "indent the spec under it")]


def test_a_spec_beside_a_relatively_named_answers_file_is_named_relatively(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "net.yaml").write_text("input: [1.0]\ntarget: [1.0]\nloss: squared_error\n"
                                               "learning_rate: 0.5\nlayers: 3\n", encoding="utf-8")
    (tmp_path / "sub" / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as info:
        AnswersReader().read("sub/a.yaml")
    assert {p.file for p in info.value.problems} == {"sub/net.yaml"}


def test_a_misspelt_answers_key_is_said_once(tmp_path):
    error = refusal(tmp_path, "spec: net.yaml\nanswer:\n  loss: 1\n")
    assert [p.message for p in error.problems] == ["unknown key 'answer'"]


@pytest.mark.parametrize("name", ["''", "3", "[net.yaml]"])
def test_a_spec_that_is_no_file_name_is_refused(tmp_path, name):
    error = refusal(tmp_path, f"spec: {name}\nanswers:\n  loss: 1\n")
    assert [(p.line, p.message, p.hint) for p in error.problems] == [
        (1, "`spec:` must be a file name", "write `spec: net.yaml`")]


def test_a_quantity_answered_twice_in_two_spellings_is_refused_where_it_is_read_alone(tmp_path):
    # a11 and a1_1 are one quantity: a file read on its own (no grading) refuses the second
    error = refusal(tmp_path, "spec: net.yaml\nanswers:\n  a11: 0.6\n  a1_1: 0.7\n")
    assert [(p.line, p.message, p.hint) for p in error.problems] == [
        (4, "a1_1 is answered already, on line 3: only that answer is graded", "give each quantity one answer")]


def test_a_quantity_answered_twice_is_graded_once_and_the_second_not_graded(tmp_path):
    import backprop_cli

    a11 = f"{t.A11:.4f}"
    run = backprop_cli.check([t.answers_file(tmp_path, {"a11": a11, "a1_1": "0.9"})])
    (graded,) = run.files
    assert [(o.answer.quantity.text, o.verdict) for o in graded.outcomes] == [("a11", "right")]
    assert [(r.key, r.verdict, r.line) for r in graded.refused] == [("a1_1", "not_graded", 4)]
    assert "answered already, on line 3" in graded.refused[0].hint



def test_a_key_written_twice_is_graded_once_and_the_second_not_graded(tmp_path):
    # the very key again: the YAML reader keeps the first, and the file's other answers are graded
    import backprop_cli

    path = t.answers_file(tmp_path, {"a12": f"{t.A12:.4f}"})
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"  a11: {t.A11:.4f}\n  a11: 0.9\n")
    (graded,) = backprop_cli.check([path]).files
    assert [(o.answer.quantity.text, o.verdict) for o in graded.outcomes] == [("a12", "right"), ("a11", "right")]
    assert [(r.key, r.verdict, r.line, r.written) for r in graded.refused] == [("a11", "not_graded", 5, "0.9")]
    assert "a11 is answered already, on line 4: only that answer is graded" in graded.refused[0].hint
    # read alone (no grading), it is the file's problem, as any repeated key of a spec is
    error = refusal(tmp_path, "spec: net.yaml\nanswers:\n  a11: 0.6\n  a11: 0.7\n")
    assert [(p.line, p.message) for p in error.problems] == [(4, "duplicate key 'a11'")]
