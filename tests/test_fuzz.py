"""Fuzzing: mutated specs and answers files give a correct result or exit 2 with located
messages; never a traceback, never a hang, never output on stdout before an error.

Default: a short run. A long one: pytest tests/test_fuzz.py --fuzz-examples 5000
"""
import json
import re
import tempfile
from pathlib import Path

import pytest
from conftest import SPECS, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SPEC_TEXTS = [p.read_bytes() for p in sorted(SPECS.glob("*.yaml"))] + [  # and one with an optimiser's state and L2
    b"inputs: [[0.05, 0.10], [1, -1]]\ntargets: [[0.01, 0.99], [1, 0]]\nloss: mse\nlearning_rate: 0.5\n"
    b"optimizer: {name: adam, beta1: 0.8, eps: 1e-8}\nl2: 0.01\nlayers:\n  - activation: sigmoid\n"
    b"    weights: [[0.15, 0.20], [0.25, 0.30]]\n    biases: {shared: 0.35}\n  - activation: softmax\n"
    b"    weights: [[0.40, 0.45], [0.50, 0.55]]\nfrozen: [w111]\n"
    b"optimizer_state:\n  step: 2\n  w112: {m: 0.01, v: 0.0001}\n  b1: {m: -0.5, v: 2}\n"]
ANSWERS_TEXT = (b"spec: net.yaml\ntolerance: {abs: 0.01}\nanswers:\n  loss: 0.1055\n  a12: 0.8022\n"
                b"  dL/dz21: -0.1625\n  dL/dw212: -0.0652\n  w212_new: 0.9304\n")
TOKENS = ["yes", ".nan", "1e400", "[", "]", "{", "}", ": ", "- ", "&a ", "*a", "!!python/object:os.system ",
          "\t", "\x00", "010", "-", "[[1, 2], [3]]", "{file: x.npy}", "softmax", "relu", "leaky_relu", "0",
          "1e-300", "1e300", "-1e300", "inputs", "targets", "network:", "w999", "dL/d", "_new", "[7]", "\n",
          "  ", "#", "'", '"', "\xff", "ŷ", "\u2028", "|", ">",
          # what an attacker writes: deep nesting, huge numbers, paths out, workflow commands
          "[" * 200, "- " * 200, "9" * 500, "0x" + "f" * 300, "1e999", "/etc/passwd", "../", "::error::x",
          "##[", "spec: /etc/passwd\n", "{file: /proc/self/environ}", "\r",
          # round three: a command after leading white space, a CR before a formula, XML's forbidden characters
          " ::error::x", "\u00a0::stop-commands::y", "\u3000::x", "\r=cmd|' -C calc'!A0", "\ufffe", "\uffff",
          # the textbook keys
          "none", "{shared: 0.5}", "{shared: [1]}", "layout: from_to\n", "layout: ", "frozen: [w1, b1]\n",
          "frozen: biases\n", "names: {w5: w211, x0: x1}\n", "names: {x1: x2}\n", "output_gradient: [1, 2]\n",
          "loss: none\n", "E_total", "dE_total/dw5",
          # expressions
          "expression: ", "at: {x: 1}\n", "exp(", "log(-1)", "x^", "**", "max(x)", "__import__('os')", "eval(",
          "lambda", "1/0", "sqrt(0)", "(" * 150, "x.real", "h1 = ", "e^1000", "relu(0)",
          # convolution and pooling (section 9)
          "type: conv2d", "type: conv1d", "type: maxpool2d", "type: avgpool1d", "type: dense", "stride: 0",
          "stride: 16", "padding: 15", "padding: -1", "size: 17", "size: 1", "[[[[1]]]]", "[[[1, 2]]]",
          "  - {type: maxpool2d, size: 2}\n", "  - {type: conv2d, weights: [[[[1]]]]}\n", "w1_1_1_1_1", "x_1_1",
          # training (section 10): optimisers, their state, L2, and the quantities they bring
          "optimizer: adam\n", "optimizer: {name: rmsprop, alpha: 2}\n", "optimizer: {name: nesterov, beta: 0}\n",
          "optimizer_state: {step: 2, w111: {m: 1, v: -1}}\n", "optimizer_state: {step: 1e400}\n", "l2: 0.5\n",
          "l2: -1\n", "m_w111", "velocity_", "Δw111", "delta_", "_after3", "_after999999", "loss_after2",
          "dyhat1/dz21", "dz11/dyhat1"]
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: \S")

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("duplicate"), st.integers(0, 200), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from(TOKENS)),
    st.tuples(st.just("retype"), st.integers(0, 200), st.sampled_from(TOKENS)),
    st.tuples(st.just("reshape"), st.integers(0, 200), st.just(0)),
    st.tuples(st.just("bytes"), st.integers(0, 10_000), st.binary(min_size=1, max_size=8)),
)


