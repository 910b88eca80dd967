import { MAX_DEPTH, STEP_IP, SLICES_REPORT, SLICING_INPUT, decodeParam, groupedTemplateOf, groupingData, isRef, type GroupingData, foldNode, loopTemplateName, requiredSuccesses, stepsIn, type Expr, type ForEach, type ForEachSource, type IoSpec, type Node, type NodeCases, type NamedHook, type Step, type Subflow, type Template } from 'dflow-ts'
import { lifecycleHooks, type HookEnd } from './hooks.ts'
import { CALLS, aggregate, listSpecs, itemsOf, keyOf, lookupExposed, readVar, skippedOutputs, withStatus } from './control.ts'
import { evaluate, EvalError } from './expr-eval.ts'
import { runLeafStep } from './leaf-step.ts'
import { fanInOutputs, fanInStacker, StackError } from './fan-in.ts'
import { withArtifactParts } from './slice-parts.ts'
import { thresholdOutcome } from './threshold.ts'
import { limiter, type Limiter } from './limiter.ts'
import { stopMessage } from './abort.ts'
import type { LeafCall, LeafExecutor, LeafResult } from './executor.ts'
import { runAttempts } from './attempts.ts'
import { attemptId, resumedAttempts } from './composite-retry.ts'
import type { CompositePrior, Prior } from './prior.ts'
import { runDag } from './dag.ts'
import { sliceFanIns, sliceRecords, stackSlices } from './slice.ts'
import { inWindow } from '../concurrency/in-window.ts'
import { fanOutWindow } from './window.ts'
import { EMPTY_IO, type AttemptRecord, type IoRecord, type JobRecord, type Phase, type StepRecord } from '../run/records.ts'
import type { Reused } from '../run/reused.ts'
import type { ArtifactLocation } from '../storage/location.ts'
import { exprArgWire } from './expr-arg.ts'
import { DAEMONED, SCOPE_ENDED, daemonOf, daemonScope, type DaemonScope } from './daemon.ts'
import { exportGlobals, lookup, resolveInputs, ResolveError, type LoopItem, type Outputs, type Scope, type Value } from './values.ts'

/**
 * How a node ended, for its parent: `ok` means the parent may carry on (everything succeeded, or the
 * failures were continued); `clean` means every step in it succeeded; `failure` says what went wrong.
 */
export interface Outcome {
  readonly ok: boolean
  readonly clean: boolean
  readonly failure?: string
}

const OK: Outcome = { ok: true, clean: true }

/** What the fold needs from the run. */
export interface InterpretContext {
  /** How leaf calls run. */
  readonly executor: LeafExecutor
  readonly runId: string
  /** The workflow's parameters (with the exit handler's `$status`, … when it runs). */
  readonly params: Readonly<Record<string, Value>>
  /** Relative `localArtifact` paths are resolved against this folder. */
  readonly baseDir: string
  /** Records a step's state (appends it to the run store unless `append` is false, emits an event). */
  readonly record: (r: StepRecord, append?: boolean) => void
  /** Asked before a leaf call runs whether it need not (restart, reuse, cache): see `prior.ts`. */
  readonly prior?: Prior
  /** Asked before a composite call runs whether it need not, and given its outputs when it succeeds (memoize): see `prior.ts`. */
  readonly composite?: CompositePrior
  /** On a restart: what an earlier driver recorded for a step id (a retried sub-workflow carries on after its ended attempts). */
  readonly earlier?: (id: string) => StepRecord | undefined
}

interface Env {
  readonly scope: Scope & { readonly steps: Map<string, Outputs> }
  /** How many sub-workflow calls enclose this body. */
  readonly depth: number
  /** The enclosing template's `parallelism`, when it has one. */
  readonly slots?: Limiter
  readonly parent: string | null
  readonly signal: AbortSignal
  /** The daemons started in the enclosing steps or dag scope, stopped when it ends (see daemon.ts). */
  readonly daemons?: DaemonScope
}

/** Where one call of a step runs: its id and name in the run, its parent, and the scope it reads. */
interface Call {
  readonly id: string
  readonly name: string
  readonly parent: string | null
  readonly scope: Scope
  /** For a call of a fan-out: its own item (the scope's item may be an enclosing loop's). */
  readonly item?: { readonly value: unknown }
  /** Told once when the call starts running (its lifecycle hooks are checked then). */
  readonly onRunning?: () => void
}

