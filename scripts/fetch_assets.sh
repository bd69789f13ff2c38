#!/usr/bin/env bash
# Fetch the JavaScript the built book serves itself (no CDN), pinned by
# package-lock.json, and copy the parts the pages use into book/_static.
# MathJax 3 (with its assistive MathML, which screen readers read): the TeX-to-HTML bundle, its web fonts, the TeX extensions it may
# load on demand and its menu; not the speech engine (4 MB, off by default).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v npm >/dev/null; then
  echo "error: npm (Node.js) is needed to fetch MathJax for the book; install Node.js 18 or newer." >&2
  exit 1
fi
# axe-core (a devDependency) is not copied into the site: the browser tests
# inject it into each page from node_modules/axe-core/axe.min.js.
if [[ ! -f node_modules/mathjax/es5/tex-chtml.js || ! -f node_modules/axe-core/axe.min.js ]] \
    || ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
fi
src=node_modules/mathjax/es5
dst=book/_static/mathjax
rm -rf "$dst"
mkdir -p "$dst/output/chtml/fonts" "$dst/input/tex"
cp "$src/tex-chtml.js" "$dst/"
cp -r "$src/output/chtml/fonts/woff-v2" "$dst/output/chtml/fonts/"
cp -r "$src/input/tex/extensions" "$dst/input/tex/"
cp -r "$src/ui" "$dst/"
cp node_modules/mathjax/LICENSE "$dst/LICENSE"
echo "[assets] MathJax $(node -p "require('./node_modules/mathjax/package.json').version") copied to $dst ($(du -sh "$dst" | cut -f1))"
