#!/usr/bin/env bash
# Set up .venv (first run only) and build the book from the notebooks' stored
# outputs, strictly: a warning, a failing cell or a broken reference fails it.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
bash scripts/fetch_assets.sh
rm -rf _build/html _build/.doctrees
jupyter-book build . --builder html -W -n --keep-going
echo
echo "The book is built: open $ROOT/_build/html/index.html in a browser"
echo "(or serve it: python -m http.server -d _build/html 8000, then http://127.0.0.1:8000)."
