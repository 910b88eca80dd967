import { DflowError, decodeParam, encodeParam, problem, type Problem, type Template, type Workflow } from 'dflow-ts'
import { compileWithTemplates } from '../compile.ts'
import type { KubeObject } from '../kube-object.ts'
import type { ArgoWorkflow } from '../manifest.ts'
import type { CompileOptions } from '../options.ts'
import { loadKubeConfig, type ClusterConfig } from './kube-config.ts'
import { kubeApi, type ArgoApi } from './kube-api.ts'
import { formulateRetry } from './retry.ts'
import type { StepFilter } from '../../run/index.ts'
import { podName } from '../node-names.ts'
import { argoRunView, argoViewCache, stepIdOf, type ArgoRunView, type ArgoViewCache, type ArgoStepView, type NodeStatus, type RepositoryView } from './run-view.ts'
import { repositoryView, type ArtifactAccess } from './artifact-repository.ts'
import type { KubeError } from './kube-error.ts'
import { resubmitManifest, RESUBMITTED_FROM } from '../resubmit.ts'
import { randomBytes } from 'node:crypto'
import { watchWorkflows, type WatchOptions, type WorkflowEvent } from './watch.ts'

const DONE = new Set(['Succeeded', 'Failed', 'Error'])

/**
 * A workflow on Argo: its view as last read (status, steps, decoded outputs) and what can be done to it.
 * Views are values: `refresh()`, `wait()` and the control verbs return a new one.
 *
 * @example
 * ```ts
 * const run = await client.submit(wf)
 * const done = await run.wait()
 * done.status                      // 'Succeeded'
 * done.step('hello3').outputs.msg  // 4
 * ```
 */
export interface ArgoRun extends ArgoRunView {
  /** Reads the workflow again. */
  readonly refresh: () => Promise<ArgoRun>
  /** Follows the workflow until it is Succeeded, Failed or Error (or `signal` aborts); throws if it is deleted meanwhile. */
  readonly wait: (o?: { readonly signal?: AbortSignal }) => Promise<ArgoRun>
  /** Its changes, resumed across dropped connections (see {@link watchWorkflows}); ends when it is done or deleted. */
  readonly watch: (o?: Omit<WatchOptions, 'name' | 'labelSelector'>) => AsyncGenerator<ArgoRun>
  /** A step's log (by id, name, filter or step value), or, without one, every pod's log, each line prefixed by its step's id. */
  readonly logs: (step?: string | StepFilter | ArgoStepView) => Promise<string>
  /** `spec.shutdown: Stop`: no new steps; running ones are stopped; exit handlers run. */
  readonly stop: () => Promise<ArgoRun>
  /** `spec.shutdown: Terminate`: everything stops now; no exit handlers. */
  readonly terminate: () => Promise<ArgoRun>
  /** `spec.suspend: true`: no new steps start until resumed. */
  readonly suspend: () => Promise<ArgoRun>
  /** Clears `spec.suspend`. */
  readonly resume: () => Promise<ArgoRun>
  /** Runs a Failed or Error workflow again, keeping what succeeded (from a step: that step and what follows it run again). */
  readonly retry: (o?: { readonly from?: string }) => Promise<ArgoRun>
  /**
   * A new workflow from this one's spec (or `workflow`, compiled again): of a Failed or Error one, its Succeeded
   * steps are reused, not run again (`argo resubmit --memoized`, through {@link resubmitManifest}); of a
   * Succeeded one, everything runs again. Named `NAME-xxxxx` (or `name`), labelled with this workflow's name.
   */
  readonly resubmit: (o?: ResubmitOptions) => Promise<ArgoRun>
  readonly delete: () => Promise<void>
}

/**
 * Options of {@link ArgoRun.resubmit}.
 *
 * @example
 * ```ts
 * await failed.resubmit({ workflow: wf })   // the value compiled again; its Succeeded steps are reused
 * ```
 */
export interface ResubmitOptions {
  /** The workflow value to submit again (default: the spec the cluster holds); its codecs decode the new run's outputs. */
  readonly workflow?: Workflow<any>
  /** Reuse the Succeeded steps (default: when the workflow is Failed or Error; it must be then). */
  readonly memoized?: boolean
  /** The new workflow's name (default: this one's generateName, or its name and `-`, and 5 random characters). */
  readonly name?: string
}

