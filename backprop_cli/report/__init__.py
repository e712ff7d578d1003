"""Presentation only: each module turns a plain result object into text, JSON, LaTeX or a picture."""
