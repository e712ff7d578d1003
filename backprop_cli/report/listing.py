"""`backprop examples`: the bundled specs, a line each."""
from __future__ import annotations


def examples_listing(rows: list[dict]) -> str:
    """Name, layer sizes (or `expression`) and description of each example, in aligned columns."""
    width = max((len(row["name"]) for row in rows), default=0)
    lines = [f"{row['name']:<{width}}  {'-'.join(str(s) for s in row['sizes']) if 'sizes' in row else 'expression':<10}"
             f"  {row['description']}" for row in rows]
    return "\n".join(lines) + "\n"