/**
 * How to reach the cluster, and how to compile for it.
 *
 * @example
 * ```ts
 * const c: ArgoConfig = { kubeconfig: '/home/me/.kube/config', namespace: 'argo', compile: { serviceAccount: 'argo-workflow' } }
 * ```
 */
export interface ArgoConfig extends ClusterConfig {
  /** Options for compiling the workflows submitted (namespace and service account, artifact repository, images…). */
  readonly compile?: CompileOptions
  /** An API to use instead of the one the kubeconfig describes (tests, proxies). */
  readonly api?: ArgoApi
  /** How to reach the artifact repository to download output artifacts (endpoint from here, credentials). */
  readonly artifacts?: ArtifactAccess
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789' // the letters Kubernetes' generateName draws from
const suffix = (): string => [...randomBytes(5)].map((b) => SUFFIX[b % SUFFIX.length]).join('')

/** The manifest of a workflow the cluster holds: its spec without what steered the run (shutdown, suspend). */
const specOf = (wf: KubeObject): ArgoWorkflow => {
  const { shutdown: _s, suspend: _p, ...spec } = (wf['spec'] ?? {}) as Record<string, unknown>
  const { 'workflows.argoproj.io/completed': _c, 'workflows.argoproj.io/phase': _ph, [RESUBMITTED_FROM]: _r, ...labels } = wf.metadata.labels ?? {}
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: wf.metadata.name!, labels, ...(wf.metadata.annotations ? { annotations: wf.metadata.annotations } : {}) }, spec } as unknown as ArgoWorkflow
}

const parametersOf = (wf: Workflow<any>, given: Readonly<Record<string, unknown>>): { readonly values: Record<string, string>; readonly problems: readonly Problem[] } => {
  const specs = wf.parameters as Readonly<Record<string, { codec: any }>>
  const problems: Problem[] = []
  const values: Record<string, string> = {}
  for (const [k, v] of Object.entries(given)) {
    const spec = specs[k]
    if (!spec) {
      problems.push(problem([wf.name, 'parameters', k], `the workflow has no parameter "${k}"`, `its parameters: ${Object.keys(specs).join(', ') || 'none'}`))
      continue
    }
    if (typeof v === 'string') {
      const d = decodeParam(spec.codec, v)
      if (!d.ok) problems.push(problem([wf.name, 'parameters', k], d.message))
      values[k] = v
    } else if (spec.codec.is(v)) values[k] = encodeParam(spec.codec, v)
    else problems.push(problem([wf.name, 'parameters', k], `${JSON.stringify(v)} is not a ${spec.codec.name}`))
  }
  return { values, problems }
}

const withArguments = (m: ArgoWorkflow, values: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): KubeObject => {
  const given = m.spec.arguments?.parameters ?? []
  const names = new Set(given.map((p) => p.name))
  const parameters = [...given.map((p) => (p.name in values ? { ...p, value: values[p.name] } : p)), ...Object.entries(values).filter(([k]) => !names.has(k)).map(([name, value]) => ({ name, value }))]
  return JSON.parse(
    JSON.stringify({ ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels, ...labels } }, spec: { ...m.spec, ...(parameters.length ? { arguments: { ...m.spec.arguments, parameters } } : {}) } }),
  ) as KubeObject
}

/**
 * dflow-ts on a cluster with Argo Workflows, through `@kubernetes/client-node` (the `workflows.argoproj.io`
 * resource of one namespace): submit a workflow value (compiled here) and follow it, query its steps with
 * outputs decoded by their codecs, read its logs, stop, suspend, resume, retry or delete it, list workflows by
 * labels. Works the same against `dflow server`, the local stand-in of that API.
 *
 * @example
 * ```ts
 * import { argo } from 'dflow-ts/argo'
 * const client = argo({ kubeconfig: `${process.env.HOME}/.kube/config`, namespace: 'argo' })
 * const run = await (await client.submit(wf, { parameters: { n: 3 } })).wait()
 * run.step('hello3').outputs.msg // 4
 * ```
 */
