import { encodeParam, t } from '../codec.ts'
import { param, type ArtifactSpec, type IoSpec, type ParamSpec } from '../io.ts'
import { DflowError, problem } from '../problem.ts'
import { refsOf } from '../refs.ts'
import { RENDERERS } from '../script/renderers.ts'
import { envNameOf, type HoleContext, type HoleValue, type Raw, type Scalar, type Segment } from '../script/script.ts'
import type { ScriptTemplate } from '../template.ts'
import { listOf } from './list-codec.ts'
import { GROUP_INPUT, GROUPED_SUFFIX, SLICES_REPORT, SLICING_INPUT, groupInputs, registerGrouped } from './slice-group.ts'

/*
 * A grouped slice of a shell or script template: its calls run a generated POSIX sh wrapper (itself a script
 * template, so that every interpreter runs it as it runs any script: locally, on Argo, on the dispatcher).
 * The wrapper reads its group's item (`dflow_group`) and how to slice (`dflow_slicing`) with a small awk JSON
 * reader, runs the template's script once per slice — `pool` at a time, each in `dflow-slices/INDEX` with its
 * own inputs and output paths — and reports every slice as a function OP's group does (`dflow_slices`,
 * `SliceReport`): the engine and the Argo compiler read both kinds the same way.
 *
 * Values never pass through the shell parser: a slice's element reaches the script as a file the script's
 * first lines read (as the local interpreter passes any large value: `dflow_file_in_NAME`), every other hole
 * as the environment variable the interpreter binds for the wrapper (which the script inherits).
 */

/** Where a grouped script call keeps its private files (elements, keys, exit codes, the script). */
const GROUP_DIR = 'dflow-group'
/** Where a grouped script call leaves its stacked output parameters and its report. */
const STACKED_DIR = 'dflow-stacked'

