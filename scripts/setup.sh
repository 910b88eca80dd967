#!/usr/bin/env bash
# Installs what dflow-ts and its tests need on a Debian machine with Node 20 (run as root for the
# Debian packages; without root, only the npm step runs). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for cmd in dash bash pgrep python3; do command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    pkgs=()
    for cmd in "${need[@]}"; do case $cmd in pgrep) pkgs+=(procps) ;; *) pkgs+=("$cmd") ;; esac; done
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]}; install them (Debian: apt-get install procps python3 dash)" >&2
    exit 1
  fi
fi

# bubblewrap: how an imported Argo step gets its private root without starting python3 (lib/argo/import/leaf-sandbox.ts);
# without it every step runs through argo-leaf.py, slower but the same.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null
  else
    echo "setup: bubblewrap is missing (as root: apt-get install bubblewrap); imported Argo steps then run through python3" >&2
  fi
fi

# Installs Debian packages where missing (as root), or says what misses them and what that costs: ensure_debs WHAT PKG...
ensure_debs() {
  local what=$1; shift
  local ok
  ok=$(dpkg-query -W -f '${Status}\n' "$@" 2>/dev/null | grep -c 'install ok installed' || true)
  if [ "$ok" -eq $# ]; then
    return 0
  elif [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "setup: $what needs $* (as root: apt-get install them)" >&2
  fi
}

# The programs of the images of Argo's daemon examples (daemon-nginx.yaml's nginx:1.13, daemon-step.yaml's
# influxdb:1.2), which the conformance test runs: an imported `nginx` image runs this host's nginx, an
# `influxdb` image its influxd (lib/argo/import/leaf.ts, entrypointOf). Where systemd runs, Debian starts them as
# services, which then hold ports 80 and 8086 that the examples' daemons listen on: stop them (systemctl stop nginx influxdb).
ensure_debs "the conformance test (Argo's daemon examples fail without it)" nginx-light influxdb

# The expression oracle of the heavy suite (scripts/expr-oracle.sh builds it offline): Go and the Debian
# packages of the libraries Argo evaluates expressions with.
ensure_debs "the expression oracle (its tests skip without it)" golang-go golang-github-knetic-govaluate-dev golang-github-antonmedv-expr-dev golang-github-masterminds-sprig-dev

node -e 'const [M, m] = process.versions.node.split(".").map(Number); if (M < 20 || (M === 20 && m < 10)) { console.error("setup: dflow-ts needs Node >= 20.10, this is " + process.version); process.exit(1) }'
npm ci --no-audit --no-fund --loglevel=error
