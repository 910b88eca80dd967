import { existsSync, readFileSync } from 'node:fs'
import { SLICING_INPUT } from 'dflow-ts'
import { findFn } from './find.ts'
import { runFn, type FnJob } from './runtime.ts'

/**
 * Where a function OP finds its inputs and puts its outputs in an Argo pod: parameters in environment
 * variables (bound to `{{inputs.parameters.NAME}}`) or files (big parameters, input artifacts), artifacts
 * and outputs at fixed paths. Embedded in the compiled script as JSON.
 *
 * @example
 * ```ts
 * const plan: PodPlan = { params: { num: { env: 'dflow_in_num' } }, artifacts: { foo: '/tmp/inputs/artifacts/foo' }, outputs: { msg: '/tmp/dflow-param-msg' } }
 * ```
 */
export interface PodPlan {
  readonly params: Readonly<Record<string, { readonly env: string } | { readonly file: string }>>
  readonly artifacts: Readonly<Record<string, string>>
  readonly outputs: Readonly<Record<string, string>>
}

/**
 * The entry of a compiled function OP in its pod: finds the OP among the bundled module's exports, builds
 * the call from the pod's environment and paths, runs it and exits with its code. The key is the pod's
 * name, the workflow name Argo's; progress goes to ARGO_PROGRESS_FILE.
 *
 * @example
 * ```ts
 * podMain(moduleExports, 'duplicate', plan) // exits 0, 1 (transient) or 2 (fatal)
 * ```
 */
export const podMain = (exports: Readonly<Record<string, unknown>>, name: string, plan: PodPlan): void => {
  const slicing = plan.params[SLICING_INPUT]
  // A grouped slice's call says how it slices in an environment variable (Argo) or a file (a dispatcher job's string parameters).
  const t = findFn(exports, name, slicing === undefined ? undefined : 'env' in slicing ? process.env[slicing.env] : existsSync(slicing.file) ? readFileSync(slicing.file, 'utf8') : undefined)
  if (!t) {
    process.stderr.write(`no function OP named "${name}" in the bundled module\n`)
    process.exit(2)
  }
  const env = process.env
  const job: FnJob = {
    params: Object.fromEntries(Object.entries(plan.params).map(([k, v]) => [k, 'env' in v ? { wire: env[v.env] ?? '' } : v])),
    artifacts: Object.fromEntries(Object.entries(plan.artifacts).map(([k, p]) => [k, existsSync(p) ? p : null])),
    outputs: plan.outputs,
    workdir: process.cwd(),
    // A step called with a key passes it (dflow_key); otherwise the pod's name identifies the call.
    key: env['dflow_key'] || env['dflow_step_name'] || '',
    workflowName: env['dflow_workflow_name'] ?? '',
    ...(env['ARGO_PROGRESS_FILE'] ? { progressFile: env['ARGO_PROGRESS_FILE'] } : {}),
  }
  void runFn(t, job, (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then((code) => process.exit(code))
}
