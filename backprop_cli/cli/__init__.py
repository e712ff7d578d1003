"""The command line: click commands over the library; `main` is the `backprop` entry point."""
from .main import main

__all__ = ["main"]
