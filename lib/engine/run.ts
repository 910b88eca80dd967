import { setMaxListeners } from 'node:events'
import { DflowError, encodeParam, validate, type Feature, type ParamsSpec, type Workflow } from 'dflow-ts'
import type { DriverIdentity } from '../run/driver.ts'
import type { RunEvent } from '../run/events.ts'
import type { StepRecord, WorkflowOutputsRecord, WorkflowRecord } from '../run/records.ts'
import type { RunState, RunStore } from '../run/run-store.ts'
import { StorageError, storageMessage } from '../run/storage-error.ts'
import type { LeafExecutor } from './executor.ts'
import type { CompositePrior, Prior } from './prior.ts'
import { FINAL_PHASES } from '../run/records.ts'
import { runExitHandler } from './exit-handler.ts'
import { holds, interpreter } from './interpret.ts'
import { lifecycleHooks } from './hooks.ts'
import { artifactProblems, parameterProblems } from './parameters.ts'
import type { ArtifactValue, Value, WorkflowOutputs } from './values.ts'
import type { ArtifactLocation } from '../storage/location.ts'

/**
 * What a run of a workflow is given besides its parameters: its workflow artifacts' values, and the
 * language features the interpreter implements (`dsl/features.ts`; validation refuses the others).
 *
 * @example const given: RunInputs = { artifacts: { data: { kind: 'artifact', at: parseRef(REF) } }, supports: ['workflow-artifacts'] }
 */
export interface RunInputs {
  readonly artifacts?: Readonly<Record<string, ArtifactValue>>
  readonly supports?: readonly Feature[]
}

/**
 * Checks a workflow (with the features the interpreter supports) and the parameter values and workflow
 * artifacts given for a run of it, and encodes them as the engine reads them (wire strings; artifacts as
 * locations, an optional one not given as null — the body reads both as workflow references); throws a
 * `DflowError` listing every problem. Strings given are taken as wire values.
 *
 * @example
 * ```ts
 * runParameters(wf, { n: 3 }) // { n: { kind: 'param', wire: '3' } }
 * ```
 */
export const runParameters = (wf: Workflow<any>, given: Readonly<Record<string, unknown>>, inputs: RunInputs = {}): Record<string, Value> => {
  const wfProblems = validate(wf, { supports: inputs.supports ?? [] })
  if (wfProblems.length) throw new DflowError(wfProblems)
  const specs: ParamsSpec = wf.parameters
  const artifacts = inputs.artifacts ?? {}
  const problems = [...parameterProblems(wf, given), ...artifactProblems(wf, artifacts)]
  if (problems.length) throw new DflowError(problems)
  return {
    ...Object.fromEntries(Object.keys(wf.artifacts ?? {}).map((k): [string, Value] => [k, artifacts[k] ?? { kind: 'artifact', at: null }])),
    ...Object.fromEntries(
      Object.entries(specs).map(([k, spec]) => {
        const v = k in given ? given[k] : spec.default!.value
        return [k, { kind: 'param', wire: typeof v === 'string' ? v : encodeParam(spec.codec, v) }]
      }),
    ),
  }
}

/**
 * What one run of the engine is given: how leaves run, where records go, and the run's identity.
 *
 * @example
 * ```ts
 * const given: EngineRun = { runId: 'steps-1', params, executor, runs: folderRunStore(dir), baseDir: process.cwd(), driver: driverIdentity() }
 * ```
 */
export interface EngineRun {
  readonly runId: string
  /** The workflow's parameters, from {@link runParameters}. */
  readonly params: Readonly<Record<string, Value>>
  readonly executor: LeafExecutor
  readonly runs: RunStore
  /** Relative `localArtifact` paths are resolved against this folder. */
  readonly baseDir: string
  /** Who drives the run (recorded in the workflow record, so that a reader can tell whether it is still running). */
  readonly driver: DriverIdentity
  readonly signal?: AbortSignal
  readonly onEvent?: (e: RunEvent) => void
  /** Asked before each leaf call runs whether it need not (restart, reuse, cache): see `prior.ts`. */
  readonly prior?: Prior
  /** Asked before each composite call runs whether it need not, and given its outputs when it succeeds (memoize): see `prior.ts`. */
  readonly composite?: CompositePrior
  /**
   * A restart: what the earlier drivers of this run recorded. The run keeps its id, start time and records;
   * the workflow record notes the restart; a step they left unfinished that this driver does not reach again
   * ends Omitted.
   */
  readonly earlier?: RunState
}

