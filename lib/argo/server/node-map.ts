import type { StepRecord } from '../../run/records.ts'
import type { KubeObject } from '../kube-object.ts'
import { attemptNodeName, groupNodeName, itemNodeName, stepNodeName, taskNodeName } from '../node-names.ts'
import type { NodeIo, NodePhase, NodeReport, NodeType } from './runner.ts'

type Obj = Record<string, any>

const FULFILLED = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'])

/** What the Argo source says of one template: its kind, and for steps and dags where each step is. */
interface Shape {
  readonly retry: boolean
  readonly steps?: ReadonlyMap<string, { readonly group: number; readonly step: Obj }>
  readonly tasks?: ReadonlyMap<string, Obj>
}

/** One Pod node a record stands for, whose log the runner fills: the node, and the attempt it is (for a retried step). */
export interface PodOf {
  readonly node: string
  readonly attempt?: number
  /** Whether this pod is done (its log complete). */
  readonly done: boolean
}

/** The engine's node of a record, as the mapper keeps it. */
interface Mapped {
  readonly name: string
  /** Not shown itself (the exit handler's wrapper; a steps fan-out, whose items are the group's children). */
  readonly hidden: boolean
  readonly kind: 'steps' | 'dag' | 'fanout' | 'leaf'
  readonly template: string
  /** For a steps node: its groups so far (the group node's name and its children's names). */
  readonly groups?: Group[]
  /** The step or task of the Argo source it runs (a fan-out's items are named from it). */
  readonly source?: Obj
  /** Where a fan-out's items hang: the group (steps) or the TaskGroup (dag), and their boundary. */
  readonly attach?: { readonly parent: string; readonly boundary: string }
  /** For a steps fan-out: the group its items join. */
  readonly group?: Group
  /** A steps or dag node whose template has a retryStrategy: a Retry node, its attempts its children; with its boundary, theirs. */
  readonly retried?: { readonly boundary?: string }
}

/** A step group node of a steps node: its name, its children's names, whether it ended. */
interface Group {
  readonly name: string
  readonly children: string[]
  closed: boolean
}

const shapeOf = (t: Obj): Shape => ({
  retry: t['retryStrategy'] !== undefined,
  ...(Array.isArray(t['steps'])
    ? { steps: new Map((t['steps'] as Obj[][]).flatMap((g, group) => (Array.isArray(g) ? g : [g]).map((step) => [String(step['name']), { group, step }] as const))) }
    : {}),
  ...(t['dag'] ? { tasks: new Map(((t['dag']['tasks'] ?? []) as Obj[]).map((task) => [String(task['name']), task] as const)) } : {}),
})

/** The names of the tasks a dag task waits for (`dependencies`, or the task names in `depends`). */
const dependenciesOf = (task: Obj | undefined, names: ReadonlyMap<string, unknown>): readonly string[] => {
  if (!task) return []
  if (Array.isArray(task['dependencies'])) return (task['dependencies'] as unknown[]).map(String)
  if (typeof task['depends'] === 'string') return [...new Set((task['depends'] as string).match(/[A-Za-z0-9_-]+/g) ?? [])].filter((n) => names.has(n))
  return []
}

/** Item `i` of an expanded step or task, as Argo names it: the item the engine's record carries (withParam's is known only at run time), else its withItems entry or its withSequence number. */
const itemOf = (step: Obj | undefined, i: number, r: StepRecord): unknown => {
  if (r.item !== undefined) return r.item
  if (Array.isArray(step?.['withItems'])) return (step['withItems'] as unknown[])[i] ?? i
  const seq = step?.['withSequence'] as Obj | undefined
  if (seq) return String(Number(seq['start'] ?? 0) + (seq['end'] !== undefined && Number(seq['end']) < Number(seq['start'] ?? 0) ? -i : i))
  return i
}

const io = (r: StepRecord['outputs'], exitCode?: number): NodeIo | undefined => {
  const { result, ...rest } = r.parameters
  const parameters = Object.entries(rest).map(([name, value]) => ({ name, value }))
  const artifacts = Object.entries(r.artifacts)
    .filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== null)
    .map(([name, at]) => ({ name, ...(at.path ? { path: at.path } : {}), s3: { key: at.key } }))
  const out: NodeIo = {
    ...(parameters.length ? { parameters } : {}),
    ...(artifacts.length ? { artifacts } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(exitCode !== undefined ? { exitCode: String(exitCode) } : {}),
  }
  return Object.keys(out).length ? out : undefined
}

