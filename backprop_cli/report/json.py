"""JSON reports: full-precision floats; keys are only ever added, never renamed (scripts read them)."""
from __future__ import annotations

import contextlib
import json as _json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: reporters present a Result, never make one
    from ..core.result import Result



def parameter_rows(result: Result, names: list[str] | None) -> list[dict[str, Any]]:
    """The `parameters` list of `grad`: every parameter, or those named, in canonical order."""
    return [{"name": n, "value": v, "gradient": g, "updated": u} for n, v, g, u in result.parameters(names)]


def grad_object(result: Result, names: list[str] | None, inputs=None) -> dict[str, Any]:
    """The object `grad --format json` prints (with `inputs`, Result.input_rows, for --inputs)."""
    obj = {"loss": result.loss, "learning_rate": result.learning_rate, "parameters": parameter_rows(result, names)}
    if result.network.l2:  # keys added, none renamed: the L2 term is part of `loss`
        obj.update(l2=result.network.l2, l2_term=result.l2_term)
    if result.network.optimizer.name != "sgd":
        obj["optimizer"] = {"name": result.network.optimizer.name, **result.network.optimizer.settings}
    if inputs is not None:
        obj["inputs"] = [{"name": n, "value": v, "gradient": g} for n, v, g in inputs]
    return obj


INDENTED_UP_TO = 200_000  # characters of JSON printed indented; longer output is one line


@contextlib.contextmanager
def _all_digits():
    limit = getattr(sys, "get_int_max_str_digits", None)
    if limit is None:  # an older Python prints any int
        yield
        return
    before = limit()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)


def dumps(obj: Any) -> str:
    """JSON text; floats in Python's shortest round-trip form, so no digit is lost."""
    # allow_nan=False: a NaN or Infinity is a bug to report (exit 3), never invalid JSON to print.
    # `##[` (a CI runner's legacy command, obeyed anywhere in a line) can only occur inside a string
    # here, where `#\u0023[` reads back as the same text.
    with _all_digits():  # a path count may have more digits than Python prints by default (4,300)
        text = _json.dumps(obj, ensure_ascii=False, allow_nan=False)  # the C encoder: fast at any size
    if len(text) < INDENTED_UP_TO:  # small enough to indent for a person (indenting is 10x slower)
        with _all_digits():
            text = _json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
    # a non-UTF-8 file name's undecodable bytes are shown as \udcXX rather than failing the output
    return text.replace("##[", "#\\u0023[").encode("utf-8", "backslashreplace").decode("utf-8")


def trace_object(trace) -> dict[str, Any]:
    """The object `trace --format json` prints: `grad`'s object, each parameter with its paths."""
    single = not trace.batch

    def values(vs):
        return vs[0] if single else vs

    forward = {name: values(v) for name, v in trace.inputs}
    for row in trace.neurons:
        if row.pre_name:  # a pooling layer has no z
            forward[row.pre_name] = values(row.z)
        forward[row.post_name] = values(row.a)
    for _, name, value in trace.extra:  # batch norm's μ, σ² and x̂; a sequence's step losses
        forward[name] = values(value) if isinstance(value, list) else value
    parameters, nodes = [], []
    for p in trace.parameters:
        entry = {"name": p.name, "value": p.value, "gradient": p.gradient, "updated": p.updated,
                 "path_count": p.path_count,
                 "paths": [{**_path_object(path), **({"sample": path.sample} if path.sample else {})}
                           for path in p.paths],  # + 0.0: a product of -0 is written 0
                 "omitted_sum": p.omitted_sum}
        if p.positions:  # a shared weight: its gradient position by position
            entry["positions"] = [{"node": z, "input": source, "path_count": count, "sum": total}
                                  for z, source, count, total in p.positions]
            if p.grouped_by == "step":  # a recurrent parameter: position t is time step t (dL/dwh111@t)
                for position in entry["positions"]:
                    position["step"] = int(position["node"].rpartition("@")[2])
        if p.per_sample:
            entry["per_sample"] = [{"sample": s, "gradient": g} for s, g in p.per_sample]
        if p.node:  # trace --node: no update
            del entry["updated"]
            if p.of:  # ∂X/∂Y between two nodes: the gradient is ∂X/∂name
                entry["of"] = p.of
            nodes.append(entry)
        else:
            entry["frozen"] = p.frozen
            parameters.append(entry)
    obj = {"loss": trace.loss, "learning_rate": trace.learning_rate, "samples": trace.samples,
           "forward": forward, "parameters": parameters}
    if nodes:
        obj["nodes"] = nodes
    if trace.updates:
        obj["updates"] = [{"name": u.name, "updates": u.updates, "value": u.value, "losses": u.losses,
                           "steps": [{"update": k, "value": s.value, "gradient": s.gradient, "updated": s.updated,
                                      **({"state": s.state[2]} if s.state else {})}
                                     for k, s in enumerate(u.steps, start=1)]} for u in trace.updates]
    return obj


