#!/usr/bin/env bash
# Play "another machine" on this one: run every notebook through nbval in
# quick mode, as CI does, once per variation of the things that change the
# last bits of a training run from one machine to the next:
#
#   threads  one thread for TensorFlow, OpenMP and OpenBLAS (other reduction orders)
#   onednn   TensorFlow without its oneDNN kernels (other convolution and matmul code)
#
# Both must be green: a stored output that only this machine reproduces fails
# here.  Usage:  bash scripts/test-other-machine.sh [threads|onednn ...] [-- pytest args]
# (default: both variations, one after the other).  Needs the data folder
# (CNNLIB_DATA_DIR) like the notebooks do.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
export CNNBOOK_QUICK=1

variations=()
while (($#)) && [[ "$1" != "--" ]]; do variations+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
((${#variations[@]})) || variations=(threads onednn)

status=0
for v in "${variations[@]}"; do
  case "$v" in
    threads) settings=(TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1) ;;
    onednn)  settings=(TF_ENABLE_ONEDNN_OPTS=0) ;;
    *) echo "error: unknown variation '$v' (known: threads, onednn)" >&2; exit 2 ;;
  esac
  echo "[other machine: $v] ${settings[*]}"
  env "${settings[@]}" python -m pytest notebooks/*.ipynb --nbval --nbval-current-env \
      --nbval-cell-timeout=900 -p no:cacheprovider "$@" || status=1
done
exit $status
