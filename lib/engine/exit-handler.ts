import type { Node } from 'dflow-ts'
import type { interpreter, Outcome } from './interpret.ts'
import { EMPTY_IO, type StepRecord } from '../run/records.ts'
import type { Value, WorkflowOutputs } from './values.ts'

/** What the exit handler needs from the run. @example runExitHandler(node, outcome, { params, records, startedAt, interpreterWith, record }) */
export interface ExitContext {
  readonly params: Readonly<Record<string, Value>>
  /** The run's workflow outputs: the handler reads what the body exported. */
  readonly globals?: WorkflowOutputs
  /** Every step record of the body, for `workflowFailures`. */
  readonly records: readonly StepRecord[]
  readonly startedAt: string
  /** An interpreter whose steps see these workflow parameters. */
  readonly interpreterWith: (params: Record<string, Value>) => ReturnType<typeof interpreter>
  readonly record: (r: StepRecord) => void
}

const param = (wire: string): Value => ({ kind: 'param', wire })

/**
 * Runs the workflow's exit handler after the body, whatever its outcome: its steps (ids `onExit.NAME`)
 * see `workflowStatus`, `workflowFailures` (the failed steps as Argo lists them) and `workflowDuration`.
 * The run fails if the body failed or the handler failed.
 *
 * @example
 * ```ts
 * const outcome = await runExitHandler(wf.onExit, bodyOutcome, ctx)
 * ```
 */
export const runExitHandler = async (node: Node, body: Outcome, ctx: ExitContext): Promise<Outcome> => {
  const status = body.ok ? 'Succeeded' : 'Failed'
  const failures = ctx.records
    .filter((r) => (r.phase === 'Failed' || r.phase === 'Error') && r.type === 'Pod')
    .map((r) => ({ displayName: r.name, message: r.message ?? '', templateName: r.template, phase: r.phase, podName: r.id, finishedAt: r.finishedAt ?? '' }))
  const params = {
    ...ctx.params,
    $status: param(status),
    $failures: param(JSON.stringify(failures)),
    $duration: param(String((Date.now() - Date.parse(ctx.startedAt)) / 1000)),
  }
  const startedAt = new Date().toISOString()
  const base = { id: 'onExit', name: 'onExit', parent: null, type: 'Steps' as const, template: 'onExit', inputs: EMPTY_IO, outputs: EMPTY_IO, startedAt }
  ctx.record({ ...base, phase: 'Running' })
  // A fresh signal: the handler runs even when the body was stopped.
  const o = await ctx.interpreterWith(params).run(node, { scope: { inputs: {}, params, steps: new Map(), ...(ctx.globals ? { globals: ctx.globals } : {}) }, depth: 0, parent: 'onExit', signal: new AbortController().signal })
  ctx.record({ ...base, phase: o.ok ? 'Succeeded' : 'Failed', finishedAt: new Date().toISOString(), ...(o.failure && !o.ok ? { message: o.failure } : {}) })
  if (!body.ok) return body
  return o.ok ? body : { ok: false, clean: false, failure: `exit handler: ${o.failure ?? 'failed'}` }
}
