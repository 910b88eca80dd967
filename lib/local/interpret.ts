import { decodeParam, externalDeps, foldNode, requiredSuccesses, stepsIn, type IoSpec, type Node, type NodeCases, type Step, type Subflow } from 'dflow-ts'
import { stopMessage, type LeafContext } from './leaf.ts'
import { runLeafStep } from './leaf-step.ts'
import { thresholdOutcome } from './threshold.ts'
import { EMPTY_IO, type AttemptRecord, type IoRecord, type Phase, type StepRecord } from './records.ts'
import { lookup, resolveInputs, ResolveError, type Outputs, type Scope, type Value } from './values.ts'

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
  readonly leaf: Omit<LeafContext, 'onStart'>
  readonly baseDir: string
  /** Records a step's state (appends it to the journal, emits an event). */
  readonly record: (r: StepRecord) => void
  /** How often a running step's progress file is read, in ms. Default 200. */
  readonly progressPollMs?: number
}

interface Env {
  readonly scope: Scope & { readonly steps: Map<string, Outputs> }
  readonly parent: string | null
  readonly signal: AbortSignal
}

const now = () => new Date().toISOString()

/** An abort controller that also aborts when `parent` does. */
const child = (parent: AbortSignal): AbortController => {
  const c = new AbortController()
  if (parent.aborted) c.abort(parent.reason)
  else parent.addEventListener('abort', () => c.abort(parent.reason), { once: true })
  return c
}

