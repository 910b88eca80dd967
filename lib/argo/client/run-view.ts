import { decodeParam, t as codecs, type ParamSpec, type Step, type Template } from 'dflow-ts'
import type { KubeObject } from '../kube-object.ts'
import { KEY_PARAM } from '../key.ts'
import { podName } from '../node-names.ts'

/** A phase, with Argo's names (a workflow not yet picked up by the controller is Pending). @example const p: ArgoPhase = 'Running' */
export type ArgoPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Skipped' | 'Omitted'

/** A node of `status.nodes`, as Argo writes it (the fields read here). @example const n: NodeStatus = { id: 'wf', name: 'wf', type: 'Steps', phase: 'Running' } */
export interface NodeStatus {
  readonly id: string
  readonly name: string
  readonly displayName?: string
  readonly type: string
  readonly templateName?: string
  readonly phase?: ArgoPhase
  readonly message?: string
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly progress?: string
  readonly boundaryID?: string
  readonly children?: readonly string[]
  readonly inputs?: { readonly parameters?: readonly { readonly name: string; readonly value?: string }[]; readonly artifacts?: readonly Record<string, unknown>[] }
  readonly outputs?: { readonly parameters?: readonly { readonly name: string; readonly value?: string }[]; readonly artifacts?: readonly Record<string, unknown>[]; readonly exitCode?: string; readonly result?: string }
}

/**
 * One step of a workflow on Argo, read from its node in `status.nodes`: the same fields as a local run's
 * step view where they mean the same (id, name, phase, type, key, exitCode, message, attempts, progress,
 * inputs, outputs decoded by the template's codecs), and the node and pod it came from. An output artifact is
 * its location in the artifact repository as Argo recorded it (`{ name, s3: { key } }`).
 *
 * @example
 * ```ts
 * run.step('hello1').outputs.msg // 2 (decoded by param(t.number))
 * run.step('hello1').podName     // 'hello-x7k2p-duplicate-1335831723'
 * ```
 */
export interface ArgoStepView<O = Readonly<Record<string, unknown>>> {
  /** The step's path in the workflow (`hello1`, `outer.inner`, `print(0)`), as a local run names it. */
  readonly id: string
  readonly name: string
  readonly phase: ArgoPhase
  readonly type: string
  readonly key: string | undefined
  readonly exitCode: number | undefined
  readonly message: string | undefined
  /** The attempts of a retried step (its Retry node's children), oldest first. */
  readonly attempts: readonly NodeStatus[]
  readonly progress: string | undefined
  readonly startedAt: string | undefined
  readonly finishedAt: string | undefined
  readonly inputs: Readonly<Record<string, unknown>>
  readonly outputs: O
  readonly node: NodeStatus
  /** The pod that ran it (Argo's pod name, "v2"), for a Pod node. */
  readonly podName: string | undefined
}

/** How to pick steps: each field narrows (as a local run's filter). @example const f: ArgoStepFilter = { phase: 'Failed' } */
export interface ArgoStepFilter {
  readonly id?: string
  readonly name?: string | RegExp
  readonly key?: string
  readonly phase?: ArgoPhase | readonly ArgoPhase[]
  readonly type?: string | readonly string[]
}

/** The decoded outputs of a step of template `T`. @example type O = ArgoOutputsOf<typeof hello> */
export type ArgoOutputsOf<T extends Template> = {
  readonly [K in keyof T['outputs']]: T['outputs'][K] extends ParamSpec<infer A, boolean> ? A : unknown
}

/**
 * A workflow on Argo as of its last read: its status and its steps, queried as a local run is.
 *
 * @example
 * ```ts
 * const view = argoRunView(workflowObject, templates)
 * view.status                       // 'Succeeded'
 * view.step('hello3').outputs.msg   // 4
 * view.steps({ phase: 'Failed' })   // []
 * ```
 */
export interface ArgoRunView {
  /** The workflow's name (its id on the cluster). */
  readonly id: string
  readonly name: string
  readonly namespace: string
  readonly status: ArgoPhase
  readonly message: string | undefined
  /** The Workflow object as last read. */
  readonly workflow: KubeObject
  readonly steps: (filter?: ArgoStepFilter) => readonly ArgoStepView[]
  readonly step: {
    <T extends Template>(s: Step<T>): ArgoStepView<ArgoOutputsOf<T>>
    (idNameOrFilter: string | ArgoStepFilter): ArgoStepView
  }
}

/**
 * A step's id from its node's name, as a local run names it: the workflow's name and step-group markers
 * dropped (`wf[0].outer[1].inner` → `outer.inner`), an item's value dropped (`print(1:b)` → `print(1)`).
 *
 * @example
 * ```ts
 * stepIdOf('hello-x7k2p', 'hello-x7k2p[1].hello1') // 'hello1'
 * stepIdOf('wf', 'wf.A')                           // 'A'
 * ```
 */
export const stepIdOf = (workflowName: string, nodeName: string): string =>
  nodeName
    .slice(nodeName.startsWith(workflowName) ? workflowName.length : 0)
    .replace(/\[\d+\](?=\.|$)/g, '')
    .replace(/\((\d+):[^()]*(?:\([^()]*\)[^()]*)*\)/g, '($1)')
    .replace(/^\./, '')