/** A string as one POSIX single-quoted word (text this module writes into the wrapper: names and declared paths, never run-time data). */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
/** A string as an awk string literal. */
const awkString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`

/** The path, relative to its slice's folder, where a slice leaves output `name`. */
const slicePath = (name: string, s: { readonly path?: string }): string => s.path ?? `dflow-outputs/${name}`

/** The suffix of the wrapper's variable holding the staged path of sliced input artifact `name` (`dflow_whole_NAME`). */
const wholeName = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_')

const dirOf = (p: string): string | undefined => {
  const at = p.replace(/\/+$/, '').lastIndexOf('/')
  return at > 0 ? p.slice(0, at) : undefined
}

/** Why template `t0`'s outputs cannot be collected per slice (an output grouping cannot give each slice its own of). */
const outputProblems = (t0: ScriptTemplate) =>
  Object.entries(t0.outputs as IoSpec).flatMap(([name, s]) => {
    const at = ['slice', 'groupSize', t0.name, 'outputs', name]
    if (s._tag === 'Param' && s.stdout) return [problem(at, `output "${name}" is the script's stdout, which a grouped call's slices share`, 'write the value to a file: param(codec, { path: "out.txt" })')]
    if (s._tag === 'Param' && s.big) return [problem(at, `output "${name}" is a big parameter, which a grouped script call cannot stack`, 'return it as an artifact, or leave groupSize out')]
    if (s.path?.startsWith('/')) return [problem(at, `output "${name}" is at the absolute path ${s.path}, which every slice of a group would share`, 'give a path relative to the work folder (each slice has a folder of its own)')]
    return []
  })

/** The inner script's holes: each rendered in its language reading its variable or its file; the slices' own (sliced inputs, output paths) apart. */
const innerScript = (t0: ScriptTemplate, sliced: ReadonlySet<string>) => {
  const r = RENDERERS[t0.source.lang]
  const own = (x: Scalar): boolean => typeof x === 'object' && ((x._tag === 'ParamRef' && x.source.kind === 'input' && sliced.has(x.name)) || x._tag === 'OutputPath')
  const names = new Set<string>()
  const arith = new Map<string, string>()
  const bindings: Segment[] = []
  const artifacts = new Set<string>()
  let text = ''
  let i = 0
  for (const seg of t0.source.segments) {
    if (seg._tag === 'Text') {
      text += seg.text
      continue
    }
    const at = i++
    const v = seg.value
    if (typeof v === 'object' && !Array.isArray(v) && (v as Raw)._tag === 'Raw') {
      text += (v as Raw).text
      bindings.push(hole({ _tag: 'Raw', text: '' }, seg.context))
      continue
    }
    const list = Array.isArray(v)
    const scalars: readonly Scalar[] = list ? (v as readonly Scalar[]) : [v as Scalar]
    const ns = scalars.map((x, j) => envNameOf(x, list ? `dflow_lit_${at}_${j}` : `dflow_lit_${at}`))
    ns.forEach((n, j) => {
      names.add(n)
      const x = scalars[j]!
      if (seg.context === 'arith') arith.set(n, typeof x === 'object' && 'name' in x ? `input ${x.name}` : 'a literal')
      if (typeof x === 'object' && x._tag === 'ArtifactRef' && x.source.kind === 'input') artifacts.add(n)
    })
    text += list ? r.list(ns, seg.context, ns.map(() => true)) : r.ref(ns[0]!, seg.context, true)
    // The wrapper binds the same holes, at the same positions (a literal's variable is named by its position); a slice's own are set per slice.
    const bound = scalars.map((x) => (own(x) ? '' : x))
    bindings.push(list ? hole(bound, seg.context) : own(scalars[0]!) ? hole({ _tag: 'Raw', text: '' }, seg.context) : hole(scalars[0]!, seg.context))
  }
  const body = r.fromFiles([...names]) + r.guard([...arith].map(([name, label]) => ({ name, label }))) + text
  return { text: body.endsWith('\n') ? body : `${body}\n`, bindings, artifacts: [...artifacts] }
}

const hole = (value: HoleValue, context: HoleContext): Segment => ({ _tag: 'Hole', value, context })
const text = (s: string): Segment => ({ _tag: 'Text', text: s })

/** A heredoc delimiter that is no line of `body`. */
const delimiterFor = (base: string, body: string): string => {
  const lines = new Set(body.split('\n'))
  let d = base
  for (let n = 2; lines.has(d); n++) d = `${base}_${n}`
  return d
}

/**
 * The awk JSON reader (POSIX awk: mawk, gawk, busybox) that splits a group: `n` (how many slices), `pool`,
 * and for slice j `j.index`, `j.key` (when keyed) and `j.in.INPUT` (its element's wire: a string as it is,
 * anything else as JSON) — all written by awk, never through a shell.
 */
const SPLIT_AWK = String.raw`
function skipws() { while (p <= n && index(" \t\r\n", substr(s, p, 1))) p++ }
function parse(t) { s = t; p = 1; n = length(s) }
function strend(   c) { p++; while (p <= n) { c = substr(s, p, 1); if (c == "\\") p += 2; else if (c == "\"") { p++; return } else p++ } }
function val(   c, start, depth) {
  skipws(); start = p; c = substr(s, p, 1)
  if (c == "\"") { strend(); return substr(s, start, p - start) }
  if (c == "{" || c == "[") {
    depth = 0
    while (p <= n) {
      c = substr(s, p, 1)
      if (c == "\"") { strend(); continue }
      if (c == "{" || c == "[") depth++
      else if (c == "}" || c == "]") { depth--; if (depth == 0) { p++; break } }
      p++
    }
    return substr(s, start, p - start)
  }
  while (p <= n && !index(",}] \t\r\n", substr(s, p, 1))) p++
  return substr(s, start, p - start)
}
function members(prefix,   k, c) {
  skipws(); p++; skipws()
  if (substr(s, p, 1) == "}") { p++; return }
  while (p <= n) {
    k = unstr(val()); skipws(); p++
    raw[prefix k] = val(); skipws()
    c = substr(s, p, 1); p++
    if (c != ",") return
  }
}
function elements(prefix,   i, c) {
  skipws(); p++; skipws()
  if (substr(s, p, 1) == "]") { p++; return 0 }
  i = 0
  while (p <= n) { raw[prefix i] = val(); i++; skipws(); c = substr(s, p, 1); p++; if (c != ",") return i }
  return i
}
function hex(h,   i, v) { v = 0; h = tolower(h); for (i = 1; i <= 4; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
function utf8(c) {
  if (c < 128) return sprintf("%c", c)
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
  return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function unstr(r,   body, out, k, e, u, l) {
  if (substr(r, 1, 1) != "\"") return r
  body = substr(r, 2, length(r) - 2); out = ""
  while ((k = index(body, "\\")) > 0) {
    out = out substr(body, 1, k - 1); e = substr(body, k + 1, 1)
    if (e == "u") {
      u = hex(substr(body, k + 2, 4)); body = substr(body, k + 6)
      if (u >= 55296 && u < 56320 && substr(body, 1, 2) == "\\u") { l = hex(substr(body, 3, 4)); if (l >= 56320 && l < 57344) { u = 65536 + (u - 55296) * 1024 + (l - 56320); body = substr(body, 7) } }
      if (u > 0) out = out utf8(u)
    } else {
      out = out (e == "n" ? "\n" : e == "t" ? "\t" : e == "r" ? "\r" : e == "b" ? "\b" : e == "f" ? "\f" : e)
      body = substr(body, k + 2)
    }
  }
  return out body
}
function put(file, v) { printf "%s", v > file; close(file) }
{ text[FILENAME] = (FILENAME in text) ? text[FILENAME] "\n" $0 : $0 }
END {
  parse(text[ARGV[1]]); members("g.")
  parse(text[ARGV[2]]); members("s.")
  parse(raw["s.sliced"]); members("m.")
  parse(raw["g._slices"]); count = elements("i.")
  nf = 0
  for (k in raw) if (substr(k, 1, 2) == "g." && k != "g._index" && k != "g._slices") fields[++nf] = substr(k, 3)
  for (f = 1; f <= nf; f++) { parse(raw["g." fields[f]]); elements("f." fields[f] ".") }
  ni = 0
  for (k in raw) if (substr(k, 1, 2) == "m.") { inputs[++ni] = substr(k, 3); fieldOf[ni] = unstr(raw[k]) }
  nk = 0
  if ("s.key" in raw) { parse(raw["s.key"]); nk = elements("k.") }
  put(dir "/n", count)
  put(dir "/pool", raw["s.pool"])
  for (j = 0; j < count; j++) {
    idx = raw["i." j]
    put(dir "/" j ".index", idx)
    for (x = 1; x <= ni; x++) put(dir "/" j ".in." inputs[x], fieldOf[x] == "_index" ? idx : unstr(raw["f." fieldOf[x] "." j]))
    if (nk) {
      key = ""
      for (x = 0; x < nk; x++) {
        part = raw["k." x]
        if (substr(part, 1, 1) == "\"") key = key unstr(part)
        else { parse(part); members("kp."); field = unstr(raw["kp.field"]); key = key (field == "_index" ? idx : unstr(raw["f." field "." j])) }
      }
      put(dir "/" j ".key", key)
    }
  }
}
`

/** The awk that reads what each slice left and writes the report and the stacked output parameters (the template's outputs are set in BEGIN, before this). */
const COLLECT_AWK = String.raw`
function readf(f,   line, out, first, r) {
  out = ""; first = 1
  while ((r = (getline line < f)) > 0) { out = first ? line : out "\n" line; first = 0 }
  close(f)
  found = (r == 0 || !first)
  return out
}
function jstr(v,   out, i, c, k, m) {
  out = ""; m = length(v)
  for (i = 1; i <= m; i++) {
    c = substr(v, i, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"
    else if ((k = index(ctl, c)) > 0) out = out sprintf("\\u%04x", k)
    else out = out c
  }
  return "\"" out "\""
}
function tail(f,   line, last) { last = ""; while ((getline line < f) > 0) if (line != "") last = line; close(f); return last }
END {
  for (k = 1; k < 32; k++) ctl = ctl sprintf("%c", k)
  count = readf(dir "/n") + 0
  report = ""; fails = 0; why = ""
  for (j = 0; j < count; j++) {
    idx = readf(dir "/" j ".index")
    key = readf(dir "/" j ".key"); keyed = found
    rc = readf(dir "/" j ".rc") + 0
    msg = ""; outs = ""
    if (rc != 0) { last = tail(dir "/" j ".log"); msg = "exit code " rc (last != "" ? ": " last : "") }
    else {
      for (o = 1; o <= np; o++) {
        v = readf(slices "/" idx "/" path[o])
        if (!found) { if (hasDefault[o]) v = dflt[o]; else { msg = msg (msg != "" ? "; " : "") "output parameter \"" name[o] "\": " path[o] " was not written and it has no default"; continue } }
        outs = outs (outs != "" ? "," : "") jstr(name[o]) ":" jstr(v); got[o] = v
      }
      problems = readf(dir "/" j ".problems"); if (found) msg = msg (msg != "" ? "; " : "") problems
    }
    entry = "{\"index\":" idx (keyed ? ",\"key\":" jstr(key) : "")
    if (msg == "") {
      arts = ""
      if (na) { while ((getline line < (dir "/" j ".arts")) > 0) arts = arts (arts != "" ? "," : "") jstr(line); close(dir "/" j ".arts"); arts = ",\"artifacts\":[" arts "]" }
      entry = entry ",\"phase\":\"Succeeded\",\"outputs\":{" outs "}" arts "}"
      for (o = 1; o <= np; o++) list[o] = list[o] (list[o] != "" ? "," : "") jstr(got[o])
    } else {
      fails++
      entry = entry ",\"phase\":\"Failed\",\"outputs\":{},\"message\":" jstr(msg) "}"
      why = why (why != "" ? "; " : "") "slice " idx (keyed ? " (" key ")" : "") ": " msg
    }
    report = report (j ? "," : "") entry
  }
  printf "%s", "[" report "]" > (stacked "/` + SLICES_REPORT + String.raw`"); close(stacked "/` + SLICES_REPORT + String.raw`")
  for (o = 1; o <= np; o++) { printf "%s", "[" list[o] "]" > (stacked "/" name[o]); close(stacked "/" name[o]) }
  if (fails) { printf "%d of %d slices failed: %s\n", fails, count, why > (dir "/failed"); close(dir "/failed") }
}
`

/**
 * The template a grouped slice of the script template `t0` calls: a POSIX sh wrapper given its group's item
 * ({@link GROUP_INPUT}) instead of the inputs `sliced`, and how to slice ({@link SLICING_INPUT}), that runs
 * `t0`'s script (with `t0`'s command) once per slice of the group, the pool's size at a time (-1: all), each
 * in its own folder `dflow-slices/INDEX` with its inputs set to its elements and its outputs under that folder;
 * it stacks each output parameter into a list in slice order (`dflow-stacked/NAME`), moves each output
 * artifact to entry INDEX of `dflow-stack/NAME`, and reports every slice ({@link SLICES_REPORT}), exactly as
 * a function OP's group does (`groupedFn`). A slice that fails (its exit code, or a missing output) is
 * reported Failed with why; the other slices still run, and the call fails once all have ended, naming each
 * failed slice. One template per `t0` and sliced inputs: `NAME-slices-INPUTS`.
 *
 * @example
 * ```ts
 * groupedScript(explore, ['conf']).name // 'explore-slices-conf'
 * ```
 */
export const groupedScript = (t0: ScriptTemplate, sliced: readonly string[]): ScriptTemplate => {
  const names = [...sliced].sort()
  const id = names.join(',')
  const known = made.get(t0)?.get(id)
  if (known) return known
  const problems = outputProblems(t0)
  if (problems.length) throw new DflowError(problems)
  const specs = t0.inputs as IoSpec
  const outs = t0.outputs as IoSpec
  const inputs = Object.fromEntries([...groupInputs(specs, names), [GROUP_INPUT, param(t.unknown)], [SLICING_INPUT, param(t.string)]]) as IoSpec
  // Sliced input artifacts: the call stages the whole artifact; each slice gets its part of it.
  const parts = names.filter((n) => specs[n]!._tag === 'Artifact')
  const params = Object.entries(outs).filter((e): e is [string, ParamSpec<unknown, boolean>] => e[1]._tag === 'Param')
  const artifacts = Object.entries(outs).filter((e): e is [string, ArtifactSpec] => e[1]._tag === 'Artifact')
  const outputs = Object.fromEntries([
    ...params.map(([k, s]) => [k, { ...s, codec: listOf(s.codec), default: undefined, path: `${STACKED_DIR}/${k}` }]),
    ...artifacts.map(([k, s]) => [k, { ...s, optional: false, path: `dflow-stack/${k}` }]),
    [SLICES_REPORT, param(t.unknown, { path: `${STACKED_DIR}/${SLICES_REPORT}` })],
  ]) as IoSpec
  const inner = innerScript(t0, new Set(names))
  const refs = refsOf(inputs, { kind: 'input' }) as Record<string, Scalar>
  const delim = delimiterFor('DFLOW_SCRIPT', inner.text)
  const awkDelim = 'DFLOW_AWK'
  const collectBegin = [
    `BEGIN { np = ${params.length}; na = ${artifacts.length}`,
    ...params.map(([k, s], o) => `  name[${o + 1}] = ${awkString(k)}; path[${o + 1}] = ${awkString(slicePath(k, s))}; hasDefault[${o + 1}] = ${s.default ? 1 : 0}; dflt[${o + 1}] = ${awkString(s.default ? encodeParam(s.codec, s.default.value) : '')}`),
    '}',
  ].join('\n')
  const outDirs = [...new Set([...params, ...artifacts].flatMap(([k, s]) => dirOf(slicePath(k, s)) ?? []))]
  const perSlice = [
    ...parts.map((n) => {
      const v = envNameOf(refsOf({ [n]: specs[n]! }, { kind: 'input' })[n] as Scalar, '')
      const declared = specs[n]!.path
      // The part at the input's hole, and at its declared path when that is relative (each slice runs in its own folder).
      const link = declared !== undefined && !declared.startsWith('/') ? `    ${dirOf(declared) ? `mkdir -p ${q(dirOf(declared)!)} && ` : ''}ln -s "$dflow_part" ${q(declared)} || exit 2\n` : ''
      return `    dflow_part="$dflow_whole_${wholeName(n)}/$(cat "$dflow_g/$dflow_j.in.${n}")"; [ -e "$dflow_part" ] || { echo "input artifact \"${n}\": its part $(cat "$dflow_g/$dflow_j.in.${n}") is not in the staged artifact" >&2; exit 2; }\n    ${v}="$dflow_part"; export ${v}\n${link}`
    }),
    ...names.filter((n) => !parts.includes(n)).map((n) => {
      const v = envNameOf(refsOf({ [n]: specs[n]! }, { kind: 'input' })[n] as Scalar, '')
      return `    unset ${v}; dflow_file_${v.replace(/^dflow_/, '')}="$dflow_g/$dflow_j.in.${n}"; export dflow_file_${v.replace(/^dflow_/, '')}\n`
    }),
    ...[...params, ...artifacts].map(([k, s]) => `    dflow_out_${k.replace(/[^A-Za-z0-9_]/g, '_')}="$dflow_d"/${q(slicePath(k, s))}; export dflow_out_${k.replace(/[^A-Za-z0-9_]/g, '_')}\n`),
  ].join('')
  // A slice's links to its parts go when it ends: they point into the staged artifact by absolute path, which a
  // dispatcher job's folder fetched back over SSH must not hold (such a link is refused as leaving the folder).
  const unlinks = parts
    .map((n) => specs[n]!.path)
    .filter((d): d is string => d !== undefined && !d.startsWith('/'))
    .map((d) => `  if [ -L "$dflow_d"/${q(d)} ]; then rm -f "$dflow_d"/${q(d)}; fi\n`)
    .join('')
  const moves = artifacts
    .map(([k, s]) => {
      const p = slicePath(k, s)
      const missing = s.optional ? '' : ` else printf '%s\\n' ${q(`output artifact "${k}": ${p} was not written`)} >> "$dflow_g/$dflow_j.problems";`
      return `    if [ -e "$dflow_d"/${q(p)} ] || [ -L "$dflow_d"/${q(p)} ]; then mv -- "$dflow_d"/${q(p)} "$dflow_w"/${q(`dflow-stack/${k}`)}/"$dflow_i" && printf '%s\\n' ${q(k)} >> "$dflow_g/$dflow_j.arts";${missing} fi\n`
    })
    .join('')
  const segments: Segment[] = [
    text(`# A grouped slice of ${t0.name.replace(/\n/g, ' ')}: runs its script once per slice (see dflow-ts groupedScript).\n: <<'DFLOW_HOLES'\n`),
    ...inner.bindings,
    text(`\nDFLOW_HOLES\n`),
    text(`dflow_w=$(pwd)\ndflow_g="$dflow_w/${GROUP_DIR}"\nmkdir -p "$dflow_g" "$dflow_w/dflow-slices" "$dflow_w/${STACKED_DIR}"${artifacts.map(([k]) => ` "$dflow_w"/${q(`dflow-stack/${k}`)}`).join('')} || exit 2\n`),
    ...inner.artifacts.map((n) => text(`case "\${${n}:-}" in /*|'') ;; *) ${n}="$dflow_w/\${${n}}"; export ${n};; esac\n`)),
    ...parts.flatMap((n) => [
      text(`dflow_whole_${wholeName(n)}="`),
      hole(refs[n]!, 'dquote'),
      text(`"; case "$dflow_whole_${wholeName(n)}" in /*) ;; *) dflow_whole_${wholeName(n)}="$dflow_w/$dflow_whole_${wholeName(n)}";; esac\n`),
    ]),
    text(`printf '%s' "`),
    hole(refs[GROUP_INPUT]!, 'dquote'),
    text(`" > "$dflow_g/group.json" || exit 2\nprintf '%s' "`),
    hole(refs[SLICING_INPUT]!, 'dquote'),
    text(
      [
        `" > "$dflow_g/slicing.json" || exit 2`,
        `cat > "$dflow_g/script" <<'${delim}'`,
        `${inner.text}${delim}`,
        `cat > "$dflow_g/split.awk" <<'${awkDelim}'`,
        `${SPLIT_AWK.trim()}`,
        awkDelim,
        `cat > "$dflow_g/collect.awk" <<'${awkDelim}'`,
        collectBegin,
        `${COLLECT_AWK.trim()}`,
        awkDelim,
        `LC_ALL=C awk -v dir="$dflow_g" -f "$dflow_g/split.awk" "$dflow_g/group.json" "$dflow_g/slicing.json" || { echo 'dflow: cannot read the group of slices' >&2; exit 2; }`,
        `dflow_n=$(cat "$dflow_g/n")`,
        `dflow_pool=$(cat "$dflow_g/pool")`,
        `if [ "$dflow_pool" -lt 1 ] || [ "$dflow_pool" -gt "$dflow_n" ]; then dflow_pool=$dflow_n; fi`,
        `dflow_slice() {`,
        `  dflow_j=$1`,
        `  dflow_i=$(cat "$dflow_g/$dflow_j.index")`,
        `  dflow_d="$dflow_w/dflow-slices/$dflow_i"`,
        `  mkdir -p "$dflow_d"${outDirs.map((d) => ` "$dflow_d"/${q(d)}`).join('')}`,
        `  (`,
        `    cd "$dflow_d" || exit 2`,
        `${perSlice}    exec ${t0.command.map(q).join(' ')} "$dflow_g/script"`,
        `  ) > "$dflow_g/$dflow_j.log" 2>&1`,
        `  dflow_rc=$?`,
        `  printf '%s' "$dflow_rc" > "$dflow_g/$dflow_j.rc"`,
        `  if [ "$dflow_rc" -eq 0 ]; then`,
        `${moves}    :`,
        `  fi`,
        `${unlinks}  cat "$dflow_g/$dflow_j.log"`,
        `}`,
        `# Slices are claimed one at a time (mkdir is atomic): the pool's workers take the next free slice.`,
        `dflow_worker() {`,
        `  dflow_next=0`,
        `  while [ "$dflow_next" -lt "$dflow_n" ]; do`,
        `    if mkdir "$dflow_g/claim.$dflow_next" 2>/dev/null; then dflow_slice "$dflow_next"; fi`,
        `    dflow_next=$((dflow_next + 1))`,
        `  done`,
        `}`,
        `dflow_k=0`,
        `while [ "$dflow_k" -lt "$dflow_pool" ]; do dflow_worker & dflow_k=$((dflow_k + 1)); done`,
        `wait`,
        `LC_ALL=C awk -v dir="$dflow_g" -v slices="$dflow_w/dflow-slices" -v stacked="$dflow_w/${STACKED_DIR}" -f "$dflow_g/collect.awk" /dev/null || exit 2`,
        `if [ -e "$dflow_g/failed" ]; then cat "$dflow_g/failed" >&2; exit 1; fi`,
        '',
      ].join('\n'),
    ),
  ]
  const { script: _s, ...rest } = t0 as ScriptTemplate & { script?: unknown }
  const template = Object.freeze({
    ...rest,
    name: `${t0.name}${GROUPED_SUFFIX}-${names.map((n) => n.toLowerCase().replace(/[^a-z0-9]+/g, '-')).join('-')}`,
    inputs,
    outputs,
    source: Object.freeze({ _tag: 'Script' as const, lang: 'sh' as const, segments: Object.freeze(segments) }),
    command: Object.freeze(['sh']),
  }) as ScriptTemplate
  made.set(t0, (made.get(t0) ?? new Map()).set(id, template))
  registerGrouped(template, t0)
  return template
}

/** The grouped templates made of each script template, by their sliced inputs (so that equal groupings share one). */
const made = new WeakMap<ScriptTemplate, Map<string, ScriptTemplate>>()
