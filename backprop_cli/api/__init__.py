"""The Python API: every command's work as a function (the CLI is its client). `backprop_cli`
re-exports these names; each module is imported only when one of its functions is used."""
