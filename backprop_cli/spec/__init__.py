"""Text to validated objects: safe YAML, matrix files, the spec reader, rewriting a spec in place."""
