#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. The zip you upload
# holds this file, run_autograder, your assignment (assignment.yaml and the network it names) and
# a wheel of backprop (`pip wheel --no-deps -w dist .` in a checkout of backprop).
set -euo pipefail
apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q /autograder/source/backprop_cli-*.whl