/**
 * Turns the engine's step records of a workflow imported from Argo YAML into node reports under Argo's
 * node naming (node-names.ts): the root is the workflow's name (the exit handler is `WF.onExit`); a steps
 * template's step is `PARENT[g].STEP` in its group node `PARENT[g]`, the groups chained through the previous
 * group's nodes; a dag's task is `DAG.TASK`, a child of the tasks it depends on; a fan-out's items are
 * `NAME(i:ITEM)` (in a dag under a TaskGroup node `NAME`, in steps straight in the group); a step whose
 * template has a retryStrategy is a `Retry` node with a Pod per attempt, `NAME(n)`. Inputs, outputs (a
 * `result` as Argo's `outputs.result`, artifacts with their key), exit codes and messages come along.
 * `known` names nodes already in the status (a retry's kept nodes), which may be parents.
 *
 * @example
 * ```ts
 * const m = nodeMapper(workflowObject, imported.workflow.name)
 * for (const r of m.reports(stepRecord)) control.node(r)
 * m.pods(stepRecord) // [{ node: 'wf[0].hello', done: true }]
 * ```
 */
export const nodeMapper = (wf: KubeObject, rootId: string, known: Iterable<string> = []) => {
  const wfName = wf.metadata.name!
  const templates = new Map(((wf['spec'] as Obj | undefined)?.['templates'] ?? []).map((t: Obj) => [String(t['name']), shapeOf(t)] as const) as [string, Shape][])
  const mapped = new Map<string, Mapped>() // by record id
  const reported = new Set<string>(known)

  const kindOf = (r: StepRecord): Mapped['kind'] => (r.type === 'Steps' ? 'steps' : r.type === 'DAG' ? 'dag' : r.type === 'StepGroup' ? 'fanout' : 'leaf')

  /** The reports of a record's first sight: its name, where it hangs, and any group node it needs. */
  const place = (r: StepRecord): { m: Mapped; pre: NodeReport[]; parent?: string | readonly string[]; boundary?: string } => {
    const kind = kindOf(r)
    // the template as the Argo source names it (the importer may specialise one per call, `echo-TEST-ONE`)
    const own = (name: string, hidden = false, template?: unknown): Mapped => ({ name, hidden, kind, template: typeof template === 'string' ? template : r.template, ...(kind === 'steps' ? { groups: [] } : {}) })
    const spec = (wf['spec'] ?? {}) as Obj
    if (r.parent === null) return r.id === rootId ? { m: own(wfName, false, spec['entrypoint']), pre: [] } : { m: own(`${wfName}.${r.name}`, true), pre: [] }
    const p = mapped.get(r.parent)
    if (!p) return { m: own(`${wfName}.${r.id}`), pre: [] }
    if (p.hidden && p.kind !== 'fanout') return { m: own(p.name, false, spec['onExit']), pre: [] } // the exit handler's template, named as its wrapper
    if (p.retried) {
      // an attempt of a retried steps or dag template: NAME(n) under the Retry node, in the Retry node's boundary
      // (operator.go executeTemplate: `fmt.Sprintf("%s(%d)", retryNodeName, retryNum)`, opts.boundaryID), its steps under it
      const n = Number(/\((\d+)\)$/.exec(r.id)?.[1] ?? 0)
      return { m: own(attemptNodeName(p.name, n), false, p.template), pre: [], parent: p.name, ...(p.retried.boundary !== undefined ? { boundary: p.retried.boundary } : {}) }
    }
    const shape = templates.get(p.template)
    if (p.kind === 'fanout') {
      // an item: `NAME(i:ITEM)`; in a steps template it hangs in the group, in a dag under the TaskGroup
      const i = Number(/\((\d+)\)$/.exec(r.name)?.[1] ?? 0)
      const at = p.attach ?? { parent: p.name, boundary: p.name }
      const m = own(itemNodeName(p.name, i, itemOf(p.source, i, r)), false, p.source?.['template'])
      if (p.hidden) p.group?.children.push(m.name)
      return { m, pre: [], parent: p.hidden ? at.parent : p.name, boundary: at.boundary }
    }
    if (p.kind === 'dag') {
      const task = shape?.tasks?.get(r.name)
      const deps = dependenciesOf(task, shape?.tasks ?? new Map()).map((d) => taskNodeName(p.name, d)).filter((d) => reported.has(d))
      const m: Mapped = { ...own(taskNodeName(p.name, r.name), false, task?.['template']), ...(task ? { source: task } : {}), attach: { parent: p.name, boundary: p.name } }
      return { m, pre: [], parent: deps.length ? deps : p.name, boundary: p.name }
    }
    if (p.kind === 'steps') {
      const where = shape?.steps?.get(r.name)
      const g = where?.group ?? Math.max(0, p.groups!.length - 1)
      const pre: NodeReport[] = []
      for (let k = 0; k <= g; k++) {
        if (p.groups![k]) continue
        const name = groupNodeName(p.name, k)
        const prev = p.groups![k - 1]
        if (prev && !prev.closed) pre.push(...closeGroup(prev))
        const chained = prev ? prev.children.filter((c) => reported.has(c)) : [p.name]
        p.groups![k] = { name, children: [], closed: false }
        if (!reported.has(name)) pre.push({ name, type: 'StepGroup', phase: 'Running', templateName: p.template, parent: chained.length ? chained : prev!.name, boundary: p.name })
        reported.add(name)
      }
      const group = p.groups![g]!
      const name = stepNodeName(group.name, r.name)
      if (kind !== 'fanout') group.children.push(name)
      // a steps fan-out has no node of its own: its items are the group's children
      const m: Mapped = { ...own(name, kind === 'fanout', where?.step['template']), ...(where ? { source: where.step } : {}), attach: { parent: group.name, boundary: p.name }, group }
      return { m, pre, parent: group.name, boundary: p.name }
    }
    return { m: own(stepNodeName(p.name, r.name)), pre: [], parent: p.name, boundary: p.name }
  }

  const closeGroup = (g: Group, failed?: boolean): NodeReport[] => {
    g.closed = true
    return [{ name: g.name, phase: failed ? 'Failed' : 'Succeeded' }]
  }
  const phaseOfChildren = new Map<string, string>() // node name → phase, for closing groups

  /**
   * The node reports of a record's change: on first sight also its group node (and the previous group's
   * end); a retried leaf as a Retry node and a Pod per attempt.
   */
  const reports = (r: StepRecord): NodeReport[] => {
    const had = mapped.get(r.id)
    const placed = had ? undefined : place(r)
    // a retried steps or dag template's call (not one of its attempts, which run the same template) is its Retry node
    const retryNode = placed && (placed.m.kind === 'steps' || placed.m.kind === 'dag') && templates.get(placed.m.template)?.retry && !mapped.get(r.parent ?? '')?.retried
    const fresh = retryNode ? { ...placed.m, groups: [], retried: placed.boundary !== undefined ? { boundary: placed.boundary } : {} } : placed?.m
    const m = had ?? fresh!
    if (!had) mapped.set(r.id, m)
    const out: NodeReport[] = [...(placed?.pre ?? [])]
    const first = !had
    const base = {
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      ...(r.message ? { message: r.message } : {}),
    }
    if (m.kind === 'steps' && FULFILLED.has(r.phase)) for (const g of m.groups ?? []) if (!g.closed) out.push(...closeGroup(g, g.children.some((c) => phaseOfChildren.get(c) === 'Failed' || phaseOfChildren.get(c) === 'Error')))
    phaseOfChildren.set(m.name, r.phase)
    if (m.hidden) return out
    const where = first ? { ...(placed?.parent !== undefined ? { parent: placed.parent } : {}), ...(placed?.boundary !== undefined ? { boundary: placed.boundary } : {}) } : {}
    const skipped = r.phase === 'Skipped' || r.phase === 'Omitted'
    const type: NodeType = skipped && r.type === 'Pod' ? 'Skipped' : r.type === 'Pod' ? (templates.get(m.template)?.retry ? 'Retry' : 'Pod') : m.retried ? 'Retry' : r.type === 'StepGroup' ? 'TaskGroup' : r.type
    const inputs = io(r.inputs)
    const outputs = io(r.outputs, r.type === 'Pod' && FULFILLED.has(r.phase) && !skipped ? r.exitCode : undefined)
    out.push({ name: m.name, ...(first || type === 'Skipped' ? { type } : {}), phase: r.phase as NodePhase, templateName: m.template, ...base, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}), ...where })
    reported.add(m.name)
    if (type === 'Retry' && r.type === 'Pod') {
      const tries = r.attempts ?? []
      const running = !FULFILLED.has(r.phase)
      const n = Math.max(tries.length + (running ? 1 : 0), 1)
      for (let i = 0; i < n; i++) {
        const name = attemptNodeName(m.name, i)
        const a = tries[i]
        const phase = (a?.phase ?? (running ? 'Running' : r.phase)) as NodePhase
        const last = i === n - 1 && !running
        out.push({
          name,
          ...(reported.has(name) ? {} : { type: 'Pod' as const, parent: m.name, ...(placed?.boundary !== undefined ? { boundary: placed.boundary } : {}) }),
          phase,
          templateName: m.template,
          ...(a?.startedAt ? { startedAt: a.startedAt } : {}),
          ...(a?.finishedAt ? { finishedAt: a.finishedAt } : {}),
          ...(a?.message ? { message: a.message } : {}),
          ...(inputs ? { inputs } : {}),
          ...(last && outputs ? { outputs } : a?.exitCode !== undefined ? { outputs: { exitCode: String(a.exitCode) } } : {}),
        })
        reported.add(name)
      }
    }
    return out
  }

  /** The pods a record stands for (a Pod node, or a Retry node's attempts), each with its attempt and whether it is done. */
  const pods = (r: StepRecord): readonly PodOf[] => {
    const m = mapped.get(r.id)
    if (!m || m.hidden || r.type !== 'Pod' || r.phase === 'Skipped' || r.phase === 'Omitted') return []
    const done = FULFILLED.has(r.phase)
    if (!templates.get(m.template)?.retry) return [{ node: m.name, done }]
    const tries = r.attempts ?? []
    const n = Math.max(tries.length + (done ? 0 : 1), 1)
    return Array.from({ length: n }, (_, i) => ({ node: attemptNodeName(m.name, i), attempt: i, done: done || i < tries.length }))
  }

  return { reports, pods }
}