/** How one call ended: for its parent, and for its siblings (outputs, status, exit code). */
interface CallResult {
  readonly outcome: Outcome
  readonly phase: Phase
  readonly outputs?: Outputs
  readonly exitCode?: number
  /** False for a call that never started because the run was stopped first: it has no record. */
  readonly started?: false
}

const now = () => new Date().toISOString()

/** A call the run was stopped before it started: not recorded, it fails its parent with the reason. */
const notStarted = (signal: AbortSignal): CallResult => ({ outcome: { ok: false, clean: false, failure: stopMessage(signal) }, phase: 'Failed', started: false })

/** Whether a `when` condition holds where it is read, or why it cannot be evaluated (a message); an output a step did not produce is nil in it, as in Argo v4's nil-preserving scope for a task's `when` (dag.go resolveDependencyReferences). @example holds(expr`${status(a)} == "Running"`, scope) // true */
export const holds = (cond: Expr, scope: Scope): boolean | string => {
  try {
    return evaluate(cond, readVar(scope, true)) === true
  } catch (e) {
    if (!(e instanceof ResolveError || e instanceof EvalError)) throw e
    return `when: ${e.message}`
  }
}

/** The items of a fan-out where it is read, or why they cannot be had (a message). */
const itemsOrWhy = (source: ForEachSource, scope: Scope): readonly unknown[] | string => {
  try {
    return itemsOf(source, scope)
  } catch (e) {
    if (!(e instanceof ResolveError)) throw e
    return e.message
  }
}

/** The item of one call of the loop `loop`, in front of the items of the loops around it. */
const itemOf = (env: Env, value: unknown, loop: string): LoopItem => ({ value, loop, ...(env.scope.item ? { outer: env.scope.item } : {}) })

/** A step's id in the run: its name under its parent's id (`outer.inner`). */
const idIn = (env: Env, name: string): string => (env.parent === null ? name : `${env.parent}.${name}`)

/** The record of values: wire strings, values decoded by the declared codecs, artifact locations. */
const ioRecordOf = (vals: Readonly<Record<string, Value>>, specs: IoSpec): IoRecord => {
  const parameters: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  const artifacts: Record<string, ArtifactLocation | null> = {}
  for (const [k, v] of Object.entries(vals)) {
    if (v.kind === 'artifact') {
      artifacts[k] = v.at
      continue
    }
    parameters[k] = v.wire
    const spec = specs[k]
    if (spec?._tag !== 'Param') continue
    const d = decodeParam(spec.codec, v.wire)
    if (d.ok) values[k] = spec.codec.encode(d.value)
  }
  return { parameters, values, artifacts }
}

/**
 * The local interpreter's fold: one case per node kind. Sequences stop at the first failure that is
 * not continued; a failure stops no running sibling (Argo's step groups and dags let them end: a fan-out's
 * 49 other jobs are never abandoned for one failed one) — a parallel group fails once all its members have
 * ended, a dag starts no new task after an unhandled failure; a dag task starts as soon as its own
 * dependencies are done.
 */