const matches = <A>(want: A | readonly A[] | undefined, v: A): boolean => want === undefined || (Array.isArray(want) ? (want as readonly A[]).includes(v) : want === v)

const decodeIo = (values: readonly { name: string; value?: string }[] | undefined, artifacts: readonly Record<string, unknown>[] | undefined, specs: Readonly<Record<string, unknown>> | undefined) =>
  Object.freeze({
    ...Object.fromEntries(
      (values ?? [])
        .filter((p) => p.name !== KEY_PARAM && p.value !== undefined)
        .map((p) => {
          const spec = specs?.[p.name] as ParamSpec | undefined
          const d = decodeParam(spec?._tag === 'Param' ? spec.codec : codecs.unknown, p.value!)
          return [p.name, d.ok ? d.value : p.value]
        }),
    ),
    ...Object.fromEntries((artifacts ?? []).map((a) => [String(a['name']), a])),
  })

const podNameOf = (wfName: string, n: NodeStatus): string | undefined => (n.type === 'Pod' ? podName(wfName, n.name, n.templateName ?? '') : undefined)

/**
 * The query view of a Workflow object: steps from `status.nodes` (step groups, a retry's attempts and the root
 * node are not steps of their own, unless the root is the workflow's one pod: its id is then the workflow's name), in the order they started; inputs and outputs decoded with the codecs of the
 * templates they ran (by the node's `templateName`, from `compileWithTemplates`), else as JSON or text.
 *
 * @example
 * ```ts
 * argoRunView(wf, compileWithTemplates(dsl).templates).step('hello1').outputs.msg // 2
 * ```
 */
export const argoRunView = (wf: KubeObject, templates?: ReadonlyMap<string, Template>): ArgoRunView => {
  const name = wf.metadata.name!
  const status = (wf['status'] ?? {}) as { phase?: string; message?: string; nodes?: Record<string, NodeStatus> }
  const nodes = Object.values(status.nodes ?? {})
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const attemptOf = new Set(nodes.filter((n) => n.type === 'Retry').flatMap((n) => n.children ?? []))
  const steps0 = nodes
    .filter((n) => (n.name !== name || n.type === 'Pod') && n.type !== 'StepGroup' && !attemptOf.has(n.id))
    .sort((a, b) => (a.startedAt ?? '~').localeCompare(b.startedAt ?? '~') || a.name.localeCompare(b.name))
  const view = (n: NodeStatus): ArgoStepView => {
    const t = n.templateName ? templates?.get(n.templateName) : undefined
    const code = n.outputs?.exitCode
    return Object.freeze({
      id: n.name === name ? name : stepIdOf(name, n.name),
      name: (n.displayName ?? n.name).replace(/\(\d+:.*\)$/, ''),
      phase: (n.phase ?? 'Pending') as ArgoPhase,
      type: n.type,
      key: n.inputs?.parameters?.find((p) => p.name === KEY_PARAM)?.value || undefined,
      exitCode: code === undefined ? undefined : Number(code),
      message: n.message,
      attempts: n.type === 'Retry' ? (n.children ?? []).map((c) => byId.get(c)).filter((c): c is NodeStatus => c !== undefined) : [],
      progress: n.progress,
      startedAt: n.startedAt,
      finishedAt: n.finishedAt,
      inputs: decodeIo(n.inputs?.parameters, n.inputs?.artifacts, t?.inputs as Readonly<Record<string, unknown>> | undefined),
      outputs: decodeIo(n.outputs?.parameters, n.outputs?.artifacts, t?.outputs as Readonly<Record<string, unknown>> | undefined),
      node: n,
      podName: podNameOf(name, n),
    })
  }
  const steps = (f: ArgoStepFilter = {}) =>
    steps0
      .map(view)
      .filter(
        (s) =>
          (f.id === undefined || s.id === f.id) &&
          (f.name === undefined || (typeof f.name === 'string' ? s.name === f.name : f.name.test(s.name))) &&
          (f.key === undefined || s.key === f.key) &&
          matches(f.phase, s.phase) &&
          matches(f.type, s.type),
      )
  const step = (q: string | ArgoStepFilter | Step): ArgoStepView => {
    const all = steps()
    const filter: ArgoStepFilter = typeof q === 'string' ? (all.some((s) => s.id === q) ? { id: q } : { name: q }) : '_tag' in q ? { name: q.name } : q
    const found = steps(filter).filter((s) => typeof q !== 'object' || !('_tag' in q) || templates === undefined || templates.get(s.node.templateName ?? '') === q.template)
    if (found.length === 1) return found[0]!
    const what = JSON.stringify(typeof q === 'object' && '_tag' in q ? q.name : q, (_, v) => (v instanceof RegExp ? String(v) : v))
    if (found.length === 0) throw new Error(`no step matches ${what} in workflow ${name}; steps: ${all.map((s) => s.id).join(', ') || 'none yet'}`)
    throw new Error(`${found.length} steps match ${what} in workflow ${name} (${found.map((s) => s.id).join(', ')}); use steps(…) or a narrower filter`)
  }
  return Object.freeze({
    id: name,
    name,
    namespace: wf.metadata.namespace ?? '',
    status: (status.phase || 'Pending') as ArgoPhase,
    message: status.message,
    workflow: wf,
    steps,
    step: step as ArgoRunView['step'],
  })
}
