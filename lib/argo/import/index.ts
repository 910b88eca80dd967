import { declaredGlobals } from './globals.ts'
import { DflowError, param, problem, t, workflow, type ParamSpec, type Problem, type Workflow } from 'dflow-ts'
import { schemaProblems } from '../schema.ts'
import { parseYaml } from '../yaml.ts'
import { builder, volumeOf, type Library, type Volume } from './build.ts'
import { seconds } from './durations.ts'
import { FIELDS, fieldProblems, Warnings } from './fields.ts'
import { resolve } from 'node:path'
import { defaultMemoizeDir } from './memoize.ts'
import type { CompositePrior } from '../../engine/prior.ts'
import { rawFileIn } from './raw-file.ts'
import { argoStateDir } from './state-dir.ts'
import { defaultSyncDir, synchronizationOf, type Lock } from './sync.ts'
import { pieces } from './tags.ts'
import { repositoryOf, type Repository, type S3Access } from './s3-artifact.ts'
import { DEFAULT_KEY_FORMAT } from '../repository.ts'
import { fail } from './fail.ts'
import { specGlobals, withGlobals } from './spec-globals.ts'
import { resultsKept } from './results-kept.ts'

type Obj = Record<string, any>

/**
 * What `importWorkflow` is given besides the workflow: documents (objects, or YAML texts holding one or more)
 * of the WorkflowTemplates / ClusterWorkflowTemplates it references, and of the ConfigMaps and Secrets its
 * parameters and environment read; and how sleeps and time limits are scaled.
 *
 * @example
 * ```ts
 * const o: ImportOptions = { templates: [readFileSync('templates.yaml', 'utf8')], timeScale: 0.1 }
 * ```
 */
export interface ImportOptions {
  readonly templates?: readonly unknown[]
  readonly configmaps?: readonly unknown[]
  readonly secrets?: readonly unknown[]
  /**
   * Multiplies every duration: `sleep` commands and python's `time.sleep` in steps, timeouts,
   * activeDeadlineSeconds, retry backoffs, suspend durations (default 1). `0.1` runs a workflow that sleeps
   * 30 s in 3 s, with the same ratios between sleeps and time limits.
   */
  readonly timeScale?: number
  /**
   * The values the run's workflow parameters will be given (`dflow run -p`), for what the importer must know
   * at import: a dag's `target` from a workflow parameter. The run must be given the same values.
   */
  readonly parameters?: Readonly<Record<string, string>>
  /** Where memoize caches are kept, one ConfigMap file each (default: {@link defaultMemoizeDir}). */
  readonly memoizeDir?: string
  /** Where synchronization's lock files are kept (default: {@link defaultSyncDir}). */
  readonly syncDir?: string
  /**
   * The artifact repository, a folder that holds key-only S3 artifacts (`s3: { key }`) under their keys
   * (default: `$DFLOW_ARGO_ARTIFACT_DIR`, else `~/.cache/dflow-ts/argo-artifacts`), when the workflow has no
   * S3 repository (`spec.artifactRepositoryRef`, or the `artifact-repositories` ConfigMap in `configmaps`).
   */
  readonly artifactRepository?: string
  /**
   * The S3 artifact repository when the workflow's ConfigMaps name none (the controller's default): `dflow run
   * --store s3://BUCKET/PREFIX` gives its bucket (keys under PREFIX), the endpoint and credentials from the
   * environment as the store reads them.
   */
  readonly s3Repository?: S3Access
  /**
   * Where the contents of raw artifact arguments are written at import, one file each named by its digest
   * (default: `$DFLOW_ARGO_RAW_DIR`, else `~/.cache/dflow-ts/argo-raw`).
   */
  readonly rawDir?: string
}

/**
 * An imported workflow: the DSL value, the fields that were accepted without a local meaning, and the
 * workflow's time limit (spec.activeDeadlineSeconds, scaled), which the caller applies to the run.
 *
 * @example
 * ```ts
 * const { workflow, warnings, deadlineSeconds } = importWorkflow(text)
 * ```
 */
