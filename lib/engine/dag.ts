import { dependsSteps, externalDeps, STATUS, stepsIn, type Node, type Step } from 'dflow-ts'
import { CALLS } from './control.ts'
import { DAEMONED } from './daemon.ts'
import { holds, type TaskEnd } from './depends.ts'
import type { Outcome } from './interpret.ts'
import type { Phase } from '../run/records.ts'
import type { Outputs } from './values.ts'

/** What the dag scheduler needs of the environment of a body. @example const e: DagEnv = { scope: { steps: new Map() }, signal } */
export interface DagEnv {
  readonly scope: { readonly steps: ReadonlyMap<string, Outputs> }
  readonly signal: AbortSignal
}

/** How the dag scheduler runs a task, and records one that will not run. @example runDag(children, env, { run, omit }) */
export interface DagOps<E extends DagEnv> {
  readonly run: (n: Node, env: E) => Promise<Outcome>
  readonly omit: (n: Node, env: E, message: string) => void
  /** Told, when a task starts, of each task that waits for it: it may get ready for it. */
  readonly warm?: (n: Node, env: E) => void
  /** `false`: tasks keep starting after an unhandled failure (Argo's `failFast: false`); default `true`. */
  readonly failFast?: boolean
}

/** How a task of a dag ended, from what its siblings see of it (`$status`, and `$calls` for a fan-out). */
const taskEnd = (o: Outputs | undefined): TaskEnd => {
  const wire = (k: string) => (o?.[k] as { wire?: string } | undefined)?.wire
  const calls = wire(CALLS)
  return { phase: (wire(STATUS) ?? 'Omitted') as Phase, ...(calls ? { calls: JSON.parse(calls) as Phase[] } : {}), ...(wire(DAEMONED) ? { daemoned: true } : {}) }
}

/**
 * Runs the children of a dag: each starts as soon as what it depends on (references, `dependsOn`,
 * `depends`) has finished. A task whose dependencies did not succeed, or whose `depends` condition is false,
 * is omitted. After an unhandled failure no new task starts and the running ones end on their own (Argo's
 * `failFast`: it stops scheduling, then waits for every node before failing the dag); a failure that some
 * `depends` names is handled, and the dag's phase is then that of its leaves (Argo's enhanced depends).
 *
 * @example
 * ```ts
 * const outcome = await runDag(dag.children, env, { run, omit })
 * ```
 */
export const runDag = <E extends DagEnv>(children: readonly Node[], env: E, ops: DagOps<E>): Promise<Outcome> => {
  const owner = new Map<string, number>()
  const stepNamed = new Map<string, Step>()
  children.forEach((c, i) => stepsIn(c).forEach((s) => (owner.set(s.name, i), stepNamed.set(s.name, s))))
  const deps = children.map((c) => [...externalDeps(c)].map((d) => owner.get(d)).filter((i): i is number => i !== undefined))
  const dependents: number[][] = children.map(() => [])
  deps.forEach((ds, j) => ds.forEach((d) => dependents[d]!.push(j)))
  const state: ('waiting' | 'running' | 'done')[] = children.map(() => 'waiting')
  const outcomes: (Outcome | undefined)[] = children.map(() => undefined)
  let first: Outcome | undefined
  // No new task starts once this holds.
  const halted = () => (ops.failFast !== false && first !== undefined) || env.signal.aborted
  let running = 0
  // Enhanced depends: a failure that another task's `depends` names is handled by it, and the dag's phase
  // is then that of its leaves (an omitted leaf fails if one of its dependencies failed).
  const namedByDepends = new Set(children.flatMap((c) => (c._tag === 'Step' && c.depends ? dependsSteps(c.depends) : [])))
  const handled = new Set(children.flatMap((c, i) => (stepsIn(c).some((s) => namedByDepends.has(s.name)) ? [i] : [])))
  const omitted: boolean[] = children.map(() => false)
  const leaves = children.flatMap((_, i) => (dependents[i]!.length ? [] : [i]))
  let waiting = children.length
  return new Promise((resolve, reject) => {
    const settle = () => {
      if (running > 0) return
      if (waiting > 0 && !halted()) return
      if (first) return resolve(first)
      const failedLeaf = leaves.find((i) => !outcomes[i]?.ok || (omitted[i] && deps[i]!.some((d) => !outcomes[d]?.ok)))
      if (failedLeaf !== undefined) return resolve({ ok: false, clean: false, failure: outcomes[failedLeaf]?.failure ?? `task ${stepsIn(children[failedLeaf]!).map((s) => s.name).join('+')} was omitted after a failure` })
      resolve({ ok: true, clean: outcomes.every((o) => o?.clean ?? false) })
    }
    /** Starts (or omits) each of these tasks that waits and whose dependencies are all done. */
    const schedule = (candidates: Iterable<number>) => {
      for (const i of candidates) {
        const c = children[i]!
        if (state[i] !== 'waiting' || halted()) continue
        const ds = deps[i]!
        if (!ds.every((d) => state[d] === 'done')) continue
        const cond = c._tag === 'Step' ? c.depends : undefined
        const named = new Set(cond ? dependsSteps(cond) : [])
        // A dependency is met when it succeeded, was skipped, or failed in a way it continues on (Argo expands
        // a dependency on a task with continueOn to include those outcomes); an omitted one is not.
        const blocked = ds.filter((d) => (!outcomes[d]!.ok || omitted[d]) && !stepsIn(children[d]!).some((s) => named.has(s.name)))
        const refused = cond && !holds(cond, (n) => ({ ...taskEnd(env.scope.steps.get(n)), continueOn: stepNamed.get(n)?.continueOn }))
        state[i] = 'running'
        running++
        waiting--
        const why = refused
          ? `omitted: depends is false`
          : `omitted: ${blocked.map((d) => stepsIn(children[d]!).map((s) => s.name).join('+')).join(', ')} did not succeed`
        const work =
          blocked.length || refused
            ? Promise.resolve(ops.omit(c, env, why)).then((): Outcome => {
                omitted[i] = true
                return { ok: true, clean: false }
              })
            : ops.run(c, env)
        if (!blocked.length && !refused) for (const j of dependents[i]!) if (state[j] === 'waiting') ops.warm?.(children[j]!, env)
        work.then((o) => {
          state[i] = 'done'
          outcomes[i] = o
          running--
          if (!o.ok && !first && !handled.has(i)) first = o
          // Only the tasks waiting on this one can have become ready.
          schedule(dependents[i]!)
          settle()
        }, reject)
      }
    }
    schedule(children.keys())
    settle()
  })
}

