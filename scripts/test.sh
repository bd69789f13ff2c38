#!/usr/bin/env bash
# Set up .venv (first run only), build the book strictly, and run every test:
# the unit and property tests, the docstring examples of cnnlib and classroom, every chapter
# notebook through nbval in quick mode, and the browser tests of the built
# site.  Extra arguments go to pytest (e.g. -k conv, -x).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
export CNNBOOK_QUICK=1

# The browser tests drive Debian's chromium.  Install it when it is missing
# and this user may (CI runs as root); otherwise those tests are skipped.
if ! command -v chromium >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "[test] installing chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Grading runs every submission in a bubblewrap sandbox (classroom/sandbox.py);
# the grading tests need it.  Installed the same way.
if ! command -v bwrap >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "[test] installing bubblewrap for the grading sandbox"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
fi

echo "[test] building the book (strict)"
bash scripts/fetch_assets.sh
rm -rf _build/html _build/.doctrees
jupyter-book build . --builder html -W -n --keep-going > _build.log 2>&1 || { tail -40 _build.log; exit 1; }

args=(tests cnnlib classroom --doctest-modules)
shopt -s nullglob
notebooks=(notebooks/*.ipynb)
if ((${#notebooks[@]})); then
  args+=("${notebooks[@]}" --nbval --nbval-current-env --nbval-cell-timeout=900)
fi
# Two workers: much of the suite waits (on browsers, kernels starting, sandboxes
# and time limits), so two share this machine's cores well.  Each file stays on
# one worker (the root conftest.py); `-n 0` runs everything in this process.
args+=(-n 2 --dist loadgroup --durations=25)
export CNNX_BOOK_HTML="$ROOT/_build/html" CNNBOOK_SITE="$ROOT/_build/html"
exec python -m pytest "${args[@]}" "$@"