def mutate(data: bytes, ops) -> bytes:
    for op, where, what in ops:
        if op == "delete":
            at = where % (len(data) + 1)
            data = data[:at] + data[at + what:]
        elif op == "duplicate":
            lines = data.split(b"\n")
            i = where % len(lines)
            data = b"\n".join(lines[:i + 1] + lines[i:])
        elif op == "insert":
            at = where % (len(data) + 1)
            data = data[:at] + what.encode("utf-8") + data[at:]
        elif op == "retype":  # replace the n-th number with another kind of thing
            numbers = list(re.finditer(rb"-?\d+(\.\d+)?", data))
            if numbers:
                m = numbers[where % len(numbers)]
                data = data[:m.start()] + what.encode("utf-8") + data[m.end():]
        elif op == "reshape":  # drop one element of one flow list
            items = list(re.finditer(rb", ?-?[\d.]+(?=[,\]])", data))
            if items:
                m = items[where % len(items)]
                data = data[:m.start()] + data[m.end():]
        else:
            at = where % (len(data) + 1)
            data = data[:at] + what + data[at:]
    return data


def assert_clean_outcome(result, allowed_codes):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed_codes, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines, "exit 2 without a message"
        for line in lines:
            assert LOCATED.match(line) or line.startswith(("  hint: ", "Error: ", "Usage: ", "Try ")) or not line, line
    return result


def fuzz_settings(fuzz_examples):
    return settings(max_examples=fuzz_examples, deadline=5000, derandomize=fuzz_examples <= 150,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.slow
def test_mutated_specs(fuzz_examples):
    @fuzz_settings(fuzz_examples)
    @given(base=st.sampled_from(SPEC_TEXTS), ops=st.lists(mutation, min_size=1, max_size=4))
    def run(base, ops):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "net.yaml"
            path.write_bytes(mutate(base, ops))
            result = assert_clean_outcome(invoke("grad", str(path), "--format", "json"), {0, 2})
            if result.exit_code == 0:
                data = json.loads(result.stdout)  # a network's parameters, or an expression's inputs
                assert all(isinstance(p["gradient"], float) for p in data.get("parameters", data.get("inputs")))
            else:
                assert result.stdout == ""  # nothing on stdout before (or instead of) an error
    run()


@pytest.mark.slow
def test_mutated_answers_files(fuzz_examples):
    @fuzz_settings(fuzz_examples)
    @given(ops=st.lists(mutation, min_size=1, max_size=3))
    def run(ops):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "net.yaml").write_bytes((SPECS / "padhai-4-4-2.yaml").read_bytes())
            path = Path(tmp) / "answers.yaml"
            path.write_bytes(mutate(ANSWERS_TEXT, ops))
            result = assert_clean_outcome(invoke("check", str(path), "--format", "json"), {0, 1, 2})
            data = json.loads(result.stdout)  # check always reports, even when a file is invalid
            graded = sum(r["verdict"] != "not_graded" for f in data["files"] for r in f["results"])
            assert data["passed"] + data["failed"] == graded  # an unknown quantity is not graded at all
    run()


