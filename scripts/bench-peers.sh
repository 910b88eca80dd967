#!/usr/bin/env bash
# Installs the peers `npm run bench` measures dflow-ts against, from Debian: GNU make and snakemake.
# With --dflow, also the Python packages Python dflow's debug mode needs (the optional dflow runner, which
# also needs dflow's source and argo-client-python's `argo` package: README, Benchmarks).
# Idempotent: installs only what is missing, and does nothing (not even apt-get update) when nothing is.
#
#   bash scripts/bench-peers.sh            # make, snakemake
#   bash scripts/bench-peers.sh --dflow    # and python3, python3-jsonpickle, ... for dflow
set -euo pipefail

pkgs=(make snakemake)
for arg in "$@"; do
  case "$arg" in
    --dflow) pkgs+=(python3 python3-jsonpickle python3-cloudpickle python3-kubernetes python3-tqdm python3-yaml python3-filelock python3-psutil) ;;
    *) echo "bench-peers: unknown argument $arg (known: --dflow)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "bench-peers: already installed: ${pkgs[*]}"
  exit 0
fi

sudo=()
if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null || { echo "bench-peers: installing ${missing[*]} needs root: run this as root" >&2; exit 1; }
  sudo=(sudo)
fi
echo "bench-peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bench-peers: installed: ${pkgs[*]}"
