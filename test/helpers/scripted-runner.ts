import { setTimeout as sleep } from 'node:timers/promises'
import { groupNodeName, nodeId, stepNodeName } from '../../lib/argo/node-names.ts'
import type { NodeIo, NodeReport, Runner, RunOutcome } from '../../lib/argo/server/runner.ts'

/**
 * A TEST-ONLY stand-in for the real runner (Argo YAML → the importer → the engine), which the lead wires
 * once the importer lands: it runs nothing. It replays node transitions for a steps workflow, one step
 * per group, as the given plan says: each step's pod goes Pending → Running, prints its log, waits `ms`,
 * and ends Succeeded with its outputs (or Failed). It honours what the server's seam asks of any runner:
 * it waits while suspended before starting a step, stops on the signal, and reuses the steps a retry
 * kept Succeeded in `status.nodes`.
 *
 * @example
 * ```ts
 * const runner = scriptedRunner([{ name: 'hello', template: 'hello', log: 'hi\n', outputs: { parameters: [{ name: 'msg', value: '1' }] } }])
 * ```
 */
export interface ScriptedStep {
  readonly name: string
  readonly template: string
  readonly log?: string
  readonly ms?: number
  readonly fail?: boolean | ((attempt: number) => boolean)
  readonly outputs?: NodeIo
  /** The step ends only once this settles (the test releases it). */
  readonly until?: Promise<unknown>
  /** Steps run side by side in this step's group (a fan-out). */
  readonly fanOut?: number
}

export const scriptedRunner = (plan: readonly ScriptedStep[] | ((wf: { metadata: { name?: string } }) => readonly ScriptedStep[]), counts: { runs: number } = { runs: 0 }): Runner =>
  async (wf, control): Promise<RunOutcome> => {
    counts.runs++
    const attempt = counts.runs
    const steps = typeof plan === 'function' ? plan(wf) : plan
    const root = wf.metadata.name!
    const kept = ((wf['status'] as { nodes?: Record<string, { phase?: string }> } | undefined)?.nodes ?? {}) as Record<string, { phase?: string }>
    const entry = String((wf['spec'] as { entrypoint?: string }).entrypoint ?? 'main')
    control.node({ name: root, type: 'Steps', templateName: entry, phase: 'Running' })
    let failed = false
    for (const [i, s] of steps.entries()) {
      await control.proceed()
      if (control.signal.aborted) break
      const group = groupNodeName(root, i)
      control.node({ name: group, type: 'StepGroup', parent: root, boundary: root, phase: 'Running' })
      const names = s.fanOut === undefined ? [s.name] : Array.from({ length: s.fanOut }, (_, k) => `${s.name}(${k}:${k})`)
      for (const n of names) {
        const node = stepNodeName(group, n)
        if (kept[nodeId(root, node)]?.phase === 'Succeeded') continue // a retry keeps what succeeded
        control.node({ name: node, type: 'Pod', templateName: s.template, parent: group, boundary: root, phase: 'Pending', image: 'alpine:3.20' })
      }
      for (const n of names) {
        const node = stepNodeName(group, n)
        if (kept[nodeId(root, node)]?.phase === 'Succeeded') continue
        control.node({ name: node, phase: 'Running' })
        if (s.log) control.log(node, s.log)
      }
      if (s.ms) await sleep(s.ms, undefined, { signal: control.signal }).catch(() => {})
      if (s.until) await Promise.race([s.until, new Promise((r) => control.signal.addEventListener('abort', r, { once: true }))])
      if (control.signal.aborted) break
      const fails = typeof s.fail === 'function' ? s.fail(attempt) : s.fail === true
      for (const n of names) {
        const node = stepNodeName(group, n)
        if (kept[nodeId(root, node)]?.phase === 'Succeeded') continue
        control.node({ name: node, phase: fails ? 'Failed' : 'Succeeded', ...(fails ? { message: 'Error (exit code 1)', outputs: { exitCode: '1' } } : { outputs: { ...s.outputs, exitCode: '0' } }) })
      }
      control.node({ name: group, phase: fails ? 'Failed' : 'Succeeded' })
      if (fails) {
        failed = true
        break
      }
    }
    if (control.signal.aborted) return { phase: 'Failed' }
    control.node({ name: root, phase: failed ? 'Failed' : 'Succeeded' })
    return failed ? { phase: 'Failed', message: 'child failed' } : { phase: 'Succeeded' }
  }
