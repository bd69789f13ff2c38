#!/usr/bin/env bash
# Set up .venv (first run only) and run every test: the unit and property
# tests, cnnlib's docstring examples, and every chapter notebook through nbval
# in quick mode.  Extra arguments go to pytest (e.g. -k conv, -x).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
export CNNBOOK_QUICK=1
args=(tests cnnlib --doctest-modules)
shopt -s nullglob
notebooks=(notebooks/*.ipynb)
if ((${#notebooks[@]})); then
  args+=("${notebooks[@]}" --nbval --nbval-current-env --nbval-cell-timeout=600)
fi
exec python -m pytest "${args[@]}" "$@"