export interface Imported {
  readonly workflow: Workflow
  readonly warnings: readonly string[]
  readonly deadlineSeconds?: number
  /** The workflow's synchronization (spec.synchronization): locks the caller holds for the whole run, with {@link holdLocks}. */
  readonly synchronization?: readonly Lock[]
  /**
   * The memoize of its steps and dag templates (composite-memo.ts), which the caller gives the run:
   * `local().run(workflow, { composite })`. Leaves memoize on their own (the leaf runner).
   */
  readonly composite?: CompositePrior
}

/** The documents of an input: an object, a list of them, or YAML text. */
const documentsOf = (v: unknown, what: string): readonly Obj[] => {
  if (typeof v === 'string') {
    const y = parseYaml(v)
    if (!y.ok) throw new DflowError(y.problems.map((p) => problem([what, ...p.path], p.message, p.hint)))
    return y.documents as Obj[]
  }
  if (Array.isArray(v)) return v.flatMap((x) => documentsOf(x, what))
  if (typeof v === 'object' && v !== null) return [v as Obj]
  return fail([what], `expected a document, got ${JSON.stringify(v)}`)
}

const RUNNABLE = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']

const kvOf = (docs: readonly Obj[], kind: string, what: string): Map<string, Record<string, string>> => {
  const m = new Map<string, Record<string, string>>()
  for (const d of docs) {
    if (d.kind !== kind) fail([what, String(d.metadata?.name ?? '?')], `expected a ${kind}, got kind ${JSON.stringify(d.kind)}`)
    const data: Record<string, string> = { ...(d.stringData ?? {}) }
    for (const [k, v] of Object.entries((d.data ?? {}) as Record<string, unknown>)) data[k] = kind === 'Secret' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v)
    m.set(String(d.metadata?.name), data)
  }
  return m
}

/**
 * Turns an Argo Workflow (YAML text or its parsed object) into a DSL workflow that the local interpreter runs,
 * with the templates it references by `templateRef` taken from `options.templates`. A WorkflowTemplate,
 * ClusterWorkflowTemplate or CronWorkflow given instead is run as `argo submit --from` would run it. Fields with
 * no local meaning (podGC, serviceAccountName, securityContext, metrics, …) are listed in `warnings`; anything
 * not implemented, a template reference that does not resolve, an expression that does not parse throw a
 * `DflowError` whose problems name the path in the document (`spec.templates.2.steps.0.0.when`).
 *
 * @example
 * ```ts
 * import { importWorkflow } from 'dflow-ts/argo'
 * import { local } from 'dflow-ts/local'
 * const { workflow } = importWorkflow(readFileSync('hello-world.yaml', 'utf8'))
 * const run = await local().run(workflow)
 * run.status // 'Succeeded'
 * ```
 */
