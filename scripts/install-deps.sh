#!/usr/bin/env bash
# Installs the Debian packages mtrl-dist needs, only those that are missing.
# Usage: scripts/install-deps.sh [--with-cluster]   (--with-cluster adds the test-only tools: Slurm + munge
# for the cluster tests, librsvg2-bin (rsvg-convert) and netpbm (pngtopnm) for the Plots render tests)
set -euo pipefail
packages=(libopenmpi-dev openmpi-bin libopenblas-dev pkg-config)
if [[ "${1:-}" == "--with-cluster" ]]; then packages+=(slurm-wlm munge iproute2 procps librsvg2-bin netpbm); fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}; install them and re-run." >&2; exit 1; }
    sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