/** The record of values: wire strings, values decoded by the declared codecs, artifact paths. */
const ioRecordOf = (vals: Readonly<Record<string, Value>>, specs: IoSpec): IoRecord => {
  const parameters: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  const artifacts: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(vals)) {
    if (v.kind === 'artifact') {
      artifacts[k] = v.path
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
 * not continued; parallel groups and dags stop their running siblings when one fails; a dag task starts
 * as soon as its own dependencies are done.
 */
export const interpreter = (ictx: InterpretContext) => {
  const run = (node: Node, env: Env): Promise<Outcome> => fold(node)(env)

  const stepOutcome = (s: Step, phase: Phase, message: string | undefined, id: string): Outcome => {
    if (phase === 'Succeeded') return OK
    const continued = (phase === 'Failed' && s.continueOn.failed) || (phase === 'Error' && s.continueOn.error)
    return { ok: !!continued, clean: false, failure: `step ${id} ${phase === 'Error' ? 'errored' : 'failed'}${message ? `: ${message}` : ''}` }
  }

  const runStep = async (s: Step, env: Env): Promise<Outcome> => {
    const id = env.parent === null ? s.name : `${env.parent}.${s.name}`
    const base = {
      id,
      name: s.name,
      parent: env.parent,
      type: s.template._tag === 'Subflow' ? (s.template.body._tag === 'Dag' ? ('DAG' as const) : ('Steps' as const)) : ('Pod' as const),
      template: s.template.name,
      ...(s.key !== undefined ? { key: s.key } : {}),
      ...(s.template._tag === 'ScriptTemplate' ? { script: ictx.leaf.layout.script(s.template.name).relative } : {}),
    }
    let startedAt = now()
    let attempts: readonly AttemptRecord[] = []
    let progress: string | undefined
    const tail = () => ({ ...(attempts.length ? { attempts } : {}), ...(progress ? { progress } : {}) })
    const finish = (phase: Phase, inputs: IoRecord, outputs: IoRecord, extra: { exitCode?: number; message?: string; finishedAt?: string } = {}): Outcome => {
      ictx.record({ ...base, phase, startedAt, finishedAt: now(), inputs, outputs, ...extra, ...tail() })
      return stepOutcome(s, phase, extra.message, id)
    }
    let inputs: Record<string, Value>
    try {
      inputs = resolveInputs(s.template.inputs, s.args, env.scope, ictx.baseDir)
    } catch (e) {
      if (!(e instanceof ResolveError)) throw e
      return finish('Error', EMPTY_IO, EMPTY_IO, { message: e.message })
    }
    const inRecord = ioRecordOf(inputs, s.template.inputs)
    if (s.template._tag !== 'Subflow') {
      const out = await runLeafStep(id, s, s.template, inputs, ictx.leaf, ictx.progressPollMs ?? 200, env.signal, (st) => {
        if (st.first) startedAt = now()
        attempts = st.attempts
        progress = st.progress
        ictx.record({ ...base, phase: 'Running', startedAt, inputs: inRecord, outputs: EMPTY_IO, ...tail() })
      })
      attempts = out.attempts
      progress = out.progress
      const r = out.result
      if (r.phase === 'Succeeded') env.scope.steps.set(s.name, r.outputs)
      return finish(r.phase, inRecord, r.record, { ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), ...(r.message ? { message: r.message } : {}), ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}) })
    }
    ictx.record({ ...base, phase: 'Running', startedAt, inputs: inRecord, outputs: EMPTY_IO })
    return runSubflow(s, s.template, inputs, inRecord, id, env, finish)
  }

  const runSubflow = async (
    s: Step,
    t: Subflow,
    inputs: Record<string, Value>,
    inRecord: IoRecord,
    id: string,
    env: Env,
    finish: (phase: Phase, i: IoRecord, o: IoRecord, extra?: { message?: string }) => Outcome,
  ): Promise<Outcome> => {
    const inner: Env = { scope: { inputs, params: env.scope.params, steps: new Map() }, parent: id, signal: env.signal }
    const o = await run(t.body, inner)
    if (!o.ok) return finish('Failed', inRecord, EMPTY_IO, o.failure ? { message: o.failure } : {})
    try {
      const outputs = Object.fromEntries(Object.entries(t.exposes).map(([k, r]) => [k, lookup(r, inner.scope)]))
      env.scope.steps.set(s.name, outputs)
      return finish('Succeeded', inRecord, ioRecordOf(outputs, t.outputs))
    } catch (e) {
      if (!(e instanceof ResolveError)) throw e
      return finish('Error', inRecord, EMPTY_IO, { message: e.message })
    }
  }

  /** Records every step of a node that will never run, with why. */
  const omit = (node: Node, env: Env, message: string): void => {
    for (const s of stepsIn(node)) {
      const id = env.parent === null ? s.name : `${env.parent}.${s.name}`
      ictx.record({ id, name: s.name, parent: env.parent, type: 'Pod', template: s.template.name, phase: 'Omitted', message, inputs: EMPTY_IO, outputs: EMPTY_IO })
    }
  }

  const cases: NodeCases<(env: Env) => Promise<Outcome>> = {
    Step: (s) => (env) => runStep(s, env),
    Seq: (n) => async (env) => {
      let clean = true
      for (const c of n.children) {
        if (env.signal.aborted) return { ok: false, clean: false, failure: stopMessage(env.signal) }
        const o = await run(c, env)
        if (!o.ok) return o
        clean &&= o.clean
      }
      return { ok: true, clean }
    },
    Par: (n) => async (env) => {
      // With a success threshold every child runs to its end (a failure stops no sibling), then the count decides.
      if (n.threshold) return thresholdOutcome(await Promise.all(n.children.map((c) => run(c, env))), requiredSuccesses(n.threshold, n.children.length))
      const ctl = child(env.signal)
      let first: Outcome | undefined
      const outcomes = await Promise.all(
        n.children.map((c) =>
          run(c, { ...env, signal: ctl.signal }).then((o) => {
            if (!o.ok && !first) {
              first = o
              ctl.abort(`stopped: ${o.failure ?? 'a sibling failed'}`)
            }
            return o
          }),
        ),
      )
      return first ?? { ok: true, clean: outcomes.every((o) => o.clean) }
    },
    Dag: (n) => (env) => runDag(n.children, env),
  }
  const fold = foldNode(cases)

  const runDag = (children: readonly Node[], env: Env): Promise<Outcome> => {
    const owner = new Map<string, number>()
    children.forEach((c, i) => stepsIn(c).forEach((s) => owner.set(s.name, i)))
    const deps = children.map((c) => [...externalDeps(c)].map((d) => owner.get(d)).filter((i): i is number => i !== undefined))
    const state: ('waiting' | 'running' | 'done')[] = children.map(() => 'waiting')
    const outcomes: (Outcome | undefined)[] = children.map(() => undefined)
    const ctl = child(env.signal)
    let first: Outcome | undefined
    let running = 0
    return new Promise((resolve, reject) => {
      const settle = () => {
        if (running > 0) return
        if (state.some((s) => s === 'waiting') && !first && !ctl.signal.aborted) return
        resolve(first ?? { ok: true, clean: outcomes.every((o) => o?.clean ?? false) })
      }
      const schedule = () => {
        children.forEach((c, i) => {
          if (state[i] !== 'waiting' || first || ctl.signal.aborted) return
          const ds = deps[i]!
          if (!ds.every((d) => state[d] === 'done')) return
          const blocked = ds.filter((d) => !outcomes[d]!.clean)
          state[i] = 'running'
          running++
          const work = blocked.length
            ? Promise.resolve(omit(c, env, `omitted: ${blocked.map((d) => stepsIn(children[d]!).map((s) => s.name).join('+')).join(', ')} did not succeed`)).then((): Outcome => ({ ok: true, clean: false }))
            : run(c, { ...env, signal: ctl.signal })
          work.then((o) => {
            state[i] = 'done'
            outcomes[i] = o
            running--
            if (!o.ok && !first) {
              first = o
              ctl.abort(`stopped: ${o.failure ?? 'a task failed'}`)
            }
            schedule()
            settle()
          }, reject)
        })
      }
      schedule()
      settle()
    })
  }

  return { run }
}
