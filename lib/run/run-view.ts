import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { ArtifactStore } from '../storage/store.ts'
import { artifactOutputs, type ArtifactOutput } from './artifact-output.ts'
import { decodeParam, t as codecs, templatesOf, type ParamSpec, type Step, type Template, type Workflow } from 'dflow-ts'
import { loadRunFolder } from './folder-run-store.ts'
import { runLayout } from './layout.ts'
import { valueStore, wiresOf, type ValueStore } from './value-store.ts'
import type { AttemptRecord, Phase, StepRecord, StepType, WorkflowRecord } from './records.ts'

/**
 * One step of a run, for queries: its record plus inputs and outputs as values (parameters decoded,
 * artifacts as {@link ArtifactOutput} locations) and its log.
 *
 * @example
 * ```ts
 * const s = run.step('hello3')
 * s.phase           // 'Succeeded'
 * s.outputs.msg     // 4
 * s.outputs.bar     // { store: 'file:///', key: '…/steps/hello3/workdir/bar.txt', path: '/…/steps/hello3/workdir/bar.txt', download }
 * s.log()           // what the script printed
 * ```
 */
export interface StepView<O = Readonly<Record<string, unknown>>> {
  readonly record: StepRecord
  readonly id: string
  readonly name: string
  readonly phase: Phase
  readonly type: StepType
  readonly key: string | undefined
  /** The exit code; 128 + the signal's number when a signal ended the process (137 for SIGKILL). */
  readonly exitCode: number | undefined
  /** The signal that ended the step's process (`SIGKILL`), if one did. */
  readonly signal: string | undefined
  readonly message: string | undefined
  /** Every attempt of a retried or timed step, oldest first ([] for a step with neither). */
  readonly attempts: readonly AttemptRecord[]
  /** The last progress it reported (`current/total`), if any. */
  readonly progress: string | undefined
  readonly inputs: Readonly<Record<string, unknown>>
  readonly outputs: O
  /** The step's folder in the run folder. */
  readonly dir: string
  readonly logPath: string
  /** The step's combined stdout and stderr as the run folder on this machine holds it ('' for steps that ran no process). */
  readonly log: () => string
  /** The step's combined stdout and stderr, wherever the run keeps it (asynchronous: an Argo run's logs are remote). */
  readonly readLog: () => Promise<string>
}

/**
 * The decoded outputs of a step of template `T`: numbers for `param(t.number)`, locations for artifacts.
 *
 * @example
 * ```ts
 * type O = OutputsOf<typeof hello>  // { readonly n: number } for outputs { n: param(t.number) }
 * ```
 */
export type OutputsOf<T extends Template> = {
  readonly [K in keyof T['outputs']]: T['outputs'][K] extends ParamSpec<infer A, boolean> ? A : ArtifactOutput
}

/**
 * How to pick steps: each field narrows; `name` is exact (string) or a pattern (RegExp).
 *
 * @example
 * ```ts
 * run.steps({ phase: 'Failed', retried: true })
 * ```
 */
export interface StepFilter {
  /** The step's id in the run (`outer.inner`, `print(0)`, `onExit.report`). */
  readonly id?: string
  readonly name?: string | RegExp
  readonly key?: string
  readonly phase?: Phase | readonly Phase[]
  readonly type?: StepType | readonly StepType[]
  /** The enclosing sub-workflow step's id; null for top-level steps. */
  readonly parent?: string | null
  /** Only steps that were tried more than once (true), or exactly once (false). */
  readonly retried?: boolean
}

/**
 * A run: its status and its steps. Returned by `local().run(wf)` and by `openRun(dir)` for a finished (or
 * running) run folder; the same queries work on both.
 *
 * @example
 * ```ts
 * const run = await local().run(wf)
 * run.status                                  // 'Succeeded'
 * run.step('hello3').outputs.msg              // 4
 * run.step(h3).outputs.msg                    // 4, typed as number
 * run.step('loop.print(1)').phase             // by id: a call of a fan-out inside step loop
 * run.steps({ name: /^hello/, phase: 'Succeeded' }).length // 4
 * ```
 */
