#!/usr/bin/env bash
# Builds the expression oracle (test/oracle: Argo's expression libraries as Debian packages them) offline,
# against /usr/share/gocode, and prints the path of the binary. Cached: rebuilt only when its sources, Go or
# the packages change. Exits 2, saying what is missing, without Go or the packages (scripts/setup.sh installs
# them as root: golang-go golang-github-knetic-govaluate-dev golang-github-antonmedv-expr-dev
# golang-github-masterminds-sprig-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(golang-go golang-github-knetic-govaluate-dev golang-github-antonmedv-expr-dev golang-github-masterminds-sprig-dev)
gocode=/usr/share/gocode
missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
for p in Knetic/govaluate antonmedv/expr Masterminds/sprig; do
  [ -d "$gocode/src/github.com/$p" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "expr-oracle: missing ${missing[*]} (Debian: apt-get install ${pkgs[*]})" >&2
  exit 2
fi

versions=$(dpkg-query -W -f '${Package} ${Version}\n' "${pkgs[@]}" 2>/dev/null || true)
key=$( { cat test/oracle/*.go; go version; echo "$versions"; } | sha256sum | cut -c1-16)
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/dflow-ts/expr-oracle
bin=$cache/expr-oracle-$key
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp "$cache/build.XXXXXX")
  # GOPATH mode over Debian's sources: no module download, no network.
  (cd test/oracle && GO111MODULE=off GOPATH=$gocode GOFLAGS= GOPROXY=off GOTOOLCHAIN=local go build -o "$tmp" .)
  mv -f "$tmp" "$bin"
fi
echo "$bin"
