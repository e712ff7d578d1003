"""The one place that maps a report and a format name to its renderer (as httpie's formatters):
commands never choose a reporter themselves. A renderer gives text (JSON, Markdown, LaTeX, CSV)
or a rich renderable (the terminal's text); `render` says which."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Rendered(NamedTuple):
    """A report as its format gives it: `text` to print as it is, or a rich `renderable`."""

    text: str | None = None
    renderable: Any = None
    lines: bool = False  # whole lines that must never be wrapped (CI logs, grep)


def _json(make: Callable) -> Callable:
    def render(report, _options: dict) -> Rendered:
        from .json import dumps

        return Rendered(dumps(make(report)))
    return render


def _grad_object(report):
    from .json import expression_grad_object, grad_object

    if report.kind == "expression":
        return expression_grad_object(report.computation)
    return grad_object(report.computation, report.names, report.inputs)


def _grad_text(report, options: dict) -> Rendered:
    if report.kind == "expression":
        from .expression import grad_text

        return Rendered(renderable=grad_text(report.computation, options["precision"]))
    from .text import grad_report

    return Rendered(renderable=grad_report(report.computation, report.rows, name=report.computation.title,
                                           precision=options["precision"], inputs=report.inputs))


def _trace(network: Callable, expression: Callable, text: bool = False) -> Callable:
    def render(report, options: dict) -> Rendered:
        if report.kind == "expression":
            out = expression(report.computation, report.traces, options["precision"])
        else:
            out = network(report, options["precision"], options.get("order", "backward"))
        return Rendered(renderable=out) if text else Rendered(out)
    return render


def _lazy(module: str, name: str) -> Callable:
    """A function of report.<module>, imported when a report of its format is asked for."""
    def call(*args, **kwargs):
        from importlib import import_module

        return getattr(import_module(f"{__package__}.{module}"), name)(*args, **kwargs)
    return call


def _trace_object(report):
    from .json import expression_trace_object, trace_object

    if report.kind == "expression":
        return expression_trace_object(report.computation, report.traces)
    return trace_object(report)


def _gradcheck_text(report, options: dict) -> Rendered:
    from .text import gradcheck_report

    return Rendered(renderable=gradcheck_report(report.checks, name=report.title, eps=report.eps, tol=report.tol,
                                                precision=options["precision"]))


def _training_text(report, options: dict) -> Rendered:
    from .training import training_report

    return Rendered(renderable=training_report(report.runs, report.title, report.until_loss, options["precision"]))


def _check_text(report, options: dict) -> Rendered:
    from .text import check_text

    return Rendered(renderable=check_text(report.files, len(report.invalid), options["precision"], options["quiet"]),
                    lines=options["quiet"])


def _class_text(report, options: dict) -> Rendered:
    from .grades import submissions_text, summary_text

    out = submissions_text(report.graded, len(report.invalid), options["precision"], options["quiet"],
                           report.feedback, report.strangers)
    if options.get("summary"):
        from rich.console import Group

        out = Group(out, summary_text(report.stats))
    return Rendered(renderable=out, lines=options["quiet"])


def _json_of(module: str, name: str, *fields: str) -> Callable:
    return _json(lambda report: _lazy(module, name)(*(getattr(report, f) for f in fields)))


# (the report's class name, format) -> renderer(report, options) -> Rendered
RENDERERS: dict[tuple[str, str], Callable[[Any, dict], Rendered]] = {
    ("Gradients", "text"): _grad_text,
    ("Gradients", "json"): _json(_grad_object),
    ("Trace", "text"): _trace(_lazy("text", "trace_report"), None, text=True),
    ("ExpressionTrace", "text"): _trace(None, _lazy("expression", "trace_text"), text=True),
    ("Trace", "json"): _json(_trace_object),
    ("ExpressionTrace", "json"): _json(_trace_object),
    ("Trace", "markdown"): _trace(_lazy("markdown", "trace_markdown"), None),
    ("ExpressionTrace", "markdown"): _trace(None, _lazy("expression", "trace_markdown")),
    ("Trace", "latex"): _trace(_lazy("latex", "trace_latex"), None),
    ("ExpressionTrace", "latex"): _trace(None, _lazy("expression", "trace_latex")),
    ("GradientCheck", "text"): _gradcheck_text,
    ("GradientCheck", "json"): _json_of("json", "gradcheck_object", "checks", "eps", "tol"),
    ("Training", "text"): _training_text,
    ("Training", "json"): _json_of("json", "training_object", "runs", "until_loss"),
    ("CheckRun", "text"): _check_text,
    ("CheckRun", "json"): _json_of("json", "check_object", "files", "invalid"),
    ("ClassRun", "text"): _class_text,
    ("ClassRun", "json"): _json_of("grades", "submissions_object", "graded", "invalid", "stats", "strangers",
                                   "feedback"),
    ("ExampleList", "text"): lambda report, _o: Rendered(_lazy("listing", "examples_listing")(report.rows)),
    ("ExampleList", "json"): _json(lambda report: report.rows),
}


def formats_of(report_class: str) -> tuple[str, ...]:
    """The formats a kind of report can be given in, text first."""
    return tuple(fmt for (name, fmt) in RENDERERS if name == report_class)


def render(report, fmt: str = "text", **options) -> Rendered:
    """`report` in format `fmt` (options: precision, order, quiet, summary)."""
    options.setdefault("precision", 6)
    options.setdefault("quiet", False)
    return RENDERERS[type(report).__name__, fmt](report, options)


def _gradescope(run, precision: int) -> str:
    from .class_ci import gradescope_json

    return gradescope_json(run.assignment, run.graded[0] if run.graded else None,
                           run.invalid[0][1] if run.invalid else None, precision, run.feedback,
                           run.strangers[0] if run.strangers else None)


GRADEBOOK_FORMATS = ("generic", "canvas", "moodle")  # report.gradebooks writes each


def gradebook_problem(assignment, fmt: str) -> str | None:
    """Why the gradebook `fmt` cannot be written for the assignment (before grading), or None."""
    return _lazy("gradebooks", "gradebook_problem")(assignment, fmt)


def _gradebook(fmt: str) -> Callable[[Any, int], str]:
    return lambda run, _p: _lazy("gradebooks", "gradebook_csv")(run.assignment, run.graded, run.invalid_students, fmt)


# (the run's class name, file kind) -> writer(run, precision) -> the file's text
FILES: dict[tuple[str, str], Callable[[Any, int], str]] = {
    ("CheckRun", "junit"): lambda run, _p: _lazy("ci", "junit_xml")(run.files, run.invalid),
    ("ClassRun", "junit"): lambda run, _p: _lazy("class_ci", "junit_questions")(run.graded, run.invalid, run.feedback,
                                                                                run.strangers),
    ("ClassRun", "gradescope"): _gradescope,
    **{("ClassRun", f"gradebook-{fmt}"): _gradebook(fmt) for fmt in GRADEBOOK_FORMATS},
}


def report_file(what: str, run, precision: int = 6) -> str:
    """The text of a report file (`junit`, `gradescope`, `gradebook`) of a check run."""
    return FILES[type(run).__name__, what](run, precision)


def github_lines(run, precision: int = 6) -> list[str]:
    """GitHub Actions annotations: one `::error` line per wrong answer, at its line in its file."""
    if type(run).__name__ == "ClassRun":
        return _lazy("class_ci", "annotations")(run.graded, precision, run.feedback, run.strangers)
    return _lazy("ci", "annotations")(run.files, precision)


def step_summary(run) -> str:
    """The job summary in Markdown (a class's run only; '' for plain checks)."""
    if type(run).__name__ != "ClassRun":
        return ""
    return _lazy("class_ci", "step_summary")(run.assignment, run.graded, len(run.invalid), run.stats, run.feedback,
                                             run.strangers)
