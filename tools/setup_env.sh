#!/usr/bin/env bash
# Create (or reuse) the virtual environment at .venv and install hilda into it.
#   tools/setup_env.sh [EXTRAS]      EXTRAS defaults to "cpu,test" (use "gpu" on CUDA machines)
# Also installs the Debian libraries open3d needs (libusb; Vulkan/Mesa for offscreen rendering)
# when they are missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-cpu,test}"
python="${PYTHON:-python3}"

missing=()
for pkg in libusb-1.0-0 libvulkan1 mesa-vulkan-drivers; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: open3d needs: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  fi
fi

"$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
  echo "error: hilda needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
stamp=".venv/.installed-${extras//,/-}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  echo "installing hilda[$extras] into .venv (first time: a few minutes)"
  # (the filter drops pip's notes about this machine's optional local indexes)
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  touch "$stamp"
fi
