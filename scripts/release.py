"""Make a release of the book: one version, written everywhere, and its tag.

    python scripts/release.py 0.2.0            # set the version, commit, tag v0.2.0
    python scripts/release.py 0.2.0 --dry-run  # show what would change

The version lives in one place, ``cnnlib.__version__``.  A release writes it
there, then into everything that names it: the install cell of every chapter
(``scripts/sync_install_cell.py``: Colab readers install the cnnlib that
matches the book they read), the citation on the intro page, and the example
install line in CONTRIBUTING.md.  It commits that change and creates the
annotated tag ``vX.Y.Z`` that the install cells pin.  Push both afterwards:

    git push origin main vX.Y.Z

The working tree must be clean and on the publishing branch, so the tag holds
exactly what was tested.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_install_cell as sic  # noqa: E402

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# (file, pattern whose group 1 is the version)
MENTIONS = [
    ("cnnlib/__init__.py", r'^__version__ = "([^"]+)"'),
    ("book/intro.md", r"\*, version (\d+\.\d+\.\d+)\."),
    ("CONTRIBUTING.md", r"@v(\d+\.\d+\.\d+)\""),
]


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def set_version(new: str) -> list[str]:
    """Write ``new`` into every mention; return the files changed."""
    changed = []
    for name, pattern in MENTIONS:
        path = ROOT / name
        text = path.read_text()
        m = re.search(pattern, text, re.M)
        if not m:
            raise SystemExit(f"error: {name} no longer mentions the version (pattern {pattern!r})")
        updated = text[:m.start(1)] + new + text[m.end(1):]
        if updated != text:
            path.write_text(updated)
            changed.append(name)
    notebooks = sorted((ROOT / "notebooks").glob("ch*.ipynb"))
    before = {p: p.read_text() for p in notebooks}
    if sic.main([str(p) for p in notebooks]) != 0:
        raise SystemExit("error: could not write the install cells")
    changed += [p.relative_to(ROOT).as_posix() for p in notebooks if p.read_text() != before[p]]
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help="the new version, X.Y.Z")
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    args = parser.parse_args(argv)
    if not VERSION.match(args.version):
        parser.error(f"the version must look like 1.2.3; got {args.version!r}")
    tag = f"v{args.version}"
    if git("tag", "--list", tag):
        parser.error(f"the tag {tag} exists already")
    if args.dry_run:
        print(f"would set the version to {args.version} in: "
              + ", ".join(n for n, _ in MENTIONS) + ", and the chapters' install cells; then commit and tag " + tag)
        return 0
    if git("status", "--porcelain", "--untracked-files=no"):
        parser.error("the working tree has uncommitted changes: commit or stash them first")
    if git("rev-parse", "--abbrev-ref", "HEAD") != sic.branch():
        parser.error(f"release from the publishing branch {sic.branch()!r}")
    changed = set_version(args.version)
    if changed:
        git("add", *changed)
        git("commit", "-m", f"Release {args.version}")
    git("tag", "-a", tag, "-m", f"Release {args.version}")
    print(f"tagged {tag}" + (f" (changed: {', '.join(changed)})" if changed else "")
          + f"; now: git push origin {sic.branch()} {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