export interface Run {
  readonly dir: string
  readonly id: string
  readonly name: string
  readonly status: Phase
  readonly message: string | undefined
  /** Whether its driver is gone though the run never finished (then it reads as Failed: see {@link WorkflowRecord.interrupted}). */
  readonly interrupted: boolean
  readonly record: WorkflowRecord
  /** Steps matching the filter, in the order they started. */
  readonly steps: (filter?: StepFilter) => readonly StepView[]
  /**
   * The one step with this id (`outer.inner`, `print(0)`) or, failing that, this name; or matching a
   * filter; or called by this step value. Throws if there is none or several.
   */
  readonly step: {
    <T extends Template>(s: Step<T>): StepView<OutputsOf<T>>
    (nameOrFilter: string | StepFilter): StepView
  }
}

const matches = <A>(want: A | readonly A[] | undefined, v: A): boolean =>
  want === undefined || (Array.isArray(want) ? (want as readonly A[]).includes(v) : want === v)

/** Output and input decoders, by template name (when the workflow value is at hand). @example const d: Decoders = new Map([['hello', hello]]) */
export type Decoders = ReadonlyMap<string, Template>

/**
 * The decoders of a workflow: its templates (the body's and the exit handler's) by name.
 *
 * @example
 * ```ts
 * decodersOf(wf).get('duplicate')?.outputs.msg // the ParamSpec whose codec decodes hello1's msg
 * ```
 */
export const decodersOf = (wf: Workflow<any>): Decoders =>
  new Map([...templatesOf(wf.body), ...(wf.onExit ? templatesOf(wf.onExit) : [])].map((t) => [t.name, t]))

const viewOf = (dir: string, r: StepRecord, templates: Decoders | undefined, store: ValueStore, stores: readonly ArtifactStore[]): StepView => {
  const l = runLayout(dir)
  const t = templates?.get(r.template)
  const decode = (side: 'inputs' | 'outputs') => {
    const io = r[side]
    const specs = t?.[side] as Readonly<Record<string, ParamSpec>> | undefined
    const values = Object.fromEntries(
      Object.entries(wiresOf(io, store)).map(([k, wire]) => {
        const spec = specs?.[k]
        // A value kept in the value store has no decoded copy in the record: it is decoded from its wire string.
        if (!(k in io.values) && io.stored?.[k] !== undefined) {
          const d = decodeParam(spec?._tag === 'Param' ? spec.codec : codecs.unknown, wire)
          return [k, d.ok ? d.value : wire]
        }
        const stored = k in io.values ? io.values[k] : wire
        if (spec?._tag !== 'Param') return [k, stored]
        const d = spec.codec.decode(stored)
        return [k, d._tag === 'Right' ? d.right : stored]
      }),
    )
    return Object.freeze({ ...values, ...artifactOutputs(io.artifacts, stores) })
  }
  return Object.freeze({
    record: r,
    id: r.id,
    name: r.name,
    phase: r.phase,
    type: r.type,
    key: r.key,
    exitCode: r.exitCode,
    signal: r.signal,
    message: r.message,
    attempts: r.attempts ?? [],
    progress: r.progress,
    inputs: decode('inputs'),
    outputs: decode('outputs'),
    dir: l.stepDir(r.id),
    logPath: l.log(r.id),
    log: () => {
      try {
        return readFileSync(l.log(r.id), 'utf8')
      } catch {
        return ''
      }
    },
    readLog: () => readFile(l.log(r.id), 'utf8').catch(() => ''),
  })
}

/**
 * Builds the query view of a run from its records. `views`, when given, keeps each record's view for the
 * next run view built from the same record objects (an Argo run's successive reads, whose unchanged nodes
 * keep their records): it must be used with the same `dir`, `templates` and `stores` only.
 *
 * @example
 * ```ts
 * const run = runView('/runs/steps-1', workflowRecord, stepRecords)
 * ```
 */
