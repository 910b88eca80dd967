import { spawnSync } from 'node:child_process'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../scripts/expr-oracle.sh', import.meta.url))

/** One case for the oracle: the syntax Argo reads it with, the text, and Argo's flat variables. @example const c: OracleCase = { syntax: 'expr', text: '1 + 2', env: {} } */
export interface OracleCase {
  readonly syntax: 'expr' | 'template' | 'when' | 'govaluate'
  readonly text: string
  readonly env: Readonly<Record<string, unknown>>
}

/** What the oracle answers: the Go value (its type, its JSON when it has one, its `%v`), or the error. @example const r: OracleResult = { ok: true, type: 'int', value: 3, text: '3' } */
export interface OracleResult {
  readonly ok: boolean
  readonly type?: string
  readonly value?: unknown
  readonly text?: string
  readonly error?: string
}

/**
 * The path of the expression oracle (test/oracle, built by scripts/expr-oracle.sh, cached), or undefined
 * with a visible notice when Go or Debian's packages are missing; with `DFLOW_REQUIRE_SERVICES=1` (CI) a
 * missing oracle is an error: this throws, and the suite counts a failed test for it.
 *
 * @example
 * ```ts
 * const bin = oracleBinary() // '~/.cache/dflow-ts/expr-oracle/expr-oracle-…' (under $HOME)
 * ```
 */
export const oracleBinary = (): string | undefined => {
  const r = spawnSync('bash', [script], { encoding: 'utf8' })
  if (r.status === 0) return r.stdout.trim()
  const why = `the expression oracle could not be built (scripts/expr-oracle.sh: ${r.stderr.trim().split('\n').join('; ')})`
  if (process.env['DFLOW_REQUIRE_SERVICES'] === '1') throw new Error(`${why}; DFLOW_REQUIRE_SERVICES=1 requires it`)
  process.stdout.write(`NOTICE: skipping the expression oracle: ${why} (DFLOW_REQUIRE_SERVICES=1 makes this an error)\n`)
  return undefined
}

/** Runs cases through the oracle in one process, in order. @example runOracle(bin, [{ syntax: 'expr', text: '7 / 2', env: {} }]) // [{ ok: true, type: 'float64', value: 3.5, … }] */
export const runOracle = (bin: string, cases: readonly OracleCase[]): OracleResult[] => {
  const r = spawnSync(bin, [], { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`the oracle failed (exit ${r.status}): ${r.stderr}`)
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as OracleResult)
  if (out.length !== cases.length) throw new Error(`the oracle answered ${out.length} of ${cases.length} cases`)
  return out
}

/**
 * How a local value differs from the oracle's answer, or undefined when they are the same value: numbers
 * by value (an int and a float alike; `-0`, `NaN` and infinities by their Go text), lists and maps deeply,
 * `null` as Go's nil.
 *
 * @example
 * ```ts
 * differs(3, { ok: true, type: 'int', value: 3, text: '3' }) // undefined
 * ```
 */
export const differs = (local: unknown, r: OracleResult): string | undefined => {
  if (!r.ok) return `the oracle fails: ${r.error}`
  if (typeof local === 'number' && !Number.isFinite(local)) {
    const want = Number.isNaN(local) ? 'NaN' : local > 0 ? '+Inf' : '-Inf'
    return r.text === want ? undefined : `locally ${want}, the oracle ${r.type} ${r.text}`
  }
  if (local === null || local === undefined) return r.type === '<nil>' ? undefined : `locally null, the oracle ${r.type} ${r.text}`
  if (typeof local === 'number') return typeof r.value === 'number' && Object.is(r.value, local) ? undefined : `locally ${Object.is(local, -0) ? '-0' : local}, the oracle ${r.type} ${r.text}`
  return isDeepStrictEqual(local, r.value) ? undefined : `locally ${JSON.stringify(local)}, the oracle ${r.type} ${JSON.stringify(r.value) ?? r.text}`
}
