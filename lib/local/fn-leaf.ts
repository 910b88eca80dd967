import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { FnTemplate, IoSpec } from 'dflow-ts'
import type { FnJob } from '../fn/runtime.ts'
import { runInWorker } from './fn-pool.ts'
import { PRIVATE_DIR, PRIVATE_FILE } from '../run/layout.ts'
import type { LeafResult } from '../engine/executor.ts'
import { errorResult, launchLeaf, leafEnv, prepareLeaf, type LeafContext } from './leaf.ts'
import { storageMessage } from '../run/storage-error.ts'
import type { Value } from '../engine/values.ts'

/**
 * Runs one call of a function OP locally: prepares the work folder and inputs as for a script (big
 * parameters are written to `inputs/parameters/NAME` and passed as files), then runs it in a worker
 * process (`fn-pool.ts`) that checks the inputs, runs the body and checks and writes the outputs, which
 * are then collected like a script's.
 *
 * @example
 * ```ts
 * const r = await runFnLeaf('step', duplicate, { msg: { kind: 'param', wire: 'Hello' }, … }, ctx, signal)
 * r.outputs.msg // { kind: 'param', wire: 'HelloHelloHello' }
 * ```
 */
export const runFnLeaf = async (id: string, t: FnTemplate, inputs: Readonly<Record<string, Value>>, ctx: LeafContext, signal: AbortSignal, key: string): Promise<LeafResult> => {
  const p = await prepareLeaf(id, t, inputs, ctx)
  if ('phase' in p) return p
  const params: Record<string, FnJob['params'][string]> = {}
  const artifacts: Record<string, string | null> = {}
  for (const [name, v] of Object.entries(inputs)) {
    if (v.kind === 'artifact') {
      artifacts[name] = v.path === null ? null : p.staged[name]!
      continue
    }
    if ((t.inputs as IoSpec)[name]?._tag === 'Param' && ((t.inputs as IoSpec)[name] as { big?: boolean }).big) {
      const file = ctx.layout.io(id, 'inputs', 'parameters', name)
      try {
        mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR })
        writeFileSync(file, v.wire, { mode: PRIVATE_FILE })
      } catch (e) {
        return errorResult(storageMessage(e))
      }
      params[name] = { file }
    } else params[name] = { wire: v.wire }
  }
  const env = leafEnv(t, ctx)
  const job: FnJob = { params, artifacts, outputs: p.outPaths, workdir: p.workdir, key, workflowName: ctx.runId, ...(ctx.progressFile ? { progressFile: ctx.progressFile } : {}) }
  return launchLeaf(id, t, p, ctx, signal, () => runInWorker({ module: t.module, name: t.name, job, env, logPath: ctx.layout.log(id) }, signal, ctx.killGraceSeconds, ctx.reuseWorkers ?? true), `function OP ${t.name}`)
}