export const runView = (dir: string, wf: WorkflowRecord, records: readonly StepRecord[], templates?: Decoders, stores: readonly ArtifactStore[] = [], views?: WeakMap<StepRecord, StepView>): Run => {
  // Views are built when asked for, from the records: a view decodes values and holds paths, and keeping one
  // per step for the life of the run value tripled the memory a finished 10,000-step run holds.
  const store = valueStore(dir)
  const sorted = [...records].sort((a, b) => (a.startedAt ?? '~').localeCompare(b.startedAt ?? '~') || a.id.localeCompare(b.id))
  const ids = new Set(sorted.map((r) => r.id))
  const steps = (f: StepFilter = {}) =>
    sorted
      .filter(
        (r) =>
          (f.id === undefined || r.id === f.id) &&
          (f.name === undefined || (typeof f.name === 'string' ? r.name === f.name : f.name.test(r.name))) &&
          (f.key === undefined || r.key === f.key) &&
          (f.parent === undefined || r.parent === f.parent) &&
          (f.retried === undefined || (r.attempts ?? []).length > 1 === f.retried) &&
          matches(f.phase, r.phase) &&
          matches(f.type, r.type),
      )
      .map((r) => {
        const known = views?.get(r)
        if (known) return known
        const v = viewOf(dir, r, templates, store, stores)
        views?.set(r, v)
        return v
      })
  const step = (q: string | StepFilter | Step): StepView => {
    // A string is an id when some step has it (ids are unique), else a name.
    const filter: StepFilter = typeof q === 'string' ? (ids.has(q) ? { id: q } : { name: q }) : '_tag' in q ? { name: q.name } : q
    const found = steps(filter).filter((s) => typeof q !== 'object' || !('_tag' in q) || s.record.template === q.template.name)
    if (found.length === 1) return found[0]!
    const what = JSON.stringify(typeof q === 'object' && '_tag' in q ? q.name : q, (_, v) => (v instanceof RegExp ? String(v) : v))
    if (found.length === 0) throw new Error(`no step matches ${what} in run ${wf.id}; steps: ${sorted.map((r) => r.id).join(', ') || 'none'}`)
    throw new Error(`${found.length} steps match ${what} in run ${wf.id} (${found.map((s) => s.id).join(', ')}); use run.steps(…) or a narrower filter`)
  }
  return Object.freeze({ dir, id: wf.id, name: wf.name, status: wf.status, message: wf.message, interrupted: wf.interrupted === true, record: wf, steps, step: step as Run['step'] })
}

/**
 * Reads a run folder back (finished, or still running) into the same query view `run()` returns.
 * Pass the workflow value (or its {@link decodersOf}) to decode inputs and outputs with its codecs, as the run
 * did; without it, values come back as stored JSON (a `Date` output as its ISO text). A run whose driver is
 * gone though it never finished (killed outright) reads as Failed with `interrupted: true`, as do the steps
 * it left running (see `withDriverFate`). Pass the run's artifact store (`{ store }`) to download artifacts
 * that are not on this machine.
 *
 * @example
 * ```ts
 * const run = await openRun('.dflow-runs/steps-20261125-104512-3f9a', wf)
 * run.step('hello3').outputs.msg // 4
 * ```
 */
export const openRun = async (dir: string, decoders?: Workflow<any> | Decoders, options: { readonly store?: ArtifactStore } = {}): Promise<Run> => {
  const templates = decoders === undefined || decoders instanceof Map ? decoders : decodersOf(decoders as Workflow<any>)
  const { workflow, steps } = await loadRunFolder(dir)
  return runView(dir, workflow, steps, templates, options.store ? [options.store] : [])
}

/** Lists run folders under a runs folder, newest first. @example listRuns('.dflow-runs') */
export const listRuns = (runsDir: string): readonly string[] => {
  try {
    // Dot-names are not runs (`.cache`: the cache of runs without a store).
    return readdirSync(runsDir).filter((n) => !n.startsWith('.')).sort().reverse()
  } catch {
    return []
  }
}