export const importWorkflow = (manifest: unknown, options: ImportOptions = {}): Imported => {
  const docs = documentsOf(manifest, 'manifest')
  const runnable = docs.filter((d) => RUNNABLE.includes(d?.kind))
  if (runnable.length !== 1)
    fail(
      [],
      runnable.length ? `the manifest holds ${runnable.length} workflows` : `the manifest is not a Workflow (kind ${docs.map((d) => JSON.stringify(d?.kind)).join(', ') || 'none'})`,
      'give one document of kind Workflow (or WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow)',
    )
  const doc = runnable[0]!
  const w = new Warnings()
  const docProblems = fieldProblems(doc, { use: [...FIELDS.document.use], warn: [...FIELDS.document.warn] }, [], w)
  if (docProblems.length) throw new DflowError(docProblems)
  if (!String(doc.apiVersion ?? '').startsWith('argoproj.io/')) fail(['apiVersion'], `expected argoproj.io/v1alpha1, got ${JSON.stringify(doc.apiVersion)}`)
  const meta = (doc.metadata ?? {}) as Obj
  const metaProblems = fieldProblems(meta, FIELDS.metadata, ['metadata'], w)
  if (metaProblems.length) throw new DflowError(metaProblems)
  const base = doc.kind === 'CronWorkflow' ? ['spec', 'workflowSpec'] : ['spec']
  if (doc.kind === 'CronWorkflow') {
    // the schedule's fields decide when runs start; locally the workflow runs once, now
    const cron = { use: ['workflowSpec'], warn: ['schedule', 'schedules', 'timezone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'suspend', 'when', 'stopStrategy', 'workflowMetadata'] }
    const cp = fieldProblems(doc.spec ?? {}, cron, ['spec'], w)
    if (cp.length) throw new DflowError(cp)
  }
  let spec = (doc.kind === 'CronWorkflow' ? doc.spec?.workflowSpec : doc.spec) as Obj | undefined
  if (typeof spec !== 'object' || spec === null) return fail(base, 'the document has no spec')

  const tplDocs = documentsOf(options.templates ?? [], 'templates')
  const libDocs = new Map<string, { doc: Obj; lib?: Library }>()
  for (const d of tplDocs) {
    if (d.kind !== 'WorkflowTemplate' && d.kind !== 'ClusterWorkflowTemplate') fail(['templates', String(d?.metadata?.name ?? '?')], `expected a WorkflowTemplate or ClusterWorkflowTemplate, got kind ${JSON.stringify(d?.kind)}`)
    libDocs.set(`${d.kind === 'ClusterWorkflowTemplate' ? 'c' : 'n'}:${d.metadata?.name}`, { doc: d })
  }
  const libraryOf = (key: string, templates: readonly unknown[], path: readonly string[]): Library => ({
    key,
    templates: new Map(
      (Array.isArray(templates) ? templates : fail(path, 'templates must be a list')).map((x: Obj, i: number) => [String(x?.name), { t: x, path: [...path, String(i)] }]),
    ),
  })
  const library = (name: string, cluster: boolean): Library | undefined => {
    const e = libDocs.get(`${cluster ? 'c' : 'n'}:${name}`)
    if (!e) return undefined
    // a WorkflowTemplate's {{workflow.mainEntrypoint}} names the entrypoint of the workflow that runs it (spec-globals.ts)
    e.lib ??= libraryOf(name, globalsIn(e.doc.spec?.templates ?? []), [`${e.doc.kind}/${name}`, 'spec', 'templates'])
    return e.lib
  }

  // A workflow made from a WorkflowTemplate: the template's spec, with the workflow's arguments over its own.
  if (spec.workflowTemplateRef !== undefined) {
    const r = spec.workflowTemplateRef as Obj
    const found = libDocs.get(`${r.clusterScope ? 'c' : 'n'}:${r.name}`) ?? fail([...base, 'workflowTemplateRef'], `no ${r.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} named "${r.name}"`, 'give its file with --template FILE')
    const { workflowTemplateRef: _r, arguments: args, ...rest } = spec
    const theirs = (found.doc.spec ?? {}) as Obj
    const mine = new Map(((args?.parameters ?? []) as Obj[]).map((p) => [p.name, p]))
    const merged = [...((theirs.arguments?.parameters ?? []) as Obj[]).map((p) => mine.get(p.name) ?? p), ...[...mine.values()].filter((p) => !((theirs.arguments?.parameters ?? []) as Obj[]).some((q) => q.name === p.name))]
    spec = { ...theirs, ...rest, arguments: { ...theirs.arguments, ...args, parameters: merged } }
  }
  // Argo's globals the spec as it runs fixes, {{workflow.mainEntrypoint}} and others (spec-globals.ts)
  const globals = specGlobals(spec)
  const globalsIn = <T>(v: T): T => withGlobals(v, globals)
  spec = globalsIn(spec)
  const specProblems = fieldProblems(spec, FIELDS.spec, base, w)
  if (specProblems.length) throw new DflowError(specProblems)

  const configDocs = documentsOf(options.configmaps ?? [], 'configmaps')
  const configmaps = kvOf(configDocs, 'ConfigMap', 'configmaps')
  const secrets = kvOf(documentsOf(options.secrets ?? [], 'secrets'), 'Secret', 'secrets')
  const lookupIn = (m: Map<string, Record<string, string>>, kind: string) => (name: string, key: string, path: readonly string[]): string => {
    const data = m.get(name) ?? fail(path, `no ${kind} named "${name}"`, `give its file with --${kind.toLowerCase()} FILE`)
    return data[key] ?? fail(path, `${kind} "${name}" has no key "${key}"`, `its keys: ${Object.keys(data).join(', ')}`)
  }
  const configMapValue = lookupIn(configmaps, 'ConfigMap')
  const secretValue = lookupIn(secrets, 'Secret')

  const timeScale = options.timeScale ?? 1
  if (!(timeScale > 0)) fail(['timeScale'], `the time scale must be a positive number, got ${timeScale}`)
  const parameters: Record<string, ParamSpec<string, boolean>> = {}
  const paramDefaults = new Map<string, string>()
  for (const [i, p] of ((spec.arguments?.parameters ?? []) as Obj[]).entries()) {
    const at = [...base, 'arguments', 'parameters', String(i)]
    const pp = fieldProblems(p, FIELDS.inputParameter, at, w)
    if (pp.length) throw new DflowError(pp)
    if (p.enum !== undefined) w.add([...at, 'enum'], 'is not checked locally')
    let v: string | undefined
    if (p.valueFrom?.configMapKeyRef) v = configMapValue(p.valueFrom.configMapKeyRef.name, p.valueFrom.configMapKeyRef.key, [...at, 'valueFrom'])
    else if (p.valueFrom !== undefined) fail([...at, 'valueFrom'], 'only valueFrom.configMapKeyRef is supported for a workflow parameter')
    else if (p.value !== undefined) v = typeof p.value === 'string' ? p.value : JSON.stringify(p.value)
    if (v !== undefined && pieces(v).some((x) => x._tag !== 'Text')) fail([...at, 'value'], `the parameter's value ${JSON.stringify(v)} uses tags, which the local importer cannot compute`)
    parameters[String(p.name)] = v !== undefined ? param(t.string, { default: v }) : param(t.string)
    if (v !== undefined) paramDefaults.set(String(p.name), v)
  }
  // Argo's `workflow.parameters.json`: the workflow's parameters as JSON, `[{"name":…,"value":…}]` (the
  // controller's setGlobalParameters marshals spec.arguments.parameters). A parameter of the imported workflow,
  // its value made at import from the values the run is given (ImportOptions.parameters) or the defaults.
  if (!('json' in parameters) && JSON.stringify(spec).includes('workflow.parameters.json')) {
    const given = Object.keys(parameters).map((name) => {
      const value = options.parameters?.[name] ?? paramDefaults.get(name)
      return value !== undefined ? { name, value } : { name }
    })
    parameters.json = param(t.string, { default: JSON.stringify(given) })
    w.add([...base, 'arguments', 'parameters', 'json'], 'is made at import from the values given then (workflow.parameters.json)')
  }
  for (const k of Object.keys(spec.arguments ?? {})) if (k !== 'parameters' && k !== 'artifacts') fail([...base, 'arguments', k], `workflow arguments.${k} are not supported by the local importer`)
  const volumes = new Map<string, Volume>()
  for (const [i, v] of ((spec.volumes ?? []) as Obj[]).entries()) volumes.set(String(v.name), volumeOf(v, [...base, 'volumes', String(i)]))
  for (const [i, c] of ((spec.volumeClaimTemplates ?? []) as Obj[]).entries()) {
    const name = c?.metadata?.name ?? fail([...base, 'volumeClaimTemplates', String(i), 'metadata', 'name'], 'a volume claim template needs a name')
    volumes.set(String(name), { shared: String(name) })
  }

  const syncDir = options.syncDir ?? defaultSyncDir()
  const locks = spec.synchronization !== undefined ? synchronizationOf(spec.synchronization, [...base, 'synchronization'], w, syncDir, configMapValue) : []
  const own = libraryOf('', spec.templates ?? [], [...base, 'templates'])
  // the S3 artifact repository, read when a key-only artifact first needs it (a workflow naming one it never uses runs without it)
  const store: Repository | undefined = options.s3Repository && { s3: options.s3Repository, keyFormat: DEFAULT_KEY_FORMAT }
  const refPath = [...base, 'artifactRepositoryRef']
  let repository: { value: Repository | undefined } | undefined
  const s3Repository = () => (repository ??= { value: repositoryOf(configDocs, spec!.artifactRepositoryRef, refPath, secretValue) ?? store }).value
  // output artifacts without a key go to it by its keyFormat; a repository the workflow names and the run was not
  // given leaves them in the run's own store, said once as a warning
  let keyless: { value: Repository | undefined } | undefined
  const outputRepository = () =>
    (keyless ??= (() => {
      const r = repositoryOf(configDocs, spec!.artifactRepositoryRef, refPath, secretValue, 'none') ?? store
      if (!r && spec!.artifactRepositoryRef !== undefined) w.add(refPath, `names a ConfigMap the run was not given (--configmap FILE): output artifacts without a key are kept in the run's store only, not uploaded by its keyFormat`)
      return { value: r }
    })()).value
  const libraries = [own, ...[...libDocs.keys()].flatMap((k) => library(k.slice(2), k.startsWith('c:')) ?? [])]
  const b = builder({ warnings: w, timeScale, keepsResult: resultsKept(libraries, library), serviceAccountName: globals['workflow.serviceAccountName'] ?? '', workflowParams: new Set(Object.keys(parameters)), globals: declaredGlobals([spec, ...tplDocs]), paramValue: (n) => options.parameters?.[n] ?? paramDefaults.get(n), library, configMapValue, secretValue, defaults: spec.templateDefaults, defaultsPath: [...base, 'templateDefaults'], volumes, memoizeDir: options.memoizeDir ?? defaultMemoizeDir(), syncDir, s3Repository, outputRepository, artifactRepository: resolve(options.artifactRepository ?? argoStateDir('artifacts', 'DFLOW_ARGO_ARTIFACT_DIR')), rawFile: rawFileIn(resolve(options.rawDir ?? argoStateDir('raw', 'DFLOW_ARGO_RAW_DIR'))) })
  const entry = spec.entrypoint ?? fail([...base, 'entrypoint'], 'the workflow has no entrypoint')
  const given = String(meta.name ?? String(meta.generateName ?? 'workflow').replace(/-+$/, ''))
  // the DSL keeps 57 characters of a workflow's name (room for a generateName suffix under Kubernetes' 63)
  const wfName = given.length > 57 ? given.slice(0, 57).replace(/-+$/, '') : given
  if (wfName !== given) w.add(['metadata', 'name'], `is longer than 57 characters: the run is named ${wfName}`)
  const body = b.topCall(own, wfName, String(entry), [...base, 'entrypoint'], (spec.arguments?.artifacts ?? []) as Obj[])
  // spec.hooks.exit is the exit handler, as spec.onExit (one of them); every other hook is a lifecycle hook
  const specHooks = (spec.hooks ?? {}) as Record<string, Obj>
  if (specHooks.exit !== undefined && spec.onExit !== undefined) fail([...base, 'hooks', 'exit'], 'the workflow has both onExit and hooks.exit', 'keep one of them')
  const exitTemplate = specHooks.exit !== undefined ? specHooks.exit.template : spec.onExit
  const onExit = exitTemplate !== undefined ? b.topCall(own, 'onExit', String(exitTemplate), [...base, ...(spec.onExit !== undefined ? ['onExit'] : ['hooks', 'exit', 'template'])]) : undefined
  const hooks = Object.fromEntries(Object.entries(specHooks).flatMap(([k, h]) => (k === 'exit' ? [] : [[k, b.topHook(own, k, h, [...base, 'hooks', k])]])))
  const deadline = spec.activeDeadlineSeconds !== undefined ? seconds(spec.activeDeadlineSeconds, [...base, 'activeDeadlineSeconds']) * timeScale : undefined
  const wf = workflow(wfName, body, {
    parameters,
    ...(spec.parallelism !== undefined ? { parallelism: Number(spec.parallelism) } : {}),
    ...(onExit ? { onExit } : {}),
    ...(Object.keys(hooks).length ? { hooks } : {}),
    ...(meta.labels ? { labels: meta.labels } : {}),
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
  })
  // What the importer's own checks let through — a field Argo does not know where YAML's indentation put it
  // (`inputs.value`, a `steps:` left empty) — is refused by Argo's schema, with its path, never ignored.
  // Either schema the project ships: v3.7 still has fields v4 dropped (synchronization.mutex, .semaphore).
  const schemaOf = (d: unknown): Problem[] => {
    const now = schemaProblems(d, 'v4.1')
    return now.length && schemaProblems(d, 'v3.7').length ? now : []
  }
  const invalid = [...schemaOf(doc), ...tplDocs.flatMap((d) => schemaOf(d).map((x) => problem([`${d.kind}/${d.metadata?.name}`, ...x.path], x.message)))]
  if (invalid.length) throw new DflowError(invalid)
  const composite = b.composite()
  return { workflow: wf, warnings: w.list, ...(deadline !== undefined ? { deadlineSeconds: deadline } : {}), ...(locks.length ? { synchronization: locks } : {}), ...(composite ? { composite } : {}) }
}