@pytest.mark.slow
def test_mutated_specs_through_trace_and_step(fuzz_examples):
    @fuzz_settings(max(20, fuzz_examples // 5))
    @given(base=st.sampled_from(SPEC_TEXTS), ops=st.lists(mutation, min_size=1, max_size=3))
    def run(base, ops):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "net.yaml"
            path.write_bytes(mutate(base, ops))
            assert_clean_outcome(invoke("trace", str(path), "--max-paths", "2"), {0, 2})
            result = assert_clean_outcome(invoke("step", str(path), "-o", str(Path(tmp) / "o.yaml")),
                                          {0, 2})  # an expression has nothing to step: exit 2
            if result.exit_code == 0:  # what step writes loads again
                assert invoke("grad", str(Path(tmp) / "o.yaml")).exit_code == 0
    run()


# a student's folder name, as a shell's glob hands it over: each piece one an attacker would try
FOLDER_PIECES = [b"alice", b"::error::x", b" ::x", "\u00a0::stop-commands::y".encode(), "\u3000::x".encode(), b"##[x",
                 b"\r=cmd|' -C calc'!A0", b"=1+1", b"+1", b"@x", b"-x", "\ufffe\uffff".encode(), b"\xff\xfe", b"\t",
                 b"[a](http://x)", b"<b>", b"|", b"`", b"\x1b[2J", b"%0A", b"\\"]


@pytest.mark.slow
def test_hostile_folder_names_in_a_class(fuzz_examples):
    """A class graded with every report written, its students' folders named by an attacker: every
    report is written and well formed, no line is a workflow command, no gradebook cell a formula."""
    import contextlib
    import csv
    import io
    import os
    from xml.etree import ElementTree as ET

    @fuzz_settings(max(10, fuzz_examples // 10))
    @given(names=st.lists(st.lists(st.sampled_from(FOLDER_PIECES), min_size=1, max_size=3).map(b"".join),
                          min_size=1, max_size=3, unique=True))
    def run(names):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "net.yaml").write_bytes((SPECS / "padhai-4-4-2.yaml").read_bytes())
            (root / "hw.yaml").write_text("title: t\nspec: net.yaml\nquestions:\n  - {quantity: a12, points: 1}\n")
            paths = []
            for name in names:
                folder = os.path.join(os.fsencode(tmp), name.replace(b"/", b"_"))
                os.mkdir(folder)
                with open(os.path.join(folder, b"answers.yaml"), "wb") as handle:
                    handle.write(b"answers:\n  a12: 0.5\n")
                paths.append(os.fsdecode(os.path.join(name.replace(b"/", b"_"), b"answers.yaml")))
            summary = root / "summary.md"
            with contextlib.chdir(tmp):  # relative paths, as a glob gives them: a folder's name starts a line
                result = invoke("check", "--assignment", "hw.yaml", "--junit", "j.xml", "--gradebook", "g.csv",
                                "--", *paths, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
            # (not assert_clean_outcome: a located line's file name holds the folder's own colons)
            assert result.exit_code in (1, 2) and "Traceback" not in result.stderr, (result.exit_code, result.stderr)
            assert "Internal error" not in result.stderr
            for line in (result.stdout + result.stderr + summary.read_text(encoding="utf-8")).splitlines():
                assert not line.lstrip().startswith("::") or line.startswith("::error file="), line
                assert "##[" not in line, line
            ET.fromstring((root / "j.xml").read_text(encoding="utf-8").split("\n", 1)[1])  # well-formed XML
            rows = list(csv.reader(io.StringIO((root / "g.csv").read_bytes().decode("utf-8"), newline="")))
            assert all(len(row) == len(rows[0]) for row in rows)  # no cell split by a line break
            assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    run()


def test_a_device_or_fifo_is_never_an_output(tmp_path):
    os = __import__("os")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "net.yaml").write_bytes((SPECS / "padhai-4-4-2.yaml").read_bytes())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.1055\n")
    targets = [tmp_path / "fifo"]
    if os.geteuid() == 0:  # a device of our own: on a build with the defect, /dev/null itself would go
        os.mknod(tmp_path / "null", 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 3))
        targets.append(tmp_path / "null")
    for target in targets:
        for args in (["check", tmp_path / "a.yaml", "--junit", target],
                     ["explore", tmp_path / "net.yaml", "-o", target],
                     ["step", tmp_path / "net.yaml", "-o", target, "--force"],
                     ["train", tmp_path / "net.yaml", "--epochs", "1", "--log", target]):
            result = invoke(*args)
            assert result.exit_code == 2 and "not a regular file" in result.stderr, (args, result.stderr)
    assert (tmp_path / "fifo").exists() and not (tmp_path / "fifo").is_file()
