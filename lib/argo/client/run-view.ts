import { decodeParam, t as codecs, type ParamSpec, type Step, type Template } from 'dflow-ts'
import { runView, type Phase, type Run, type StepFilter, type StepRecord, type StepType, type StepView, type OutputsOf, type IoRecord, type WorkflowRecord } from '../../run/index.ts'
import type { KubeObject } from '../kube-object.ts'
import { KEY_PARAM } from '../key.ts'
import { podName } from '../node-names.ts'
import { artifactLocation } from '../../storage/location.ts'
import type { ArtifactStore } from '../../storage/store.ts'

/** A node of `status.nodes`, as Argo writes it (the fields read here). @example const n: NodeStatus = { id: 'wf', name: 'wf', type: 'Steps', phase: 'Running' } */
export interface NodeStatus {
  readonly id: string
  readonly name: string
  readonly displayName?: string
  readonly type: string
  readonly templateName?: string
  readonly phase?: Phase
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
 * One step of a workflow on Argo: the shared {@link StepView} (lib/run), built from its node in
 * `status.nodes`, plus the node and the pod it came from. Its log is remote: `readLog()` fetches the pod's
 * (`log()`, `dir` and `logPath`, which name files of a local run folder, are empty). An output artifact is
 * its location in the artifact repository (`s3://BUCKET/`, Argo's key without `.tgz`), and `download(dir)`
 * fetches it from there.
 *
 * @example
 * ```ts
 * run.step('hello1').outputs.msg  // 2 (decoded by param(t.number))
 * await run.step('hello1').readLog()
 * ```
 */
export interface ArgoStepView<O = Readonly<Record<string, unknown>>> extends StepView<O> {
  readonly node: NodeStatus
  /** The pod that ran it (Argo's pod name, "v2"), for a Pod node. */
  readonly podName: string | undefined
}

/**
 * A workflow on Argo as of its last read: the shared {@link Run} (lib/run) — status, steps, decoded outputs,
 * queried as a local run is — plus its namespace and the Workflow object.
 *
 * @example
 * ```ts
 * const view = argoRunView(workflowObject, templates, readLog)
 * view.status                       // 'Succeeded'
 * view.step('hello3').outputs.msg   // 4
 * ```
 */
export interface ArgoRunView extends Run {
  readonly namespace: string
  /** The Workflow object as last read. */
  readonly workflow: KubeObject
  readonly steps: (filter?: StepFilter) => readonly ArgoStepView[]
  readonly step: {
    <T extends Template>(s: Step<T>): ArgoStepView<OutputsOf<T>>
    (idNameOrFilter: string | StepFilter): ArgoStepView
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

const TYPES: Readonly<Record<string, StepType>> = { Steps: 'Steps', DAG: 'DAG', TaskGroup: 'StepGroup' }

/**
 * Where a workflow's artifacts are read from: the bucket of a key-only artifact (the repository's) and the
 * stores that fetch them (see `repositoryStore`).
 *
 * @example
 * ```ts
 * const r: RepositoryView = { bucket: 'my-bucket', stores: [await repositoryStore(repo, 'my-bucket', {})] }
 * ```
 */
export interface RepositoryView {
  readonly bucket: string
  readonly stores: readonly ArtifactStore[]
}

/** A workflow's `status.outputs` as the run record keeps them (parameters by name, artifacts as locations), nothing when it has none. */
const workflowOutputs = (o: { parameters?: { name: string; value?: string }[]; artifacts?: Record<string, unknown>[] } | undefined, bucket?: string) => {
  if (!o?.parameters?.length && !o?.artifacts?.length) return {}
  const { parameters, artifacts } = io(o.parameters, o.artifacts, undefined, bucket)
  return { outputs: { parameters, artifacts } }
}

const io = (values: readonly { name: string; value?: string }[] | undefined, artifacts: readonly Record<string, unknown>[] | undefined, specs: Readonly<Record<string, unknown>> | undefined, bucket = ''): IoRecord => {
  const given = (values ?? []).filter((p) => p.name !== KEY_PARAM && p.value !== undefined)
  const decoded = (name: string, wire: string) => {
    const spec = specs?.[name] as ParamSpec | undefined
    const d = decodeParam(spec?._tag === 'Param' ? spec.codec : codecs.unknown, wire)
    return d.ok ? d.value : wire
  }
  return {
    parameters: Object.fromEntries(given.map((p) => [p.name, p.value!])),
    values: Object.fromEntries(given.map((p) => [p.name, decoded(p.name, p.value!)])),
    // An artifact in the repository is a location in its bucket (the repository's when the node names none),
    // its key the object's without `.tgz`, as a REF reads (the store reads KEY.tgz, else KEY, else KEY/…).
    artifacts: Object.fromEntries(
      (artifacts ?? []).map((a) => {
        const s3 = a['s3'] as { key?: string; bucket?: string } | undefined
        return [String(a['name']), s3?.key ? artifactLocation(`s3://${s3.bucket ?? bucket}/`, s3.key.replace(/\.tgz$/, '')) : null]
      }),
    ),
  }
}

/**
 * What successive views of one workflow share, so that a watch's next view builds again only the nodes that
 * changed: per node, a fingerprint of everything its step record is made of (its fields, inputs and outputs,
 * its boundary's name, a Retry node's attempts) and the record, and per record its decoded view. Valid for
 * one workflow read with the same templates (`argoRunView` starts it afresh when the repository's bucket
 * changes).
 *
 * @example
 * ```ts
 * const cache = argoViewCache()
 * for await (const e of watchWorkflows(api, { name })) argoRunView(e.workflow, templates, readLog, undefined, cache).steps({ phase: 'Running' })
 * ```
 */
export interface ArgoViewCache {
  bucket: string | undefined
  records: Map<string, { readonly fp: string; readonly record: StepRecord }>
  views: WeakMap<StepRecord, StepView>
}

/** A fresh {@link ArgoViewCache}. @example argoRunView(wf, templates, readLog, repository, argoViewCache()) */
export const argoViewCache = (): ArgoViewCache => ({ bucket: undefined, records: new Map(), views: new WeakMap() })

const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>))

/** What a node's step record is made of, as one string (the record is built again only when it changes). */
const fingerprintOf = (n: NodeStatus, boundary: NodeStatus | undefined, tries: readonly NodeStatus[]): string => {
  let fp = `${n.name}\0${n.type}\0${n.displayName}\0${n.templateName}\0${n.phase}\0${n.message}\0${n.startedAt}\0${n.finishedAt}\0${n.progress}\0${boundary?.name}\0${JSON.stringify(n.inputs)}\0${JSON.stringify(n.outputs)}`
  for (const a of tries) fp += `\0${a.phase}\0${a.startedAt}\0${a.finishedAt}\0${a.message}\0${a.outputs?.exitCode}`
  return fp
}

/**
 * The query view of a Workflow object: a {@link StepRecord} per node of `status.nodes` (step groups, a retry's
 * attempts and the root node are not steps of their own, unless the root is the workflow's one pod: its id
 * is then the workflow's name), queried by lib/run's `runView`; inputs and outputs decoded with the codecs
 * of the templates they ran (by the node's `templateName`, from `compileWithTemplates`), else as JSON or
 * text. `readLog(podName)` fetches a pod's log; output artifacts are locations in the repository's bucket whose
 * `download(dir)` fetches them through `repository.stores`.
 *
 * The steps are built when first asked for (`steps`, `step`): a view whose steps nobody reads — a watch
 * followed for its status — costs nothing per node. With a `cache` shared by the views of one workflow (the
 * client's watch shares one), a node whose fingerprint did not change keeps its record and its decoded view,
 * so a view built after a change of a few nodes decodes those few.
 *
 * @example
 * ```ts
 * argoRunView(wf, compileWithTemplates(dsl).templates, (pod) => api.podLog(pod)).step('hello1').outputs.msg // 2
 * ```
 */
export const argoRunView = (
  wf: KubeObject,
  templates?: ReadonlyMap<string, Template>,
  readLog: (pod: string) => Promise<string> = async () => '',
  repository?: RepositoryView,
  cache: ArgoViewCache = argoViewCache(),
): ArgoRunView => {
  const name = wf.metadata.name!
  const status = (wf['status'] ?? {}) as {
    phase?: string
    message?: string
    startedAt?: string
    finishedAt?: string
    nodes?: Record<string, NodeStatus>
    /** The workflow outputs (globalName), as the controller's addOutputsToGlobalScope keeps them. */
    outputs?: { parameters?: { name: string; value?: string }[]; artifacts?: Record<string, unknown>[] }
  }
  const record: WorkflowRecord = { name, id: name, status: (status.phase || 'Pending') as Phase, startedAt: status.startedAt ?? '', ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}), ...(status.message ? { message: status.message } : {}), ...workflowOutputs(status.outputs, repository?.bucket), parameters: {}, pid: 0, host: '' }
  const stores = repository?.stores ?? []
  if (cache.bucket !== repository?.bucket) Object.assign(cache, argoViewCache(), { bucket: repository?.bucket })
  let built: { readonly base: Run; readonly nodeOf: ReadonlyMap<string, NodeStatus> } | undefined
  const build = () => {
    if (built) return built
    const nodes = Object.values(status.nodes ?? {})
    const byId = new Map(nodes.map((n) => [n.id, n]))
    const attemptOf = new Set(nodes.filter((n) => n.type === 'Retry').flatMap((n) => n.children ?? []))
    const idOf = (n: NodeStatus) => (n.name === name ? name : stepIdOf(name, n.name))
    const shown = nodes.filter((n) => (n.name !== name || n.type === 'Pod' || n.type === 'Retry') && n.type !== 'StepGroup' && !attemptOf.has(n.id))
    const nodeOf = new Map<string, NodeStatus>()
    const records = shown.map((n): StepRecord => {
      const boundary = n.boundaryID ? byId.get(n.boundaryID) : undefined
      const tries = n.type === 'Retry' ? (n.children ?? []).map((c) => byId.get(c)).filter((c): c is NodeStatus => c !== undefined) : []
      const fp = fingerprintOf(n, boundary, tries)
      const known = cache.records.get(n.id)
      const r = known?.fp === fp ? known.record : recordOf(n, idOf, boundary, tries)
      if (r !== known?.record) cache.records.set(n.id, { fp, record: r })
      nodeOf.set(r.id, n)
      return r
    })
    return (built = { base: runView('', record, records, templates, stores, cache.views), nodeOf })
  }
  const recordOf = (n: NodeStatus, idOf: (n: NodeStatus) => string, boundary: NodeStatus | undefined, tries: readonly NodeStatus[]): StepRecord => {
    const t = n.templateName ? templates?.get(n.templateName) : undefined
    const code = n.outputs?.exitCode
    const key = n.inputs?.parameters?.find((p) => p.name === KEY_PARAM)?.value
    return {
      id: idOf(n),
      name: (n.displayName ?? n.name).replace(/\(\d+:.*\)$/, ''),
      parent: boundary && boundary.name !== name ? idOf(boundary) : null,
      type: TYPES[n.type] ?? 'Pod',
      template: n.templateName ?? '',
      phase: n.phase ?? 'Pending',
      inputs: io(n.inputs?.parameters, n.inputs?.artifacts, t?.inputs as Readonly<Record<string, unknown>> | undefined, repository?.bucket),
      outputs: io(n.outputs?.parameters, n.outputs?.artifacts, t?.outputs as Readonly<Record<string, unknown>> | undefined, repository?.bucket),
      ...opt('key', key || undefined),
      ...opt('startedAt', n.startedAt),
      ...opt('finishedAt', n.finishedAt),
      ...opt('exitCode', code === undefined ? undefined : Number(code)),
      ...opt('message', n.message),
      ...opt('progress', n.progress),
      ...(tries.length
        ? { attempts: tries.map((a, i) => ({ attempt: i + 1, phase: a.phase ?? 'Pending', ...opt('startedAt', a.startedAt), ...opt('finishedAt', a.finishedAt), ...opt('message', a.message), ...opt('exitCode', a.outputs?.exitCode === undefined ? undefined : Number(a.outputs.exitCode)) })) }
        : {}),
    }
  }
  const argoStep = (v: StepView): ArgoStepView => {
    const node = build().nodeOf.get(v.id)!
    const pod = node.type === 'Pod' ? podName(name, node.name, node.templateName ?? '') : undefined
    return Object.freeze({ ...v, dir: '', logPath: '', log: () => '', readLog: () => (pod ? readLog(pod) : Promise.resolve('')), node, podName: pod })
  }
  return Object.freeze({
    ...runView('', record, []),
    namespace: wf.metadata.namespace ?? '',
    workflow: wf,
    steps: (f?: StepFilter) => build().base.steps(f).map(argoStep),
    step: ((q: string | StepFilter | Step) => argoStep(build().base.step(q as string))) as ArgoRunView['step'],
  })
}