def _path_object(path) -> dict[str, Any]:
    return {"nodes": path.nodes, "factors": [{"symbol": f.symbol, "formula": f.formula, "value": f.value + 0.0}
                                             for f in path.factors], "product": path.product + 0.0}


def expression_grad_object(result) -> dict[str, Any]:
    """`grad --format json` of an expression: the output and ∂output/∂input for every input."""
    return {"output": result.output, "output_name": result.output_name,
            "inputs": [{"name": n, "value": v, "gradient": g} for n, v, g in result.input_rows()]}


def expression_trace_object(result, traces) -> dict[str, Any]:
    """`trace --format json` of an expression: every step, then each traced name's paths."""
    obj = expression_grad_object(result)
    obj["steps"] = [{"name": n, "step": step, "value": v, "gradient": g} for n, step, v, g in result.steps()]
    traced = {p.name: {"name": p.name, "value": p.value, "gradient": p.gradient, "path_count": p.path_count,
                       "paths": [_path_object(path) for path in p.paths], "omitted_sum": p.omitted_sum}
              for p in traces}
    for entry in obj["inputs"]:
        entry.update(traced.pop(entry["name"], {}))
    if traced:  # steps traced as well (--node h2): their paths too
        obj["nodes"] = list(traced.values())
    obj["kinks"] = result.kinks
    return obj


def refused_entry(refused) -> dict[str, Any]:
    """A result for an answer with no grade: `unreadable` (its value) or `not_graded` (its quantity)."""
    return {"quantity": refused.key, "given": None, "written": refused.written, "expected": None, "ok": False,
            "line": refused.line, "diagnosis": refused.hint, "diagnoses": [], "verdict": refused.verdict}


def check_object(reports, invalid) -> dict[str, Any]:
    """The object `check --format json` prints, with the files that could not be read."""
    files = [{"path": r.path, "results": [{"quantity": o.answer.quantity.text, "given": o.answer.given,
                                           "expected": o.expected, "ok": o.ok, "line": o.answer.line,
                                           "diagnosis": o.diagnosis, "diagnoses": o.diagnoses,
                                           "verdict": o.verdict or ("right" if o.ok else "wrong"),
                                           **({"accepted": list(o.accepted)} if o.accepted else {})}
                                          for o in r.outcomes] + [refused_entry(x) for x in r.refused]}
             for r in reports]
    return {"files": files, "passed": sum(r.passed for r in reports), "failed": sum(r.failed for r in reports),
            "invalid": [{"path": path, "problems": problems} for path, problems in invalid]}


def training_object(runs, until_loss) -> dict[str, Any]:
    """The object `train --format json` prints: one entry per learning rate; with one rate, its
    final parameters and loss also at the top, as `grad` prints them."""
    entries = [{"learning_rate": r.learning_rate, "epochs": r.epochs, "stopped": r.stopped,
                "losses": r.losses, "loss": r.losses[-1], "parameters": parameter_rows(r.result, None)}
               for r in runs]
    top: dict[str, Any] = {"until_loss": until_loss, "runs": entries}
    if len(runs) == 1:
        top.update(entries[0])  # its epochs, stopped, losses, loss, rate and parameters
    return top


def gradcheck_object(checks, eps: float, tol: float) -> dict[str, Any]:
    """The object `gradcheck --format json` prints."""
    return {"eps": eps, "tol": tol, "passed": all(c.status != "fail" for c in checks),
            "parameters": [{"name": c.name, "backprop": c.backprop, "numeric": c.numeric, "error": c.error,
                            "status": c.status} for c in checks]}