export const interpreter = (ictx: InterpretContext) => {
  const run = (node: Node, env: Env): Promise<Outcome> => fold(node)(env)
  /** A steps or dag scope: its body, then every daemon started in it stopped; one that failed on its own fails the scope. */
  const scoped = async (node: Node, env: Env): Promise<Outcome> => {
    const daemons = daemonScope()
    const o = await run(node, { ...env, daemons }).catch(async (e: unknown) => {
      await daemons.end()
      throw e
    })
    const failure = await daemons.end()
    return o.ok && failure ? { ok: false, clean: false, failure } : o
  }
  /** How many calls of a fan-out are under way at once (the others are not started: see `inWindow`). */
  const width = fanOutWindow(ictx.executor.slots)
  /** Keys in use in this run, with the id of the step holding each. */
  const keys = new Map<string, string>()
  /** Id prefixes of retried sub-workflow attempts that ran again: their steps' keys are free for the next attempt's. */
  const superseded: string[] = []
  /** Fan-ins of artifacts are stacked when a step reads them, once per fan-out output. */
  const stackInputs = fanInStacker(ictx.executor, ictx.runId)

  const scriptOf = (t: Template): { script?: string } => {
    const script = t._tag === 'Subflow' ? undefined : ictx.executor.scriptOf?.(t)
    return script === undefined ? {} : { script }
  }

  /**
   * The one fan-out: the calls of the loop `name` (id `id`), one per item, at most {@link width} under way,
   * each as `NAME(i)` under the loop's id and seeing its item in front of the items of the loops around it.
   * A step's `forEach` calls the step; a composite `forEach` node runs its body.
   */
  const eachItem = <A>(items: readonly unknown[], env: Env, id: string, name: string, call: (at: Call) => Promise<A>): Promise<A[]> =>
    inWindow(items, width, (item, i) => call({ id: `${id}(${i})`, name: `${name}(${i})`, parent: id, scope: { ...env.scope, item: itemOf(env, item, name) }, item: { value: item } }))

  /** A slice's source with its sliced list artifacts read into their parts' paths, or why they cannot be (see slice-parts.ts). */
  const partsOrWhy = (source: ForEachSource, env: Env): Promise<ForEachSource | string> =>
    withArtifactParts(source, env.scope, ictx.executor, async (v, signal) => (await stackInputs({ v }, signal))['v']!, env.signal).catch((e: unknown) => {
      if (!(e instanceof ResolveError || e instanceof StackError)) throw e
      return e.message
    })

  const stepOutcome = (s: Step, phase: Phase, message: string | undefined, id: string): Outcome => {
    if (phase === 'Succeeded') return OK
    const continued = (phase === 'Failed' && s.continueOn.failed) || (phase === 'Error' && s.continueOn.error)
    return { ok: !!continued, clean: false, failure: `step ${id} ${phase === 'Error' ? 'errored' : 'failed'}${message ? `: ${message}` : ''}` }
  }

  const runStep = async (s: Step, env: Env): Promise<Outcome> => {
    const id = idIn(env, s.name)
    if (s.forEach) return runFanOut(s, env, id)
    return (await hookedCall(s, env, { id, name: s.name, parent: env.parent, scope: env.scope })).outcome
  }

  /**
   * One call of a step with its hooks. Its lifecycle hooks run as CALL.hooks.NAME beside it (Argo's node names),
   * each seeing the call's status under the step's name while it runs and once it has ended; then its exit hook
   * (CALL.onExit), once it started, whatever happened, seeing the call's outputs and status. The call's `scope`
   * gets its status and outputs (a step's is its body's, which the steps after it read; a fan-out's call's is
   * one of its own, so that its hooks see its status and its item). A hook that errored fails the call.
   */
  const hookedCall = async (s: Step, env: Env, at: Call & { readonly scope: Env['scope'] }): Promise<CallResult> => {
    const { id, scope } = at
    const hookEnv = { ...env, scope, parent: at.parent }
    const hooks = s.hooks?.length ? lifecycleHooks(s.hooks, (when) => holds(when, scope), (h) => runHook(h, hookEnv, `${id}.hooks.${h.name}`, `${at.name}.hooks.${h.name}`)) : undefined
    const onRunning = hooks && (() => (scope.steps.set(s.name, withStatus({}, 'Running')), hooks.check(false)))
    const r = await runCall(s, env, { ...at, ...(onRunning ? { onRunning } : {}) })
    // A step that failed shows its declared output defaults to the steps that run after it (continueOn, depends).
    scope.steps.set(s.name, withStatus(r.outputs ?? (r.phase === 'Failed' || r.phase === 'Error' ? skippedOutputs(s.template) : {}), r.phase, r.exitCode))
    hooks?.check(true)
    const hookFailure = await hooks?.settle()
    const outcome: Outcome = hookFailure ? { ok: false, clean: false, failure: `step ${id}: ${hookFailure}` } : r.outcome
    if (!s.onExit || r.started === false) return { ...r, outcome }
    const hook = await runCall(s.onExit, { ...hookEnv, signal: new AbortController().signal }, { id: `${id}.onExit`, name: s.onExit.name, parent: at.parent, scope })
    return { ...r, outcome: outcome.ok && !hook.outcome.ok ? hook.outcome : outcome }
  }

  /** Where a grouped call's sliced input artifacts are (a fan-in, stacked when the call read it, is left out). */
  const wholesOf = (s: Step, slicing: GroupingData, scope: Scope): Record<string, ArtifactLocation | undefined> =>
    Object.fromEntries(
      Object.keys(slicing.sliced).flatMap((k) => {
        const a = s.args[k]
        if (!(isRef(a) && a._tag === 'ArtifactRef')) return []
        try {
          const v = lookup(a, scope)
          return v.kind === 'artifact' && v.at ? [[k, v.at]] : []
        } catch {
          return []
        }
      }),
    )

  const runFanOut = async (s: Step, env: Env, id: string): Promise<Outcome> => {
    const startedAt = now()
    const base = { id, name: s.name, parent: env.parent, type: 'StepGroup' as const, template: s.template.name }
    // A grouped slice: its calls run groups of slices, and its outputs are the slices' (see slice.ts).
    const g = groupedTemplateOf(s.template)
    const slicing = g ? groupingData(s.args[SLICING_INPUT] as string) : undefined
    const stack = (o: readonly Outputs[]): Outputs => (g ? stackSlices(g, o) : aggregate(s.template, o))
    const end = (phase: Phase, outputs: Outputs, message?: string, calls?: StepRecord['calls']): Outcome => {
      env.scope.steps.set(s.name, withStatus(outputs, phase))
      const shown = Object.fromEntries(Object.entries(outputs).filter(([k]) => /^[A-Za-z]/.test(k)))
      ictx.record({ ...base, phase, startedAt, finishedAt: now(), inputs: EMPTY_IO, outputs: ioRecordOf(shown, listSpecs((g ?? s.template).outputs)), ...(message ? { message } : {}), ...(calls ? { calls } : {}) })
      return stepOutcome(s, phase, message, id)
    }
    const source = await partsOrWhy(s.forEach!, env)
    const items = typeof source === 'string' ? source : itemsOrWhy(source, env.scope)
    if (typeof items === 'string') return end('Error', {}, items)
    // Argo skips a fan-out over nothing.
    if (!items.length) return (end('Skipped', { ...stack([]), ...fanInOutputs(s.template, id, []) }, 'forEach over an empty list'), OK)
    ictx.record({ ...base, phase: 'Running', startedAt, inputs: EMPTY_IO, outputs: EMPTY_IO })
    // a fan-out's hooks run for each of its calls (Argo's per child node, workflow/controller/steps.go), each call
    // with a scope of its own where the step's name reads the call's status
    const hooked = !!(s.hooks?.length || s.onExit)
    const results = await eachItem(items, env, id, s.name, async (at) => {
      const callStart = g && slicing ? now() : ''
      const r = hooked ? await hookedCall(s, env, { ...at, scope: { ...at.scope, steps: new Map(at.scope.steps) } }) : await runCall(s, env, at)
      if (g && slicing) for (const rec of sliceRecords(g, slicing, { id: at.id, startedAt: callStart, finishedAt: now() }, at.scope.item?.value, r.outputs, wholesOf(s, slicing, at.scope))) ictx.record(rec)
      return r
    })
    const callPhases = { [CALLS]: { kind: 'param' as const, wire: JSON.stringify(results.map((r) => r.phase)) } }
    const succeeded = results.map((r) => (r.phase === 'Succeeded' ? r.outputs : undefined))
    const fanIns = g ? sliceFanIns(g, id, succeeded, items.reduce<number>((n, x) => n + ((x as { _slices?: unknown[] })._slices?.length ?? 0), 0)) : fanInOutputs(s.template, id, succeeded)
    const outputs = { ...stack(succeeded.flatMap((o) => (o ? [o] : []))), ...fanIns, ...callPhases }
    // Every call ran to its end; without a threshold all of them must have succeeded (or been continued).
    const o = s.threshold ? thresholdOutcome(results.map((r) => r.outcome), requiredSuccesses(s.threshold, items.length)) : results.find((r) => !r.outcome.ok)?.outcome ?? OK
    const calls = { started: results.filter((r) => r.started !== false).length, total: items.length }
    if (o.ok) return end('Succeeded', outputs, undefined, calls)
    const notAll = calls.started < calls.total ? `${calls.started} of ${calls.total} calls started; ` : ''
    return end('Failed', outputs, `${notAll}${o.failure ?? ''}`, calls)
  }

  /** One call of a step, holding a slot of the enclosing template's `parallelism` while it runs. */
  const runCall = (s: Step, env: Env, at: Call): Promise<CallResult> => (env.slots ? env.slots.run(() => runCallNow(s, env, at)) : runCallNow(s, env, at))

  const runCallNow = async (s: Step, env: Env, at: Call): Promise<CallResult> => {
    const { id, scope } = at
    if (env.signal.aborted) return notStarted(env.signal)
    let base: Omit<StepRecord, 'phase' | 'inputs' | 'outputs'> = {
      id,
      name: at.name,
      parent: at.parent,
      type: s.template._tag === 'Subflow' ? (s.template.body._tag === 'Dag' ? ('DAG' as const) : ('Steps' as const)) : ('Pod' as const),
      template: s.template.name,
      ...scriptOf(s.template),
      ...(at.item ? { item: at.item.value } : {}),
    }
    // The instant is taken now and written out when first needed: a call settled by a prior (10,000 of them on a restart) never needs it.
    const entered = Date.now()
    let startedAt: string | undefined
    const startAt = () => (startedAt ??= new Date(entered).toISOString())
    let attempts: readonly AttemptRecord[] = []
    let progress: string | undefined
    let job: JobRecord | undefined
    const tail = () => ({ ...(attempts.length ? { attempts } : {}), ...(progress ? { progress } : {}), ...(job ? { job } : {}) })
    const finish = (phase: Phase, inputs: IoRecord, outputs: IoRecord, extra: { exitCode?: number; signal?: string; message?: string; finishedAt?: string; reused?: Reused } = {}, values?: Outputs): CallResult => {
      ictx.record({ ...base, phase, startedAt: startAt(), finishedAt: now(), inputs, outputs, ...extra, ...tail() })
      if (phase === 'Succeeded' && values) exportGlobals(s.template.outputs, values, scope.globals)
      return { outcome: stepOutcome(s, phase, extra.message, id), phase, ...(values ? { outputs: values } : {}), ...(extra.exitCode !== undefined ? { exitCode: extra.exitCode } : {}) }
    }
    if (s.when) {
      const go = holds(s.when, scope)
      if (typeof go === 'string') return finish('Error', EMPTY_IO, EMPTY_IO, { message: go })
      if (!go) {
        const outputs = skippedOutputs(s.template)
        const r = finish('Skipped', EMPTY_IO, ioRecordOf(outputs, s.template.outputs), { message: 'when: the condition is false' }, outputs)
        return { ...r, outcome: OK }
      }
    }
    let inputs: Record<string, Value>
    try {
      const k = keyOf(s.key, scope)
      if (k !== undefined) {
        const holder = keys.get(k)
        if (holder !== undefined && !superseded.some((p) => holder.startsWith(p))) throw new ResolveError(`key "${k}" is already used by step ${holder} (keys are unique within a run)`)
        keys.set(k, id)
        base = { ...base, key: k }
      }
      if (s.template._tag === 'Subflow' && env.depth >= MAX_DEPTH)
        throw new ResolveError(`recursion deeper than ${MAX_DEPTH} nested calls (template "${s.template.name}"): does its when ever stop it?`)
      inputs = await stackInputs(resolveInputs(s.template.inputs, s.args, scope, ictx.baseDir, (e) => exprArgWire(e, scope)), env.signal)
    } catch (e) {
      if (!(e instanceof ResolveError || e instanceof StackError)) throw e
      return finish('Error', EMPTY_IO, EMPTY_IO, { message: e.message })
    }
    const inRecord = ioRecordOf(inputs, s.template.inputs)
    if (s.template._tag !== 'Subflow') {
      let started = false
      let call: Omit<LeafCall, 'attempt'> = { runId: ictx.runId, stepId: id, stepName: at.name, key: base.key, template: s.template, inputs, parameters: ictx.params, ...(s.batch ? { batch: s.batch } : {}) }
      const known = ictx.prior ? await ictx.prior({ call, inputs: inRecord, base }) : undefined
      if (known && 'settled' in known) {
        // Known already (an earlier driver of this run, an earlier run, a cache): not run again.
        const { record, outputs, append } = known.settled
        ictx.record(record, append)
        exportGlobals(s.template.outputs, outputs, scope.globals)
        return { outcome: OK, phase: 'Succeeded', outputs, ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}) }
      }
      if (known) call = { ...call, earlier: known.earlier }
      const daemon = daemonOf(s.template)
      // a daemon runs under a signal of its own, aborted when its scope ends (or the run stops)
      const ctl = daemon ? new AbortController() : undefined
      const forward = () => ctl?.abort(env.signal.reason)
      if (ctl) env.signal.aborted ? forward() : env.signal.addEventListener('abort', forward, { once: true })
      let ready: (() => void) | undefined
      const isReady = new Promise<void>((r) => (ready = r))
      const running = runLeafStep(call, s, ictx.executor, ctl?.signal ?? env.signal, (st) => {
        started = true
        if (st.first) startedAt = now()
        attempts = st.attempts
        progress = st.progress
        job = st.job
        ictx.record({ ...base, phase: 'Running', startedAt: startAt(), inputs: inRecord, outputs: EMPTY_IO, ...tail() })
        if (st.first) at.onRunning?.()
        if (st.ready || (st.first && !daemon?.readiness)) ready?.()
      })
      const ended = (out: Awaited<typeof running>, daemonEnd?: 'stopped' | 'exited'): CallResult => {
        attempts = out.attempts
        progress = out.progress
        const r = out.result
        // a daemon stopped at its scope's end reads Succeeded; one that exited on its own failed, whatever its exit code
        const exitedWell = daemonEnd === 'exited' && r.phase === 'Succeeded'
        const phase = daemonEnd === 'stopped' ? 'Succeeded' : exitedWell ? 'Failed' : r.phase
        const message = daemonEnd === 'stopped' ? undefined : exitedWell ? `the daemon exited on its own (exit code ${r.exitCode ?? 0})` : r.message
        return finish(
          phase,
          inRecord,
          r.record,
          { ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), ...(r.signal ? { signal: r.signal } : {}), ...(message ? { message } : {}), ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}), ...(r.reused ? { reused: r.reused } : {}) },
          // A failed call keeps only a grouped slice's report, for its slices' records (fan-outs stack succeeded calls only).
          phase === 'Succeeded' || SLICES_REPORT in r.outputs ? r.outputs : undefined,
        )
      }
      const first = ctl ? await Promise.race([isReady.then(() => undefined), running]) : await running
      // Stopped while it waited for a slot: it never ran, and has no record (as a pod Argo never created).
      if (first && !started && env.signal.aborted) return (await ictx.executor.discard?.(id), notStarted(env.signal))
      if (first || !ctl) return (env.signal.removeEventListener('abort', forward), ended(first!, ctl ? 'exited' : undefined))
      // Ready: done for the steps after it, running until its scope ends (Argo's daemoned node), recorded when it
      // ends: stopped by its scope's end it reads Succeeded, stopped by the run's stop it failed, exited on its own it
      // failed (and fails its scope when that ends)
      const end = running.then((out) => {
        env.signal.removeEventListener('abort', forward)
        const why: unknown = ctl.signal.aborted ? ctl.signal.reason : undefined
        const r = ended(out, why === SCOPE_ENDED ? 'stopped' : why === undefined ? 'exited' : undefined)
        return r.outcome.ok ? undefined : r.outcome.failure
      })
      env.daemons!.add(() => (ctl.signal.aborted || ctl.abort(SCOPE_ENDED), end))
      return { outcome: OK, phase: 'Running', outputs: { [DAEMONED]: { kind: 'param', wire: 'true' }, [STEP_IP]: { kind: 'param', wire: '127.0.0.1' } } }
    }
    const t = s.template
    // memoized (a composite prior): settled before its body runs (none of its steps runs), saved when it succeeds
    const memo = ictx.composite && { query: { runId: ictx.runId, stepId: id, template: t, inputs, parameters: ictx.params, record: inRecord, base }, prior: ictx.composite }
    let hit: Outputs | undefined
    try {
      hit = memo && (await memo.prior.settle(memo.query))
    } catch (e) {
      return finish('Error', inRecord, EMPTY_IO, { message: `memoize: ${e instanceof Error ? e.message : String(e)}` })
    }
    if (hit) {
      const at = now()
      ictx.record({ ...base, phase: 'Succeeded', startedAt: at, finishedAt: at, inputs: inRecord, outputs: ioRecordOf(hit, t.outputs) })
      exportGlobals(t.outputs, hit, scope.globals)
      return { outcome: OK, phase: 'Succeeded', outputs: hit }
    }
    const running = () => ictx.record({ ...base, phase: 'Running', startedAt: startAt(), inputs: inRecord, outputs: EMPTY_IO, ...tail() })
    running()
    at.onRunning?.()
    const end = async (r: LeafResult): Promise<CallResult> => {
      if (memo && r.phase === 'Succeeded') {
        try {
          await memo.prior.save(memo.query, r.outputs)
        } catch (e) {
          return finish('Error', inRecord, r.record, { message: `memoize: ${e instanceof Error ? e.message : String(e)}` })
        }
      }
      return finish(r.phase, inRecord, r.record, r.message ? { message: r.message } : {}, r.phase === 'Succeeded' ? r.outputs : undefined)
    }
    if (!t.retry) return end(await runSubflow(t, inputs, id, env))
    // A retried sub-workflow: each attempt runs the whole body again from scratch under its own id ID(n), recorded
    // as a step of its own (the earlier attempts' steps stay in the journal, as Argo keeps a retry node's children);
    // the call's record counts the attempts as a leaf's does, and its outputs are the last attempt's (Argo's
    // executeTemplate copies the last child's outputs to the retry node). The limit, the policy, the expression
    // and the backoff are a leaf's (runAttempts; Argo's processNodeRetries treats every node kind alike).
    const earlier = resumedAttempts(ictx.earlier?.(id), base)
    for (const a of earlier) superseded.push(`${attemptId(id, a.attempt)}.`)
    attempts = earlier
    const out = await runAttempts(
      async (signal, n) => {
        const one = { id: attemptId(id, n), name: attemptId(at.name, n), parent: id, type: base.type, template: t.name, inputs: inRecord, startedAt: now() }
        ictx.record({ ...one, phase: 'Running', outputs: EMPTY_IO })
        const r = await runSubflow(t, inputs, one.id, { ...env, signal })
        ictx.record({ ...one, phase: r.phase, finishedAt: now(), outputs: r.record, ...(r.message ? { message: r.message } : {}) })
        return r
      },
      { retry: t.retry },
      env.signal,
      (n) => void superseded.push(`${attemptId(id, n)}.`),
      (a) => {
        attempts = [...attempts, a]
        running()
      },
      earlier,
    )
    attempts = out.attempts
    return end(out.result)
  }

  /** One run of a sub-workflow's body with its steps under `id`, and its outputs (a leaf call's result, for retries). */
  const runSubflow = async (t: Subflow, inputs: Record<string, Value>, id: string, env: Env): Promise<LeafResult> => {
    const inner: Env = {
      scope: { inputs, params: env.scope.params, steps: new Map(), ...(env.scope.globals ? { globals: env.scope.globals } : {}) },
      parent: id,
      signal: env.signal,
      depth: env.depth + 1,
      ...(t.parallelism !== undefined ? { slots: limiter(t.parallelism) } : {}),
    }
    const o = await scoped(t.body, inner)
    if (!o.ok) return { phase: 'Failed', outputs: {}, record: EMPTY_IO, ...(o.failure ? { message: o.failure } : {}) }
    try {
      const outputs = Object.fromEntries(Object.entries(t.exposes).map(([k, x]) => [k, lookupExposed(x, inner.scope, k)]))
      return { phase: 'Succeeded', outputs, record: ioRecordOf(outputs, t.outputs) }
    } catch (e) {
      if (!(e instanceof ResolveError)) throw e
      return { phase: 'Error', outputs: {}, record: EMPTY_IO, message: e.message }
    }
  }

  /**
   * A composite forEach: its body once per item, all at once, as `NAME(i)` (a `Steps` record each, under a
   * `StepGroup` record `NAME`); each call sees the item and the steps before the forEach.
   */
  const runBodies = async (n: ForEach, env: Env): Promise<Outcome> => {
    const id = idIn(env, n.name)
    const startedAt = now()
    const template = loopTemplateName(n)
    const group = { id, name: n.name, parent: env.parent, type: 'StepGroup' as const, template, inputs: EMPTY_IO, outputs: EMPTY_IO, startedAt }
    const end = (phase: Phase, outcome: Outcome): Outcome => {
      ictx.record({ ...group, phase, finishedAt: now(), ...(outcome.failure && !outcome.ok ? { message: outcome.failure } : {}) })
      env.scope.steps.set(n.name, withStatus({}, phase))
      return outcome
    }
    const items = itemsOrWhy(n.source, env.scope)
    if (typeof items === 'string') return end('Error', { ok: false, clean: false, failure: `forEach ${id}: ${items}` })
    if (!items.length) return end('Skipped', OK)
    ictx.record({ ...group, phase: 'Running' })
    const outcomes = await eachItem(items, env, id, n.name, async (at) => {
      const call = { id: at.id, name: at.name, parent: id, type: 'Steps' as const, template, ...(at.item ? { item: at.item.value } : {}), inputs: EMPTY_IO, outputs: EMPTY_IO, startedAt: now() }
      ictx.record({ ...call, phase: 'Running' })
      // The body's steps see those before the forEach, and their own (each call has its own).
      const o = await run(n.body, { ...env, scope: { ...at.scope, steps: new Map(env.scope.steps) }, parent: at.id })
      ictx.record({ ...call, phase: o.ok ? 'Succeeded' : 'Failed', finishedAt: now(), ...(o.failure && !o.ok ? { message: o.failure } : {}) })
      return o
    })
    const bad = outcomes.find((o) => !o.ok)
    return bad ? end('Failed', bad) : end('Succeeded', { ok: true, clean: outcomes.every((o) => o.clean) })
  }

  /** Records every step of a node that will never run, with why; skipped steps expose their output defaults. */
  const notRun = (node: Node, env: Env, phase: 'Omitted' | 'Skipped', message: string): void => {
    for (const s of stepsIn(node)) {
      const id = idIn(env, s.name)
      const outputs = phase === 'Skipped' ? skippedOutputs(s.template) : {}
      ictx.record({ id, name: s.name, parent: env.parent, type: 'Pod', template: s.template.name, phase, message, inputs: EMPTY_IO, outputs: ioRecordOf(outputs, s.template.outputs) })
      env.scope.steps.set(s.name, withStatus(outputs, phase))
    }
  }
  const omit = (node: Node, env: Env, message: string): void => notRun(node, env, 'Omitted', message)

  /** Starts making the folders of a step that runs next, if it is a plain call of a leaf template (see `StepFolders`). */
  const warm = (node: Node | undefined, env: Env): void => {
    if (node?._tag === 'Step' && !node.forEach && !node.when && node.template._tag !== 'Subflow') ictx.executor.prepare?.(idIn(env, node.name), node.template)
  }

  const cases: NodeCases<(env: Env) => Promise<Outcome>> = {
    Step: (s) => (env) => runStep(s, env),
    Seq: (n) => async (env) => {
      let clean = true
      for (const [i, c] of n.children.entries()) {
        if (env.signal.aborted) return { ok: false, clean: false, failure: stopMessage(env.signal) }
        warm(n.children[i + 1], env)
        const o = await run(c, env)
        if (!o.ok) return o
        clean &&= o.clean
      }
      return { ok: true, clean }
    },
    Par: (n) => async (env) => {
      const outcomes = await inWindow(n.children, width, (c) => run(c, env))
      // With a success threshold the count decides; else every member ran to its end and the first (in the
      // group's order) that failed is the group's failure, as Argo's step group reports its first failed child.
      if (n.threshold) return thresholdOutcome(outcomes, requiredSuccesses(n.threshold, n.children.length))
      return outcomes.find((o) => !o.ok) ?? { ok: true, clean: outcomes.every((o) => o.clean) }
    },
    Dag: (n) => (env) => runDag(n.children, env, { run, omit, warm, failFast: n.failFast !== false }),
    ForEach: (n) => (env) => runBodies(n, env),
    When: (n) => async (env) => {
      const go = holds(n.cond, env.scope)
      if (typeof go === 'string') return { ok: false, clean: false, failure: go }
      if (go) return run(n.body, env)
      notRun(n.body, env, 'Skipped', 'when: the condition is false')
      return OK
    },
  }
  const fold = foldNode(cases)

  /** A lifecycle hook's step, as the call `id` (named `name`) beside what it is attached to. */
  const runHook = async (h: NamedHook, env: Env, id: string, name: string): Promise<HookEnd> => {
    // a workflow's hook has no enclosing scope: a daemon it starts is stopped when the hook's call ends
    const own = env.daemons ? undefined : daemonScope()
    const r = await runCall(h.run, own ? { ...env, daemons: own } : env, { id, name, parent: env.parent, scope: env.scope }).finally(() => own?.end())
    return { phase: r.phase, ...(r.outcome.failure ? { message: r.outcome.failure } : {}) }
  }

  return { run: scoped, runHook }
}
