import { relative } from 'node:path'
import type { FnTemplate, IoSpec } from 'dflow-ts'
import type { PodPlan } from '../fn/argo-main.ts'
import { esbuildBundler } from '../fn/bundle.ts'
import type { RunLayout } from '../run/layout.ts'
import { localPath } from '../workdir/paths.ts'

const isBig = (s: IoSpec[string]): boolean => s._tag === 'Param' && !!(s as { big?: boolean }).big

/**
 * Codecs whose wire value is always short (a number, a boolean): passed in the job's environment. Any other
 * parameter (a list, a record, a string) reaches the job as a file — an environment variable holds at most
 * 128 KiB, and a job's whole environment and arguments 2 MiB (a fan-in of 1,000 calls' outputs is more).
 */
const SMALL = /^(number|boolean|Int|Integer)$/

/**
 * Where a function OP's job finds its inputs and puts its outputs: the same places as a local step's (see
 * lib/workdir), written relative to the step's work folder — the job runs in it, wherever that folder is —
 * so one plan (and one bundle) serves every call of the template. Numbers and booleans come in environment
 * variables (`dflow_in_NAME`), every other parameter in a file.
 *
 * @example
 * ```ts
 * fnPlan(layout, 'step', duplicate) // { params: { msg: { file: '../inputs/parameters/msg' } }, artifacts: { foo: '../inputs/artifacts/foo' }, outputs: { msg: '../outputs/parameters/msg' } }
 * ```
 */
export const fnPlan = (layout: RunLayout, id: string, t: FnTemplate): PodPlan => {
  const workdir = layout.workdir(id)
  const rel = (side: 'inputs' | 'outputs', kind: 'parameters' | 'artifacts', name: string, declared: string | undefined) =>
    relative(workdir, localPath(layout, id, side, kind, name, declared))
  const ins = Object.entries(t.inputs as IoSpec)
  return {
    params: Object.fromEntries(
      ins.filter(([, s]) => s._tag === 'Param').map(([n, s]) => [n, isBig(s) || (s._tag === 'Param' && !SMALL.test(s.codec.name)) ? { file: rel('inputs', 'parameters', n, undefined) } : { env: `dflow_in_${n.replace(/[^A-Za-z0-9_]/g, '_')}` }]),
    ),
    artifacts: Object.fromEntries(ins.filter(([, s]) => s._tag === 'Artifact').map(([n, s]) => [n, rel('inputs', 'artifacts', n, s.path)])),
    outputs: Object.fromEntries(Object.entries(t.outputs as IoSpec).map(([n, s]) => [n, rel('outputs', s._tag === 'Param' ? 'parameters' : 'artifacts', n, s.path)])),
  }
}

/**
 * The self-contained `node` script of a function OP for its jobs: the Argo compiler's bundle (the OP's module,
 * what it imports, and the runtime), so the machine that runs the job needs only `node` — not this checkout,
 * not its packages.
 *
 * @example
 * ```ts
 * writeFileSync('/runs/r1/scripts/duplicate.fn.js', fnBundle(duplicate, fnPlan(layout, 'step', duplicate)))
 * ```
 */
export const fnBundle = (t: FnTemplate, plan: PodPlan): string => esbuildBundler(t, plan)
