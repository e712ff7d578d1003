"""Every invalid input in tests/corpus/ is refused with exit 2 and exactly its expected, located
message; every answer that cannot be graded (tests/corpus/verdicts/) gets a verdict of its own,
located, with a hint, while the rest of its file is graded."""
import re

import pytest
from regenerate import TESTS, corpus_cases, run_case, verdict_cases

LOCATED = re.compile(r"^corpus/[\w./-]+\.yaml:\d+:\d+: \S")

CASES = list(corpus_cases())
VERDICTS = list(verdict_cases())


def test_the_corpus_holds_every_case_the_readme_counts():
    assert len(CASES) + len(VERDICTS) >= 100


@pytest.mark.parametrize("path", VERDICTS, ids=[str(p) for p in VERDICTS])
def test_an_answer_that_cannot_be_graded_gets_its_own_verdict(path):
    result = run_case("check", path)
    assert result.exit_code in (0, 1) and result.stderr == "" and "Traceback" not in result.output
    assert result.stdout == (TESTS / path).with_suffix(".expected").read_text(encoding="utf-8")
    notes = [line for line in result.stdout.splitlines()
             if re.match(r"  line \d+ .*: (unreadable: |not graded: |not answered$)", line)]
    assert notes and all(not line.lstrip().startswith("::") for line in result.stdout.splitlines())


@pytest.mark.parametrize("command, path", CASES, ids=[str(p) for _, p in CASES])
def test_invalid_input_is_refused_with_its_located_message(command, path):
    result = run_case(command, path)
    assert result.exit_code == 2
    if command == "grad":
        assert result.stdout == ""  # nothing half-written
    else:  # check still prints its summary line, which counts the invalid file
        assert result.stdout.strip().splitlines() == ["1 file: 0 right, 0 wrong, 1 invalid (see the messages above)"]
    expected = (TESTS / path).with_suffix(".expected").read_text(encoding="utf-8")
    assert result.stderr == expected
    lines = result.stderr.splitlines()
    assert lines and "Traceback" not in result.stderr
    for line in lines:
        assert LOCATED.match(line) or line.startswith("  hint: "), line
    assert any(line.startswith("  hint: ") for line in lines)  # says what to write instead