/**
 * Runs a workflow to its end with Argo's semantics — the body, then its exit handler — recording every
 * change of state in the run store, and resolves with the final records. The run store refusing a record
 * (a full disk) stops the run, which ends Error saying so; records it refused are tried again at the end.
 * Rejects only when the first workflow record cannot be written.
 *
 * @example
 * ```ts
 * const { workflow, steps } = await runWorkflow(wf, { runId, params: runParameters(wf, {}), executor, runs, baseDir, driver })
 * workflow.status // 'Succeeded'
 * ```
 */
export const runWorkflow = async (wf: Workflow<any>, given: EngineRun): Promise<RunState> => {
  const { runs, params, executor } = given
  const emit = given.onEvent ?? (() => {})
  let wfRecord: WorkflowRecord
  const saveWorkflow = (r: WorkflowRecord) => {
    wfRecord = runs.saveWorkflow(r)
    emit({ type: 'workflow', workflow: wfRecord, dir: runs.where })
  }
  try {
    const parameters = Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (v.kind === 'param' ? [[k, v.wire]] : [])))
    const at = new Date().toISOString()
    const before = given.earlier?.workflow
    const { finishedAt: _f, message: _m, interrupted: _i, storedParameters: _s, outputs: _o, ...kept } = before ?? ({} as Partial<WorkflowRecord>)
    saveWorkflow(
      before
        ? { ...kept, name: wf.name, id: given.runId, status: 'Running', startedAt: before.startedAt, parameters, ...given.driver, restarts: [...(before.restarts ?? []), at] }
        : { name: wf.name, id: given.runId, status: 'Running', startedAt: at, parameters, ...given.driver },
    )
  } catch (e) {
    runs.close()
    throw e
  }

  const ctl = new AbortController()
  setMaxListeners(0, ctl.signal) // one listener per running step
  // The run store cannot be written (a full disk, a read-only file system): the run is stopped, and ends
  // Error saying so — recorded if the final state can still be written, else it reads as interrupted.
  let storageFailure: StorageError | undefined
  const storageFailed = (e: unknown) => {
    if (!(e instanceof StorageError)) throw e
    if (storageFailure) return
    storageFailure = e
    ctl.abort(`stopped: ${e.message}`)
  }
  const records = new Map<string, StepRecord>((given.earlier?.steps ?? []).map((r) => [r.id, r]))
  /** Steps an earlier driver left unfinished and this one has not recorded again. */
  const leftOver = new Set((given.earlier?.steps ?? []).filter((r) => !FINAL_PHASES.has(r.phase)).map((r) => r.id))
  /** Steps whose latest record could not be written: tried again at the end of the run. */
  const unwritten = new Set<string>()
  const append = (r: StepRecord) => {
    try {
      runs.append(r) // tried even after a failure: a record that fits is better kept
      unwritten.delete(r.id)
    } catch (e) {
      unwritten.add(r.id)
      storageFailed(e)
    }
  }
  const record = (r: StepRecord, write = true) => {
    records.set(r.id, r)
    leftOver.delete(r.id)
    if (write) append(r)
    emit({ type: 'step', step: r })
  }
  const outer = given.signal
  const onAbort = () => ctl.abort(typeof outer?.reason === 'string' ? outer.reason : 'terminated')
  if (outer?.aborted) onAbort()
  outer?.addEventListener('abort', onAbort, { once: true })
  const before = new Map((given.earlier?.steps ?? []).map((r) => [r.id, r]))
  const interpreterWith = (ps: Record<string, Value>) =>
    interpreter({ executor, runId: given.runId, params: ps, baseDir: given.baseDir, record, ...(given.prior ? { prior: given.prior } : {}), ...(given.composite ? { composite: given.composite } : {}), ...(given.earlier ? { earlier: (id: string) => before.get(id) } : {}) })
  /** The workflow outputs, shared by every scope of the run (see `exportGlobals`). */
  const globals: WorkflowOutputs = new Map()
  let final: WorkflowRecord
  try {
    // the run's creation, kept across restarts (Argo's workflow.creationTimestamp, to the second)
    const ps: Record<string, Value> = { ...params, $creationTimestamp: { kind: 'param', wire: wfRecord!.startedAt.replace(/\.\d+Z$/, 'Z') } }
    // the body reads workflow.status Running, as Argo's controller sets it at each pass (setGlobalRuntimeParameters
    // in operator.go: the workflow's phase), and the exit handler the outcome
    const running: Record<string, Value> = { ...ps, $status: { kind: 'param', wire: 'Running' } }
    const { run } = interpreterWith(running)
    // the workflow's lifecycle hooks (hooks.NAME), checked with workflow.status Running at the start and the body's
    // outcome at its end; their steps read that status too (the leaves' {{workflow.status}}), as the exit handler's do
    let hookEnv = withWorkflowStatus(ps, 'Running', globals, ctl.signal)
    const hooks = wf.hooks?.length ? lifecycleHooks(wf.hooks, (when) => holds(when, hookEnv.scope), (h) => interpreterWith(hookEnv.scope.params).runHook(h, hookEnv, `hooks.${h.name}`, `hooks.${h.name}`)) : undefined
    hooks?.check(false)
    let outcome = await run(wf.body, { scope: { inputs: {}, params: running, steps: new Map(), globals }, depth: 0, parent: null, signal: ctl.signal })
    if (hooks) {
      hookEnv = withWorkflowStatus(ps, outcome.ok ? 'Succeeded' : 'Failed', globals, ctl.signal)
      hooks.check(true)
      const failed = await hooks.settle()
      if (failed && outcome.ok) outcome = { ok: false, clean: false, failure: `workflow ${failed}` }
    }
    if (wf.onExit) outcome = await runExitHandler(wf.onExit, outcome, { params: ps, globals, records: [...records.values()], startedAt: wfRecord!.startedAt, interpreterWith, record })
    const status = outcome.ok ? 'Succeeded' : 'Failed'
    final = { ...wfRecord!, status, finishedAt: new Date().toISOString(), ...(outcome.failure && !outcome.ok ? { message: outcome.failure } : {}), ...outputsRecord(globals) }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    final = { ...wfRecord!, status: 'Error', finishedAt: new Date().toISOString(), message: err?.code && err.path ? storageMessage(e) : `interpreter error: ${err?.stack ?? e}` }
  } finally {
    outer?.removeEventListener('abort', onAbort)
  }
  // What an earlier driver left running and this one did not reach again (the workflow changed, a sibling failed first).
  for (const id of leftOver) record({ ...records.get(id)!, phase: 'Omitted', finishedAt: new Date().toISOString(), message: 'not reached again after the restart' })
  if (storageFailure) final = { ...final, status: 'Error', message: `the run was stopped: ${storageFailure.message}` }
  // Records the store refused, once more: where there is room again, the journal agrees with the run.
  for (const id of [...unwritten]) append(records.get(id)!)
  try {
    saveWorkflow(final)
  } catch (e) {
    if (!(e instanceof StorageError)) throw e
    // The stored record still says Running: once this process ends, the run reads as interrupted.
    wfRecord = { ...final, message: `${final.message ? `${final.message}; ` : ''}its final state could not be recorded (${e.message}): the run folder reads as interrupted` }
  } finally {
    try {
      runs.close()
    } catch {
      /* every record was written whole already, or reported */
    }
    await executor.close?.()
  }
  return { workflow: wfRecord!, steps: [...records.values()] }
}

/** The top level as a workflow hook sees it: the run's parameters with `workflow.status` reading `status`. */
const withWorkflowStatus = (ps: Readonly<Record<string, Value>>, status: string, globals: WorkflowOutputs, signal: AbortSignal) => ({
  scope: { inputs: {}, params: { ...ps, $status: { kind: 'param' as const, wire: status } }, steps: new Map(), globals },
  depth: 0,
  parent: null,
  signal,
})

/** The workflow outputs as the workflow record keeps them (nothing when no step exported one). */
const outputsRecord = (globals: WorkflowOutputs): { outputs?: WorkflowOutputsRecord } => {
  if (!globals.size) return {}
  const parameters: Record<string, string> = {}
  const artifacts: Record<string, ArtifactLocation | null> = {}
  for (const [k, v] of globals) {
    if (v.kind === 'param') parameters[k] = v.wire
    else artifacts[k] = v.at
  }
  return { outputs: { parameters, artifacts } }
}
