"""JSON reports (CONTRACT section 3): full-precision floats, keys only ever added."""
from __future__ import annotations

import json as _json
from typing import Any

from ..engine import Result


def parameter_rows(result: Result, names: list[str] | None) -> list[dict[str, Any]]:
    """The `parameters` list of `grad`: every parameter, or those named, in canonical order."""
    rows = result.parameters()
    if names:
        wanted = set(names)
        rows = [row for row in rows if row[0] in wanted]
    return [{"name": n, "value": v, "gradient": g, "updated": u} for n, v, g, u in rows]


def grad_object(result: Result, names: list[str] | None) -> dict[str, Any]:
    """The object `grad --format json` prints."""
    return {"loss": result.loss, "learning_rate": result.learning_rate,
            "parameters": parameter_rows(result, names)}


def dumps(obj: Any) -> str:
    """JSON text; floats in Python's shortest round-trip form, so no digit is lost."""
    return _json.dumps(obj, indent=2, ensure_ascii=False)
