"""Answer files: quantities, tolerances, diagnoses of known mistakes, grades and answer keys."""