export const argo = (config: ArgoConfig = {}) => {
  let api: Promise<ArgoApi> | undefined
  const connect = () =>
    (api ??= config.api
      ? Promise.resolve(config.api)
      : loadKubeConfig(config).then(({ kc, namespace }) => kubeApi(kc, namespace)))
  const decoders = new Map<string, ReadonlyMap<string, Template>>() // by workflow name: what this client submitted

  const repositories = new Map<string, Promise<RepositoryView | undefined>>() // by workflow uid
  const repositoryOfRun = (a: ArgoApi, wf: KubeObject): Promise<RepositoryView | undefined> => {
    const uid = wf.metadata.uid ?? wf.metadata.name!
    const known = repositories.get(uid)
    if (known) return known
    const found = repositoryView(wf, (n) => a.configMap(n), config.artifacts ?? {}, config.compile?.artifactRepository)
    // A workflow without artifacts yet may have some later: only a resolved repository is kept.
    void found.then((r) => r && repositories.set(uid, found), () => {})
    return found
  }

  // The views of one workflow (a watch's, a refresh's, a verb's) share a cache: each builds again only the steps that changed.
  const runOf = async (a: ArgoApi, wf: KubeObject, templates?: ReadonlyMap<string, Template>, cache: ArgoViewCache = argoViewCache()): Promise<ArgoRun> => {
    const name = wf.metadata.name!
    const t = templates ?? decoders.get(name)
    const readLog = (pod: string) => a.podLog(pod)
    const view = argoRunView(wf, t, readLog, await repositoryOfRun(a, wf), cache)
    const again = (o: KubeObject) => runOf(a, o, t, cache)
    const follow = async function* (o: Omit<WatchOptions, 'name' | 'labelSelector'> = {}): AsyncGenerator<ArgoRun> {
      for await (const e of watchWorkflows(a, { ...o, name })) {
        if (e.type === 'DELETED') throw new Error(`workflow ${name} was deleted in ${a.namespace} while it was being watched`)
        const r = await again(e.workflow)
        yield r
        if (DONE.has(r.status) && r.workflow.metadata.labels?.['workflows.argoproj.io/completed'] === 'true') return
      }
    }
    return Object.freeze({
      ...view,
      refresh: async () => again(await a.get(name)),
      wait: async (o: { readonly signal?: AbortSignal } = {}) => {
        let last: ArgoRun | undefined
        for await (const r of follow(o)) last = r
        return last ?? again(wf)
      },
      watch: follow,
      logs: async (step?: string | StepFilter | ArgoStepView) => {
        const fresh = argoRunView(await a.get(name), t, readLog)
        if (step !== undefined) return (typeof step === 'object' && 'node' in step ? step : fresh.step(step as string)).readLog()
        const pods = fresh.steps({ type: 'Pod' }).filter((s) => s.podName !== undefined)
        const texts = await Promise.all(pods.map((s) => s.readLog()))
        return pods.map((s, i) => texts[i]!.split(/(?<=\n)/).filter((l) => l !== '').map((l) => `${s.id}: ${l}`).join('')).join('')
      },
      stop: async () => again(await a.patch(name, { spec: { shutdown: 'Stop' } })),
      terminate: async () => again(await a.patch(name, { spec: { shutdown: 'Terminate' } })),
      suspend: async () => again(await a.patch(name, { spec: { suspend: true } })),
      resume: async () => again(await a.patch(name, { spec: { suspend: null } })),
      retry: async (o: { readonly from?: string } = {}) => {
        const current = await a.get(name)
        const from = o.from
        const { workflow, podsToDelete } = formulateRetry(current, {
          podName: (n: NodeStatus) => (n.type === 'Pod' ? podName(name, n.name, n.templateName ?? '') : undefined),
          ...(from !== undefined ? { from: (n: NodeStatus) => n.name === from || n.id === from || stepIdOf(name, n.name) === from } : {}),
        })
        for (const p of podsToDelete) await a.deletePod(p)
        return again(await a.replace(workflow))
      },
      resubmit: async (o: ResubmitOptions = {}) => {
        const current = await a.get(name)
        const compiled = o.workflow ? compileWithTemplates(o.workflow, { namespace: a.namespace, ...config.compile, generateName: false }) : undefined
        // The value compiled again runs with the parameters the earlier workflow was given.
        const given = Object.fromEntries((((current['spec'] as { arguments?: { parameters?: { name: string; value?: string }[] } } | undefined)?.arguments?.parameters) ?? []).filter((p) => p.value !== undefined).map((p) => [p.name, p.value!]))
        const manifest = compiled ? (withArguments(compiled.manifest, given, {}) as unknown as ArgoWorkflow) : specOf(current)
        const phase = (current['status'] as { phase?: string } | undefined)?.phase ?? ''
        const memoized = o.memoized ?? (phase === 'Failed' || phase === 'Error')
        if (!DONE.has(phase)) throw new Error(`workflow ${name} is ${phase || 'Pending'}: only a finished workflow can be resubmitted (stop it first)`)
        const stem = current.metadata.generateName && name.startsWith(current.metadata.generateName) ? current.metadata.generateName : `${name}-`
        for (let tries = 0; ; tries++) {
          const next = o.name ?? `${stem}${suffix()}`
          const body = memoized
            ? resubmitManifest(manifest, current, next)
            : { ...manifest, metadata: { ...manifest.metadata, name: next, labels: { ...manifest.metadata.labels, [RESUBMITTED_FROM]: name } } }
          const { generateName: _g, ...metadata } = body.metadata as ArgoWorkflow['metadata']
          try {
            const created = await a.create(JSON.parse(JSON.stringify({ ...body, metadata: { ...metadata, namespace: a.namespace } })) as KubeObject)
            const tt = compiled?.templates ?? t
            if (tt) decoders.set(next, tt)
            return runOf(a, created, tt)
          } catch (e) {
            if (o.name !== undefined || (e as KubeError).code !== 409 || tries >= 4) throw e
          }
        }
      },
      delete: () => a.delete(name),
    })
  }

  return {
    /** The namespace the client works in. */
    namespace: async (): Promise<string> => (await connect()).namespace,
    /**
     * Compiles the workflow (a dflow-ts value; an Argo manifest is sent as it is), sets its parameters and
     * labels, and creates it. A workflow that does not validate throws a DflowError before anything is sent.
     */
    submit: async (wf: Workflow<any> | ArgoWorkflow, o: { readonly parameters?: Readonly<Record<string, unknown>>; readonly labels?: Readonly<Record<string, string>> } = {}): Promise<ArgoRun> => {
      const a = await connect()
      const isManifest = (wf as ArgoWorkflow).kind === 'Workflow'
      const compiled = isManifest ? { manifest: wf as ArgoWorkflow, templates: undefined } : compileWithTemplates(wf as Workflow<any>, { namespace: a.namespace, ...config.compile })
      let values: Record<string, string> = {}
      if (!isManifest) {
        const p = parametersOf(wf as Workflow<any>, o.parameters ?? {})
        if (p.problems.length) throw new DflowError(p.problems)
        values = p.values
      } else values = Object.fromEntries(Object.entries(o.parameters ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
      const body = withArguments(compiled.manifest, values, o.labels ?? {})
      body.metadata.namespace = a.namespace
      const created = await a.create(body)
      if (compiled.templates) decoders.set(created.metadata.name!, compiled.templates)
      return runOf(a, created, compiled.templates)
    },
    /** A workflow by name (pass the workflow value to decode outputs with its codecs, if this client did not submit it). */
    get: async (name: string, wf?: Workflow<any>): Promise<ArgoRun> => {
      const a = await connect()
      return runOf(a, await a.get(name), wf ? compileWithTemplates(wf).templates : undefined)
    },
    /** The workflows whose labels match (`{ team: 'a' }` or a selector `team=a,env!=prod`), oldest first. */
    list: async (o: { readonly labels?: Readonly<Record<string, string>> | string } = {}): Promise<readonly ArgoRun[]> => {
      const a = await connect()
      const selector = typeof o.labels === 'string' ? o.labels : Object.entries(o.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')
      const { items } = await a.list(selector || undefined)
      return Promise.all([...items].sort((x, y) => String(x.metadata.creationTimestamp).localeCompare(String(y.metadata.creationTimestamp)) || String(x.metadata.name).localeCompare(String(y.metadata.name))).map((w) => runOf(a, w)))
    },
    /** Every change of the workflows that match (all of the namespace's without options). */
    watch: async function* (o: WatchOptions = {}): AsyncGenerator<WorkflowEvent> {
      yield* watchWorkflows(await connect(), o)
    },
  }
}

/** A client made by {@link argo}. @example const c: ArgoClient = argo({ namespace: 'argo' }) */
export type ArgoClient = ReturnType<typeof argo>
