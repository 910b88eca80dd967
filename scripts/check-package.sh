#!/usr/bin/env bash
# Checks the package as its users get it: packs it (which builds dist/), installs the tarball in fresh
# folders and runs a .mjs and a .ts workflow with `npx dflow`, compiles and lints; type-checks a NodeNext
# strict project against the package's types with its own TypeScript and with typescript@latest; runs attw
# (esm-only) and publint on the tarball, the API docs (TypeDoc, warnings as errors), and `dflow new op`'s own
# `npm test` against the tarball. Needs the npm registry. Prints one line per check and exits non-zero if any
# failed (their output is shown).
#
# Usage: bash scripts/check-package.sh
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/dflow-package-XXXXXX")
trap 'rm -rf "$work"' EXIT
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false NO_COLOR=1

failed=0
# check NAME COMMAND...: runs COMMAND, prints "ok NAME" or "FAILED NAME" with its output.
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then echo "package: ok      $name"
  else echo "package: FAILED  $name"; echo "$out" | tail -n 40 | sed 's/^/    /'; failed=$((failed + 1)); fi
}
# expect TEXT COMMAND...: COMMAND succeeds and prints TEXT.
expect() {
  local text=$1; shift
  local out
  out=$("$@" 2>&1) || { echo "$out"; return 1; }
  grep -qE -- "$text" <<<"$out" || { echo "$out"; echo "(expected: $text)"; return 1; }
}

pack() { npm pack --silent --pack-destination "$work" >"$work/pack.txt"; }
check "npm pack (builds dist/)" pack
tgz="$work/$(tail -n 1 "$work/pack.txt" 2>/dev/null)"
[ -f "$tgz" ] || { echo "package: no tarball; stopping"; exit 1; }

shipped() {
  local list; list=$(tar tzf "$tgz")
  for f in package/dist/dsl/index.js package/dist/dsl/index.d.ts package/dist/dsl/index.js.map package/dsl/index.ts \
    package/lib/local/launcher.py package/lib/argo/import/argo-leaf.py package/lib/argo/import/argo-lock.py package/lib/argo/import/argo-memo.py package/lib/argo/import/scaled/sleep package/lib/argo/import/scaled/py/sitecustomize.py package/lib/argo/schema/schema-v4.1.2.json package/lib/argo/schema/schema-v3.7.18.json package/bin/dflow.js; do
    grep -qx "$f" <<<"$list" || { echo "missing: $f"; return 1; }
  done
  if grep -E '^package/(test|bench|examples|scripts)/|tsconfig' <<<"$list"; then echo "ships what users do not need"; return 1; fi
}
check "the tarball ships the build, sources, schemas and launcher, and no tests" shipped

# A fresh folder: npm init -y, the tarball, workflows in .mjs and .ts (no tsconfig, no "type").
app="$work/app"
WF='import { param, shell, sh, step, seq, t, workflow } from "dflow-ts"
const count = shell({ name: "count", outputs: { n: param(t.number, { path: "n.txt" }) }, script: () => sh`echo 41 > n.txt` })
const c = step("count", count)
export default workflow("first", seq(c, step("show", shell({ name: "show", inputs: { n: param(t.number) }, script: ({ n }) => sh`echo got ${n}` }), { n: c.outputs.n })))'
FN='import { fn, param, step, t, workflow } from "dflow-ts"
export const double = fn({ name: "double", module: import.meta.url, inputs: { n: param(t.number) }, outputs: { n: param(t.number) } }, ({ n }) => ({ n: n * 2 }))
export default workflow("twice", step("twice", double, { n: 21 }))'
fresh() {
  mkdir -p "$app" && cd "$app" && npm init -y >/dev/null && npm install --silent "$tgz" &&
    printf '%s\n' "$WF" >wf.mjs && printf '%s\n' "$WF" >wf.ts && printf '%s\n' "$FN" >fn.ts
}
check "npm init -y && npm i dflow-ts.tgz in a fresh folder" fresh
check "npx dflow run wf.mjs" expect 'count +Succeeded .* n=41' bash -c "cd '$app' && npx dflow run wf.mjs"
check "npx dflow run wf.ts (no tsconfig, no \"type\")" expect 'count +Succeeded .* n=41' bash -c "cd '$app' && npx dflow run wf.ts"
check "npx dflow run fn.ts (a function OP, in its worker)" expect 'twice +Succeeded .* n=42' bash -c "cd '$app' && npx dflow run fn.ts"
check "npx dflow compile wf.ts && npx dflow lint" expect 'valid' bash -c "cd '$app' && npx dflow compile wf.ts -o wf.yaml && npx dflow compile fn.ts -o fn.yaml && npx dflow lint wf.yaml && npx dflow lint fn.yaml"
check "node wf.mjs (plain Node imports the package)" bash -c "cd '$app' && node wf.mjs"

# A TypeScript project: "module": "NodeNext", "strict": true, no other flags; its TypeScript, then the latest.
ts="$work/ts"
tsversion=$(node -p "require('./package.json').devDependencies.typescript")
tsproject() {
  mkdir -p "$ts" && cd "$ts" && npm init -y >/dev/null && npm pkg set type=module && npm install --silent "$tgz" "typescript@$tsversion" &&
    printf '{ "compilerOptions": { "module": "NodeNext", "strict": true, "noEmit": true } }\n' >tsconfig.json &&
    printf '%s\n' "$FN" >fn.ts && printf '%s\n%s\n' "$WF" 'import { local } from "dflow-ts/local"
import { compile, validate } from "dflow-ts/argo"
export const problems: readonly unknown[] = validate(compile(workflow("x", step("a", count))))
export const run = async (): Promise<unknown> => (await local().run(workflow("y", c))).step("count").outputs.n' >wf.ts
}
check "a NodeNext strict TypeScript project installs the tarball" tsproject
check "tsc (typescript@$tsversion) type-checks the workflows with no errors" bash -c "cd '$ts' && npx tsc -p ."
check "tsc (typescript@latest) type-checks the workflows with no errors" bash -c "cd '$ts' && npx --yes -p typescript@latest tsc -p ."

check "attw --profile esm-only (the packed tarball)" npx --no-install attw --profile esm-only "$tgz"
check "publint" npx --no-install publint --strict
check "npm run docs (TypeDoc, warnings are errors)" npm run docs

# dflow new: a workflow file that runs; an OP package whose own npm test passes against the tarball.
scaffold() {
  mkdir -p "$work/new" && cd "$work/new" && node "$repo/bin/dflow.js" new workflow hello >/dev/null &&
    (cd "$app" && cp "$work/new/hello.ts" . && npx dflow run hello.ts) &&
    node "$repo/bin/dflow.js" new op word-rep --dflow-ts "$tgz" >/dev/null &&
    cd word-rep && npm install --silent && npm test
}
check "dflow new workflow runs; dflow new op's npm test passes" scaffold

echo "package: $failed check(s) failed"
[ "$failed" -eq 0 ]
