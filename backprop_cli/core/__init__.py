"""The maths, with no files, YAML or terminals: names, functions, the engine, paths, training."""
