# Sourced by build-book.sh and test.sh: create the project's virtual
# environment in .venv on first use, and reinstall when a requirements file
# changes.  Nothing is installed outside .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "error: Python 3.10 or newer is needed as '$PY' (set PYTHON=/path/to/python3)." >&2
  exit 1
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "[setup] creating the virtual environment in .venv"
  "$PY" -m venv "$VENV"
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # the browser tests use Debian's chromium
stamp="$VENV/.requirements.sha256"
want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "[setup] installing requirements into .venv (a few minutes the first time)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt)
  echo "$want" > "$stamp"
fi
# TensorFlow's C++ code writes log lines straight to file descriptor 2.
# ipykernel would forward them into notebook outputs (where nbval compares
# them and readers would see them); keep them in the kernel's own log instead.
mkdir -p "$VENV/etc/ipython"
echo "c.IPKernelApp.capture_fd_output = False" > "$VENV/etc/ipython/ipython_kernel_config.py"
export PATH="$VENV/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
cd "$ROOT"
