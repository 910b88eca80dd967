import {
  ALL_OUTPUTS, STEP_IP, DflowError, conditionProblems, exprOutput, exposedRef, lastRetry, typeProblems, artifact, dag, exitCode, ifExpr, itemRef, par, param, seq, status, step, t,
  type LifecycleHook, workflowCreationTimestamp, workflowDuration, workflowFailures, workflowStatus, isExpr, isRef, workflowOutput, workflowOutputArtifact, localArtifact, type Arg, type ArtifactRef, type Exposable, type ForEachSource,
  type Expr, type ComputedItems, type IoSpec, type Node, type ParamRef, type Problem, type Retry, type RetryPolicy, type Step, type StepOptions, type Subflow, type Template,
} from 'dflow-ts'
import { daemonOf } from '../../engine/daemon.ts'
import { daemonSpec } from './daemon-spec.ts'
import { goSprint, goUnmarshal } from '../../engine/go-values.ts'
import { argoValue } from './argo-value.ts'
import { parseLang } from './expr-lang.ts'
import { evalLang } from './expr-lang-eval.ts'
import { dependsNames, parseDepends } from './depends.ts'
import { seconds } from './durations.ts'
import { condition, exprLang } from './expressions.ts'
import { expressionTag, type ExprResolver } from './expression-tag.ts'
import { FIELDS, fieldProblems, type FieldTable, type Warnings } from './fields.ts'
import { hoistExprTags } from './leaf-exprs.ts'
import { ARTIFACT_ALIAS, LEAF_CONTEXT, artifactOutput, leafTemplate, type ContainerSpec, type LeafSpec } from './leaf.ts'
import { httpContainer } from './http-template.ts'
import { httpArtifactOf, type HttpArtifact } from './http-artifact.ts'
import { memoizeOf, type Memoize } from './memoize.ts'
import { checkCompositeKey, compositeMemo } from './composite-memo.ts'
import type { CompositePrior } from '../../engine/prior.ts'
import { synchronizationOf } from './sync.ts'
import { TEMPLATE_KINDS, withTemplateDefaults } from './template-defaults.ts'
import { archiveOf, artifactS3, outputKey, type ArtifactS3, type Repository, type S3Access } from './s3-artifact.ts'
import type { ArgoArchive } from '../../storage/argo-s3.ts'
import { onlyTag, pieces } from './tags.ts'
import { fail } from './fail.ts'

type Obj = Record<string, any>

/** A set of templates that refer to each other by name: the workflow's, or one WorkflowTemplate's. @example const lib: Library = { key: 'lib', templates: new Map([['say', { t: { name: 'say', container: {} }, path: ['spec', 'templates', '0'] }]]) } */
export interface Library {
  /** `''` for the workflow's own templates, else the WorkflowTemplate's name. */
  readonly key: string
  readonly templates: ReadonlyMap<string, { readonly t: Obj; readonly path: readonly string[] }>
}

/** The builder's key of a library's template (the one each is built once by). @example templateKey(own, 'say') // '\u0000say' */
export const templateKey = (lib: Library, name: string): string => `${lib.key}\u0000${name}`

/** What the builder is given (see `importWorkflow`, which makes it). @example builder(cx).topCall(own, 'hello', 'main', ['spec', 'entrypoint']) */
export interface BuildContext {
  readonly warnings: Warnings
  readonly timeScale: number
  /** The workflow's `{{workflow.serviceAccountName}}` (spec-globals.ts), for the texts the leaf runner substitutes (a repository's keyFormat). */
  readonly serviceAccountName: string
  readonly workflowParams: ReadonlySet<string>
  /** The workflow outputs the documents' templates export (`globalName`), by name (see `declaredGlobals`). */
  readonly globals: ReadonlyMap<string, 'parameters' | 'artifacts'>
  /** A workflow parameter's value at submission (given, or its default), for what must be known at import (a dag's target). */
  readonly paramValue: (name: string) => string | undefined
  /** Finds the library of a `templateRef` (a WorkflowTemplate, or a ClusterWorkflowTemplate when clusterScope). */
  readonly library: (name: string, cluster: boolean) => Library | undefined
  /** Whether the template of a key (`templateKey`) keeps its stdout as `outputs.result` (results-kept.ts). */
  readonly keepsResult: (key: string) => boolean
  readonly configMapValue: (name: string, key: string, path: readonly string[]) => string
  readonly secretValue: (name: string, key: string, path: readonly string[]) => string
  /** spec.templateDefaults, merged into every template (template-defaults.ts), and where it is written. */
  readonly defaults: Obj | undefined
  readonly defaultsPath?: readonly string[]
  /** The workflow's volumes by name: emptyDir (each step's own), or shared by the run's steps (a claim). */
  readonly volumes: ReadonlyMap<string, Volume>
  /** The folder of memoize caches (one ConfigMap file each). */
  readonly memoizeDir: string
  /** The folder of synchronization's lock files. */
  readonly syncDir: string
  /** The artifact repository: a folder that holds key-only artifacts under their keys. */
  readonly artifactRepository: string
  /** The run's S3 artifact repository (spec.artifactRepositoryRef, the artifact-repositories ConfigMap): where key-only artifacts go instead of the folder. */
  readonly s3Repository: () => Repository | undefined
  /** The repository output artifacts without a key are uploaded to, by its keyFormat (the same one; undefined when the run has none). */
  readonly outputRepository: () => Repository | undefined
  /** The file that holds a raw artifact argument's content (written once, named by its digest). */
  readonly rawFile: (data: string) => string
}

/** A volume: a folder of each step's own (emptyDir), or one the run's steps share (`shared`: its name). @example const v: Volume = { shared: 'workdir' } */
export interface Volume {
  readonly shared?: string
}

/**
 * A volume's local meaning: emptyDir is a folder of each step's own; a persistentVolumeClaim (or a
 * volumeClaimTemplate) is one folder the run's steps share, `<run folder>/volumes/NAME` — kept with the run,
 * and not across runs as a cluster's claim would be.
 *
 * @example
 * ```ts
 * volumeOf({ name: 'w', persistentVolumeClaim: { claimName: 'data' } }, ['spec', 'volumes', '0']) // { shared: 'data' }
 * ```
 */
export const volumeOf = (v: Obj, path: readonly string[]): Volume => {
  if ('emptyDir' in v) return {}
  if (v.persistentVolumeClaim?.claimName !== undefined) return { shared: String(v.persistentVolumeClaim.claimName) }
  return fail(path, `the volume "${v.name}" is of a kind with no local meaning`, 'emptyDir and persistentVolumeClaim volumes are supported locally')
}

const check = (o: unknown, table: FieldTable, path: readonly string[], w: Warnings): void => {
  const ps: Problem[] = fieldProblems(o, table, path, w)
  if (ps.length) throw new DflowError(ps)
}
const REMOTE = ['s3', 'http', 'git', 'gcs', 'oss', 'hdfs', 'azure', 'artifactory']

/**
 * Where an artifact's `s3:` points (see `artifactS3`): a key of the artifact repository (the run's S3
 * repository, else the local folder), or a bucket of its own with its endpoint and credentials; its archive
 * (`archive:`) as the runner moves it. Any other remote source is refused.
 */
const remoteOf = (cx: BuildContext, a: Obj, path: readonly string[], role: 'input' | 'output'): (ArtifactS3 & { readonly archive?: ArgoArchive }) | undefined => {
  for (const remote of REMOTE.filter((r) => r !== 's3'))
    if (remote in a)
      fail([...path, remote], remote === 'http' ? "http artifacts are supported locally as a template's inputs and the workflow's arguments" : `${remote} artifacts are not supported by the local importer`, 'give the file as a raw artifact, from a step, or as an s3 artifact')
  if (a.s3 === undefined) return undefined
  const place = artifactS3(a.s3, [...path, 's3'], () => cx.s3Repository()?.s3, cx.secretValue)
  return place.s3 ? { ...place, archive: archiveOf(a.archive, [...path, 'archive'], role) } : place
}
/**
 * An input artifact's `http:` (a template's input, a workflow argument): fetched by the leaf runner before the
 * step runs (http-artifact.ts), unpacked as Argo's executor unpacks an input (`archive`, default told from its bytes).
 */
const httpInputOf = (cx: BuildContext, a: Obj, path: readonly string[]): { readonly http: HttpArtifact; readonly archive: ArgoArchive } | undefined => {
  if (a.http === undefined) return undefined
  if (a.s3 !== undefined) fail(path, 'an artifact has one location: http or s3')
  return { http: httpArtifactOf(a.http, [...path, 'http'], cx.secretValue, cx.warnings), archive: archiveOf(a.archive, [...path, 'archive'], 'input') }
}
/** An input artifact of a leaf given by a call's `s3:` argument: its key computed per call, the argument's bucket (or the repository's, or the local folder). */
const keyed = <A extends { readonly name: string; readonly archive?: ArgoArchive }>(x: A, k: { readonly s3?: S3Access; readonly archive?: ArgoArchive }): A => {
  const { s3: _s, ...rest } = x as A & { s3?: S3Access }
  return { ...rest, key: `{{inputs.parameters.argo-key-${x.name}}}`, ...(k.s3 ? { s3: k.s3, archive: k.archive === 'auto' ? (x.archive ?? 'auto') : k.archive } : {}) } as unknown as A
}
const list = (v: unknown, path: readonly string[]): readonly any[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : fail(path, 'expected a list'))
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v))

/** An input whose value (or default) has tags, computed for each call (`fixed`: a `value`, which wins over what the call passes). */
interface ExprInput {
  readonly name: string
  readonly text: string
  readonly at: readonly string[]
  readonly fixed: boolean
}

/**
 * A template with its outputs' `globalName`s as the DSL's `global` (each becomes a workflow output when the step
 * succeeds). An output artifact's DSL name is `NAME${ARTIFACT_ALIAS}` where a parameter has its name. A
 * `globalName` with tags (`{{inputs.parameters.name}}`) is refused: the DSL names workflow outputs statically.
 */
const withGlobalOutputs = <T extends Template>(tpl: T, outputs: Obj | undefined, path: readonly string[]): T => {
  const specs: Record<string, IoSpec[string]> = { ...(tpl.outputs as IoSpec) }
  let changed = false
  for (const kind of ['parameters', 'artifacts'] as const)
    for (const [i, o] of list(outputs?.[kind], [...path, kind]).entries()) {
      if (o?.globalName === undefined) continue
      const at = [...path, kind, String(i), 'globalName']
      const g = o.globalName
      if (typeof g !== 'string' || pieces(g).some((x) => x._tag !== 'Text')) fail(at, `the workflow output name ${JSON.stringify(g)} uses tags, which the local importer cannot name at import`, 'write the name')
      const key = kind === 'artifacts' && specs[String(o.name)]?._tag === 'Param' ? `${o.name}${ARTIFACT_ALIAS}` : String(o.name)
      const s = specs[key] ?? fail(at, `output "${o.name}" is not an output the local importer made`)
      specs[key] = Object.freeze({ ...s, global: g })
      changed = true
    }
  return changed ? (Object.freeze({ ...tpl, outputs: Object.freeze(specs) }) as T) : tpl
}

/** Where a body's references point: its inputs, its sibling steps, the loop of the call being read. */
interface BodyScope {
  readonly kind: 'steps' | 'dag' | 'workflow'
  readonly inputs: IoSpec
  readonly siblings: ReadonlyMap<string, Template>
  readonly loop?: string
}

const RETRY_POLICIES: readonly RetryPolicy[] = ['Always', 'OnFailure', 'OnError', 'OnTransientError']

/**
 * Turns Argo templates into DSL templates, on demand and once each (a template that calls itself, directly
 * or not, gets the one value being built, as `recurse` does).
 *
 * @example
 * ```ts
 * const b = builder(cx)
 * const body = b.topCall(own, 'coinflip', 'coinflip', ['spec', 'entrypoint']) // a Step calling the entrypoint
 * ```
 */
export const builder = (cx: BuildContext) => {
  const built = new Map<string, Template>()
  /** What each leaf template was built from, for the variants of calls that pass text with tags. */
  const leafSpecs = new WeakMap<Template, LeafSpec>()
  /** The inputs of each template whose value (or default) has tags: each call passes them as expressions. */
  const exprInputs = new WeakMap<Template, readonly ExprInput[]>()
  /** The memoized steps and dag templates, for the composite prior (composite-memo.ts). */
  const compositeMemos = new Map<Subflow, Memoize>()
  /** The scope an input's value is read in: the workflow's parameters (and literals). */
  const workflowScope: BodyScope = { kind: 'workflow', inputs: {}, siblings: new Map() }
  /** The arguments a call gives the callee's inputs with tagged values: a fixed `value` always, a `default` when not passed. */
  const exprArgs = (callee: Template, given: ReadonlySet<string>): Record<string, Arg> =>
    Object.fromEntries((exprInputs.get(callee) ?? []).filter((x) => x.fixed || !given.has(x.name)).map((x) => [x.name, textExpr(workflowScope, x.text, x.at)]))
  /**
   * What a call passes a leaf's expression tags (`argo-expr-N`, leaf-exprs.ts): each computed when the call
   * starts, from what the call passes the leaf's inputs (`passed`) or their defaults, and from the workflow's
   * parameters — as Argo evaluates the tag in the pod's template.
   */
  const leafExprArgs = (callee: Template, passed: (input: string) => Arg | undefined, path: readonly string[], caller?: { readonly kind: BodyScope['kind']; readonly name: string; readonly loop: boolean }): Record<string, Arg> => {
    const spec = leafSpecs.get(callee)
    if (!spec?.exprs?.length) return {}
    const at = [...spec.path, spec.kind]
    return Object.fromEntries(
      spec.exprs.map((x) => {
        const resolve: ExprResolver = (n) => {
          const m = /^inputs\.parameters\.([-\w]+)$/.exec(n)
          if (m) {
            const given = passed(m[1]!)
            if (given !== undefined) return argExpr(given, path)
            const d = spec.inParams.find((p) => p.name === m[1])
            if (!d || d.name.startsWith('argo-expr-')) return fail(at, `{{=${x.source}}} reads {{${n}}}: the template has no input parameter "${m[1]}"`)
            return d.default !== undefined ? { _tag: 'Lit', value: d.default } : fail(path, `{{=${x.source}}} in template "${spec.name}" reads its input "${m[1]}", which this call does not pass`)
          }
          if (/^workflow\.parameters\.[-\w]+$/.test(n)) return { _tag: 'Var', ref: refIn(workflowScope, n, t.string, at) as ParamRef<any> }
          if (n === 'workflow.creationTimestamp') return { _tag: 'Var', ref: workflowCreationTimestamp }
          if (n === 'steps.name' || n === 'tasks.name') {
            // Argo's node context: the calling step's name, or the calling dag task's
            const kind = n === 'steps.name' ? 'steps' : 'dag'
            if (caller?.kind !== kind) return fail(at, `{{${n}}} in template "${spec.name}": it is the name of the calling ${kind === 'steps' ? 'step' : 'dag task'}, and ${caller ? `this call is a ${caller.kind === 'dag' ? 'dag task' : 'step'} (${path.join('.')})` : 'the entrypoint has none'}`)
            if (caller.loop) return fail(path, `{{${n}}} in template "${spec.name}", called by a fan-out: Argo's name of each call (NAME(i:item)) is not reproduced locally`, 'pass the name as an argument')
            return { _tag: 'Lit', value: caller.name }
          }
          return fail(at, `{{=${x.source}}} reads ${n}: an expression in a leaf's fields reads inputs.parameters.*, workflow.parameters.* and workflow.creationTimestamp locally`)
        }
        const e = typed(expressionTag(x.source, at, resolve), `{{=${x.source}}}`, at)
        return [x.name, e._tag === 'Var' ? e.ref : e]
      }),
    )
  }
  /** An expression, or its type problems as an error at `path` (`what` is its text). */
  const typed = (e: Expr, what: string, path: readonly string[]): Expr => {
    const problems = typeProblems(e)
    return problems.length ? fail(path, `${what}: ${problems.join('; ')}`, 'the local evaluator has the subset of expr-lang that Argo examples use') : e
  }
  /** An argument as an expression: a reference read, an expression as it is, a literal as its text (Argo's parameters are strings). */
  const argExpr = (a: Arg, path: readonly string[]): Expr => {
    if (isRef(a)) return a._tag === 'ParamRef' ? { _tag: 'Var', ref: a } : fail(path, `the artifact ${a.name} is read by an expression`)
    if (isExpr(a)) return a
    return { _tag: 'Lit', value: typeof a === 'string' ? a : JSON.stringify(a) }
  }
  const names = new Set<string>()
  const w = cx.warnings
  const scale = (s: number) => s * cx.timeScale

  const dslName = (lib: Library, name: string): string => {
    let n = lib.key ? `${lib.key}-${name}` : name
    for (let i = 2; names.has(n); i++) n = `${lib.key ? `${lib.key}-` : ''}${name}-${i}`
    names.add(n)
    return n
  }

  /** A reference named by an Argo tag, read in a body. */
  const refIn = (sc: BodyScope, name: string, codec: ParamRef<any>['codec'], path: readonly string[]): ParamRef<any> | ArtifactRef => {
    const art = (source: ArtifactRef['source'], n: string): ArtifactRef => Object.freeze({ _tag: 'ArtifactRef', source, name: n })
    const par_ = (source: ParamRef['source'], n: string): ParamRef<any> => Object.freeze({ _tag: 'ParamRef', source, name: n, codec })
    let m: RegExpExecArray | null
    if ((m = /^inputs\.parameters\.([-\w]+)$/.exec(name))) {
      if (sc.inputs[m[1]!]?._tag !== 'Param') fail(path, `{{${name}}}: the template has no input parameter "${m[1]}"`)
      return par_({ kind: 'input' }, m[1]!)
    }
    if ((m = /^inputs\.artifacts\.([-\w]+)$/.exec(name))) {
      if (sc.inputs[m[1]!]?._tag !== 'Artifact') fail(path, `{{${name}}}: the template has no input artifact "${m[1]}"`)
      return art({ kind: 'input' }, m[1]!)
    }
    if ((m = /^workflow\.parameters\.([-\w]+)$/.exec(name))) {
      if (!cx.workflowParams.has(m[1]!)) fail(path, `{{${name}}}: the workflow has no parameter "${m[1]}"`, 'declare it in spec.arguments.parameters')
      return par_({ kind: 'workflow' }, m[1]!)
    }
    if ((m = /^workflow\.outputs\.(parameters|artifacts)\.([-\w]+)$/.exec(name))) {
      const [, kind, n] = m as unknown as [string, 'parameters' | 'artifacts', string]
      if (cx.globals.get(n) !== kind) fail(path, `{{${name}}}: no template exports a workflow output ${kind === 'parameters' ? 'parameter' : 'artifact'} "${n}"`, `declare globalName: ${n} on an output ${kind === 'parameters' ? 'parameter' : 'artifact'}`)
      return kind === 'parameters' ? workflowOutput(n, codec) : workflowOutputArtifact(n)
    }
    if (name === 'workflow.status') return workflowStatus
    if (name === 'workflow.failures') return workflowFailures
    if (name === 'workflow.duration') return workflowDuration
    if (name === 'workflow.creationTimestamp') return workflowCreationTimestamp
    if ((m = /^(steps|tasks)\.([-\w]+)\.(.+)$/.exec(name))) {
      const [, kind, stepName, rest] = m as unknown as [string, string, string, string]
      if ((kind === 'steps') !== (sc.kind === 'steps')) fail(path, `{{${name}}}: a ${sc.kind === 'dag' ? 'dag' : 'steps'} template names its siblings "${sc.kind === 'dag' ? 'tasks' : 'steps'}.NAME"`)
      if (!sc.siblings.has(stepName)) fail(path, `{{${name}}}: no ${kind === 'steps' ? 'step' : 'task'} "${stepName}" in this template`)
      const source = { kind: 'step' as const, step: stepName }
      if (rest === 'status') return status({ name: stepName })
      if (rest === 'ip') return daemonOf(sc.siblings.get(stepName)!) ? par_(source, STEP_IP) : fail(path, `{{${name}}}: "${stepName}" is not a daemon step`, 'steps.NAME.ip is the address of a daemon (daemon: true)')
      if (rest === 'exitCode') return { ...exitCode({ name: stepName }), codec }
      if (rest === 'outputs.result') return par_(source, 'result')
      if (rest === 'outputs.parameters') return par_(source, ALL_OUTPUTS)
      if ((m = /^outputs\.parameters\.([-\w]+)$/.exec(rest))) return par_(source, m[1]!)
      if ((m = /^outputs\.artifacts\.([-\w]+)$/.exec(rest))) return art(source, artifactOutput(sc.siblings.get(stepName), m[1]!))
      return fail(path, `{{${name}}} is not supported by the local importer`, 'steps.NAME.outputs.{result,parameters.P,artifacts.A}, .status and .exitCode are')
    }
    if ((m = /^item((?:\.[-\w]+)*)$/.exec(name))) {
      if (sc.loop === undefined) fail(path, `{{${name}}} outside withItems / withParam / withSequence`)
      return itemRef(codec, m[1] ? m[1].slice(1).split('.') : [], sc.loop)
    }
    return fail(path, `the tag {{${name}}} is not supported by the local importer`)
  }

  /** Whether an argument mixes text and simple tags. */
  const mixed = (v: unknown): boolean => typeof v === 'string' && onlyTag(v) === undefined && pieces(v).some((p) => p._tag === 'Tag') && !pieces(v).some((p) => p._tag === 'ExprTag')

  /** A parameter argument: a literal, one tag (a reference), or one expression tag that is a reference. */
  const paramArg = (sc: BodyScope, v: unknown, path: readonly string[]): Arg => {
    if (typeof v !== 'string') return str(v)
    const ps = pieces(v)
    if (!ps.some((p) => p._tag !== 'Text')) return v
    const tag = onlyTag(v)
    if (tag !== undefined) return refIn(sc, tag, t.string, path)
    return textExpr(sc, v, path)
  }

  /**
   * Text with tags as an expression argument, evaluated when the call starts: one `{{= … }}` tag is its
   * expression; text mixing literal parts and tags is their concatenation, each `{{=…}}` printed as Argo prints
   * it (`string(…)`, the `%v` of its value).
   */
  const textExpr = (sc: BodyScope, v: string, path: readonly string[]): Arg => {
    const ps = pieces(v)
    const resolve = (n: string): Expr => ({ _tag: 'Var', ref: refIn(sc, n, t.string, path) as ParamRef<any> })
    if (ps.length === 1 && ps[0]!._tag === 'ExprTag') {
      const e = expressionTag(ps[0]!.source, path, resolve)
      return e._tag === 'Var' ? e.ref : typed(e, JSON.stringify(v), path)
    }
    const parts: Expr[] = ps.map((p) =>
      p._tag === 'Text' ? { _tag: 'Lit', value: p.text } : p._tag === 'Tag' ? resolve(p.name) : { _tag: 'Call', fn: 'string', args: [expressionTag(p.source, path, resolve)] },
    )
    return typed(parts.reduce((a, b) => ({ _tag: 'Binary', op: '+', left: a, right: b })), JSON.stringify(v), path)
  }

  const retryOf = (r: Obj | undefined, path: readonly string[]): Retry | undefined => {
    if (r === undefined) return undefined
    check(r, FIELDS.retryStrategy, path, w)
    const limit = r.limit === undefined ? fail([...path, 'limit'], 'a retryStrategy without a limit retries forever, which the local interpreter refuses') : Number(r.limit)
    if (!Number.isInteger(limit)) fail([...path, 'limit'], `${JSON.stringify(r.limit)} is not a whole number (a {{…}} tag is not supported here)`)
    const policy = (r.retryPolicy ?? (r.expression !== undefined ? 'Always' : 'OnFailure')) as RetryPolicy
    if (!RETRY_POLICIES.includes(policy)) fail([...path, 'retryPolicy'], `unknown retryPolicy ${JSON.stringify(r.retryPolicy)}`)
    const b = r.backoff as Obj | undefined
    const backoff = b
      ? {
          duration: scale(seconds(b.duration ?? 0, [...path, 'backoff', 'duration'])),
          ...(b.factor !== undefined ? { factor: Number(b.factor) } : {}),
          ...(b.cap !== undefined ? { cap: scale(seconds(b.cap, [...path, 'backoff', 'cap'])) } : {}),
          ...(b.maxDuration !== undefined ? { maxDuration: scale(seconds(b.maxDuration, [...path, 'backoff', 'maxDuration'])) } : {}),
        }
      : undefined
    const expression = r.expression !== undefined ? retryExpression(r.expression, [...path, 'expression']) : undefined
    return { limit, policy, ...(backoff && backoff.duration > 0 ? { backoff } : {}), ...(expression ? { expression } : {}) }
  }

  /**
   * `retryStrategy.expression`: expr-lang over `lastRetry.exitCode`, `.status`, `.duration`, `.message`, each a
   * string in Argo's environment (workflow/controller/retry_tweak.go sets them with strconv), as here.
   */
  const retryExpression = (v: unknown, path: readonly string[]): Expr => {
    if (typeof v !== 'string') return fail(path, `a retry expression is expr-lang text, got ${JSON.stringify(v)}`)
    const e = exprLang(v, path, (n) => {
      const m = /^lastRetry\.(exitCode|status|duration|message)$/.exec(n)
      if (!m) return fail(path, `${JSON.stringify(v)} reads ${n}: a retry expression reads lastRetry.exitCode, lastRetry.status, lastRetry.duration and lastRetry.message`)
      return { ...lastRetry[m[1] as keyof typeof lastRetry], codec: t.string }
    })
    const ps = conditionProblems(e)
    return ps.length ? fail(path, `${JSON.stringify(v)}: ${ps.join('; ')}`) : e
  }

  const templateOf = (lib: Library, name: string, path: readonly string[]): Template => {
    const key = templateKey(lib, name)
    const have = built.get(key)
    if (have) return have
    const found = lib.templates.get(name) ?? fail(path, `no template "${name}"${lib.key ? ` in WorkflowTemplate "${lib.key}"` : ''}`, `templates: ${[...lib.templates.keys()].join(', ')}`)
    return buildTemplate(lib, key, withTemplateDefaults(cx.defaults, found.t), found.path)
  }

  const buildTemplate = (lib: Library, key: string, tpl: Obj, path: readonly string[]): Template => {
    check(tpl, FIELDS.template, path, w)
    const kinds = TEMPLATE_KINDS.filter((k) => k in tpl)
    if (kinds.length !== 1) fail(path, kinds.length ? `a template has one kind, this one has ${kinds.join(' and ')}` : 'the template has no kind (container, script, steps, dag, …)')
    const kind = kinds[0]!
    const name = dslName(lib, String(tpl.name))
    if (kind === 'container' || kind === 'script' || kind === 'suspend' || kind === 'containerSet' || kind === 'http') {
      // Argo keeps a step's stdout as its result only where its caller mentions it (results-kept.ts); an http
      // template's result is the response's body, always
      const spec = { ...leafSpec(tpl, kind, path), result: kind === 'http' || cx.keepsResult(key) }
      const leaf = withGlobalOutputs(leafTemplate(spec, name), tpl.outputs, [...path, 'outputs'])
      leafSpecs.set(leaf, spec)
      exprInputs.set(leaf, inputsOf(tpl.inputs, [...path, 'inputs']).exprs)
      built.set(key, leaf)
      return leaf
    }
    if (kind !== 'steps' && kind !== 'dag') return fail([...path, kind], `${kind} templates are not supported by the local importer`, 'container, script, containerSet, http, steps, dag and suspend (with a duration) are')
    if (tpl.synchronization !== undefined) fail([...path, 'synchronization'], `synchronization on a ${kind} template is not supported locally`, 'set it on the leaf templates it calls')
    // Argo enforces a template's time limits on pods only: activeDeadlineSeconds "is only applicable to container and
    // script templates", and `timeout` "may not be applied to Step or DAG templates" (workflow_types.go; the
    // controller's checkTemplateTimeouts fails a node past its timeout only while it is Pending, which a steps or
    // dag node never is). So here, as there, they change nothing (templateDefaults gives them to every template).
    for (const f of ['activeDeadlineSeconds', 'timeout']) if (tpl[f] !== undefined) w.add([...path, f], `has no effect on a ${kind} template (Argo enforces it on pods only): accepted and not used`)
    const retry = retryOf(tpl.retryStrategy, [...path, 'retryStrategy'])
    // Argo's OnTransientError retries a node whose message is a Kubernetes transient error (processNodeRetries,
    // errorsutil.IsTransientErr): a steps or dag attempt fails with its steps' messages, never one of those.
    if (retry?.policy === 'OnTransientError') fail([...path, 'retryStrategy', 'retryPolicy'], `OnTransientError on a ${kind} template retries only Kubernetes' transient errors, which a local run never has`, 'use OnFailure, OnError or Always')
    // The one mutable moment (as in `recurse`): the template exists before its body, which may call it.
    const self: { -readonly [K in keyof Subflow]: Subflow[K] } = { _tag: 'Subflow', name, inputs: {}, outputs: {}, exposes: {}, body: seq() }
    if (tpl.parallelism !== undefined) self.parallelism = Number(tpl.parallelism)
    if (retry) self.retry = retry
    built.set(key, self as Subflow)
    const ins = inputsOf(tpl.inputs, [...path, 'inputs'])
    self.inputs = ins.spec
    exprInputs.set(self as Subflow, ins.exprs)
    if (tpl.memoize !== undefined) {
      const m = memoizeOf(tpl.memoize, [...path, 'memoize'], w, cx.memoizeDir, cx.timeScale)
      checkCompositeKey(m.key, ins.params.map((p) => p.name), [...path, 'memoize', 'key'])
      compositeMemos.set(self as Subflow, m)
    }
    const { body, siblings } = kind === 'steps' ? stepsBody(lib, tpl.steps, self.inputs, [...path, 'steps']) : dagBody(lib, tpl.dag, self.inputs, [...path, 'dag'])
    self.body = body
    const exposes = subflowOutputs(tpl.outputs, { kind, inputs: self.inputs, siblings }, [...path, 'outputs'])
    self.exposes = Object.freeze(exposes)
    self.outputs = Object.freeze(
      Object.fromEntries(Object.entries(exposes).map(([k, x]) => [k, exposedRef(x)._tag === 'ArtifactRef' ? artifact() : param(t.string)])),
    )
    self.outputs = withGlobalOutputs(self as Subflow, tpl.outputs, [...path, 'outputs']).outputs
    return self as Subflow
  }

  const inputsOf = (io: Obj | undefined, path: readonly string[]) => {
    const params: { name: string; default?: string }[] = []
    const exprs: ExprInput[] = []
    const arts: { name: string; path?: string; raw?: string; key?: string; s3?: S3Access; http?: HttpArtifact; archive?: ArgoArchive; optional: boolean }[] = []
    for (const [i, p] of list(io?.parameters, [...path, 'parameters']).entries()) {
      const at = [...path, 'parameters', String(i)]
      check(p, FIELDS.inputParameter, at, w)
      const cm = p.valueFrom?.configMapKeyRef
      if (p.valueFrom !== undefined && !cm) fail([...at, 'valueFrom'], 'only valueFrom.configMapKeyRef is supported on a template input')
      if (p.enum !== undefined) w.add([...at, 'enum'], 'is not checked locally')
      const v = cm ? cx.configMapValue(cm.name, cm.key, [...at, 'valueFrom']) : p.value ?? p.default
      if (v !== undefined && typeof v === 'string' && pieces(v).some((x) => x._tag !== 'Text')) {
        // a value (or default) with tags (expression-destructure-json): computed for every call, from the
        // workflow's parameters, as an expression argument — Argo resolves it in the template's scope when called
        exprs.push({ name: String(p.name), text: v, at: [...at, p.value !== undefined ? 'value' : 'default'], fixed: p.value !== undefined })
        params.push({ name: String(p.name) })
        continue
      }
      params.push({ name: String(p.name), ...(v !== undefined ? { default: str(v) } : {}) })
    }
    for (const [i, a] of list(io?.artifacts, [...path, 'artifacts']).entries()) {
      const at = [...path, 'artifacts', String(i)]
      const { s3: _s, http: _h, git: _g, gcs: _gc, oss: _o, hdfs: _hd, azure: _az, artifactory: _af, ...rest } = a as Obj
      const { http: _http, ...located } = a as Obj
      const remote = httpInputOf(cx, a, at) ?? remoteOf(cx, located, at, 'input')
      check(rest, FIELDS.artifact, at, w)
      if (a.from !== undefined) fail([...at, 'from'], 'from on a template input is not supported locally')
      if (a.fromExpression !== undefined) fail([...at, 'fromExpression'], 'fromExpression is for the outputs of steps and dag templates')
      if (a.raw !== undefined && typeof a.raw?.data !== 'string') fail([...at, 'raw'], 'raw artifacts give their content as raw.data')
      arts.push({ name: String(a.name), ...(a.path !== undefined ? { path: String(a.path) } : {}), ...(a.raw ? { raw: a.raw.data } : {}), ...(remote ?? {}), optional: !!a.optional })
    }
    const spec: Record<string, any> = {}
    for (const p of params) spec[p.name] = p.default !== undefined ? param(t.string, { default: p.default }) : param(t.string)
    for (const a of arts) if (a.raw === undefined && a.key === undefined && a.http === undefined) spec[a.name] = a.optional ? artifact({ optional: true }) : artifact()
    return { params, arts, exprs, spec: spec as IoSpec }
  }

  /** One container's fields (its env resolved from the given ConfigMaps and Secrets). */
  const containerOf = (c: Obj, role: ContainerSpec['role'], table: FieldTable, path: readonly string[], script: boolean): ContainerSpec => {
    check(c, table, path, w)
    const env = list(c.env, [...path, 'env']).map((e: Obj, i): readonly [string, string] => {
      const at = [...path, 'env', String(i)]
      if (e.value !== undefined) return [String(e.name), str(e.value)]
      const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef
      if (!ref) return fail([...at, 'valueFrom'], 'only value, valueFrom.secretKeyRef and valueFrom.configMapKeyRef are supported locally')
      return [String(e.name), e.valueFrom.secretKeyRef ? cx.secretValue(ref.name, ref.key, at) : cx.configMapValue(ref.name, ref.key, at)]
    })
    return {
      name: String(c.name ?? 'main'),
      path,
      role,
      ...(c.image !== undefined ? { image: String(c.image) } : {}),
      ...(c.command !== undefined ? { command: list(c.command, [...path, 'command']).map(str) } : {}),
      ...(c.args !== undefined ? { args: list(c.args, [...path, 'args']).map(str) } : {}),
      ...(script ? { source: String(c.source ?? '') } : {}),
      ...(c.workingDir !== undefined ? { workingDir: String(c.workingDir) } : {}),
      env,
      ...(c.dependencies !== undefined ? { dependencies: list(c.dependencies, [...path, 'dependencies']).map(String) } : {}),
    }
  }

  /**
   * An output artifact without a location of its own, as Argo's executor stores it: in the run's S3 repository
   * under its keyFormat (`{{workflow.name}}/{{pod.name}}` by default) and its file name (outputKey); nothing
   * when the run has no S3 repository (it stays in the run's store). The key's input parameters must be the template's.
   */
  const byKeyFormat = (a: Obj, at: readonly string[], inputs: ReadonlySet<string>): (ArtifactS3 & { readonly archive?: ArgoArchive }) | undefined => {
    const repo = cx.outputRepository()
    if (!repo) return undefined
    for (const p of pieces(repo.keyFormat)) {
      const m = p._tag === 'Tag' ? /^inputs\.parameters\.([-\w]+)$/.exec(p.name) : null
      if (m && !inputs.has(m[1]!)) fail(at, `the artifact repository's keyFormat ${JSON.stringify(repo.keyFormat)} reads {{${p._tag === 'Tag' ? p.name : ''}}}, an input parameter this template does not have`, 'give the artifact a key of its own (s3.key), or the template that input')
    }
    const archive = archiveOf(a.archive, [...at, 'archive'], 'output')
    return { key: outputKey(repo, String(a.name), String(a.path), archive), s3: repo.s3, archive }
  }

  const leafSpec = (tpl: Obj, kind: 'container' | 'script' | 'suspend' | 'containerSet' | 'http', path: readonly string[]): LeafSpec => {
    const ins = inputsOf(tpl.inputs, [...path, 'inputs'])
    const containers: ContainerSpec[] = []
    const mountLists: { readonly list: unknown; readonly path: readonly string[] }[] = []
    if (kind === 'suspend') {
      const d = (tpl.suspend ?? {}) as Obj
      if (d.duration === undefined) fail([...path, 'suspend'], 'a suspend without a duration waits for `argo resume`, which the local importer does not support yet')
      containers.push({ name: 'main', path: [...path, 'suspend'], role: 'main', command: ['sleep', String(seconds(d.duration, [...path, 'suspend', 'duration']))], env: [] })
    } else if (kind === 'http') {
      // Argo's agent sends the request; here the HTTP tool does, as the template's one container
      containers.push(httpContainer(tpl.http, [...path, 'http'], cx.secretValue, w))
    } else if (kind === 'containerSet') {
      const set = (tpl.containerSet ?? {}) as Obj
      check(set, FIELDS.containerSet, [...path, kind], w)
      for (const [i, c] of list(set.containers, [...path, kind, 'containers']).entries()) {
        containers.push(containerOf(c, 'main', FIELDS.setContainer, [...path, kind, 'containers', String(i)], false))
        mountLists.push({ list: c.volumeMounts, path: [...path, kind, 'containers', String(i), 'volumeMounts'] })
      }
      mountLists.push({ list: set.volumeMounts, path: [...path, kind, 'volumeMounts'] })
    } else {
      // a daemon's main container reads its readinessProbe (daemon-spec.ts)
      const table = tpl.daemon === true ? { ...FIELDS.container, use: [...FIELDS.container.use, 'readinessProbe'] } : FIELDS.container
      containers.push(containerOf(tpl[kind] ?? {}, 'main', table, [...path, kind], kind === 'script'))
      mountLists.push({ list: tpl[kind]?.volumeMounts, path: [...path, kind, 'volumeMounts'] })
    }
    // init containers run first, sidecars beside the main container: all in the pod's one root (so every
    // container sees every volume, as mirrorVolumeMounts would make it)
    for (const role of ['init', 'sidecar'] as const)
      for (const [i, c] of list(tpl[role === 'init' ? 'initContainers' : 'sidecars'], [...path, role]).entries()) {
        const at = [...path, role === 'init' ? 'initContainers' : 'sidecars', String(i)]
        containers.push(containerOf(c, role, FIELDS.extraContainer, at, false))
        mountLists.push({ list: c.volumeMounts, path: [...at, 'volumeMounts'] })
      }
    const outParamsRead = list(tpl.outputs?.parameters, [...path, 'outputs', 'parameters']).map((p: Obj, i) => {
      const at = [...path, 'outputs', 'parameters', String(i)]
      check(p, FIELDS.outputParameter, at, w)
      const vf = (p.valueFrom ?? {}) as Obj
      if (vf.path === undefined) fail([...at, 'valueFrom'], `only valueFrom.path is supported for a ${kind} template's output parameter`)
      for (const k of Object.keys(vf)) if (k !== 'path' && k !== 'default') fail([...at, 'valueFrom', k], `valueFrom.${k} is not supported locally`)
      return { name: String(p.name), path: String(vf.path), ...(vf.default !== undefined ? { default: str(vf.default) } : {}) }
    })
    // a template's own archiveLocation would be where its keyless outputs go: only archiveLogs (no local meaning) is accepted
    for (const k of Object.keys(tpl.archiveLocation ?? {})) if (k !== 'archiveLogs') fail([...path, 'archiveLocation', k], `archiveLocation.${k} is not supported locally`, 'configure the artifact repository (--configmap FILE) or give the outputs keys of their own')
    const outArtifacts = list(tpl.outputs?.artifacts, [...path, 'outputs', 'artifacts']).map((a: Obj, i) => {
      const at = [...path, 'outputs', 'artifacts', String(i)]
      const { s3: _s, ...rest } = a
      const remote = remoteOf(cx, a, at, 'output')
      check(rest, FIELDS.artifact, at, w)
      if (a.fromExpression !== undefined) fail([...at, 'fromExpression'], 'fromExpression is for steps and dag templates; a container or script template gives a path')
      if (a.path === undefined) fail(at, 'an output artifact needs a path')
      return { name: String(a.name), path: String(a.path), optional: !!a.optional, ...(remote ?? byKeyFormat(a, at, new Set(ins.params.map((p) => p.name))) ?? {}) }
    })
    for (const k of Object.keys(tpl.outputs ?? {})) if (k !== 'parameters' && k !== 'artifacts') fail([...path, 'outputs', k], `outputs.${k} is not supported locally`)
    const own = new Map(list(tpl.volumes, [...path, 'volumes']).map((v: Obj, i) => [String(v.name), volumeOf(v, [...path, 'volumes', String(i)])]))
    const seen = new Set<string>()
    const mounts = mountLists.flatMap((l) =>
      list(l.list, l.path).flatMap((m: Obj, i) => {
        const at = [...l.path, String(i)]
        const v = own.get(String(m.name)) ?? cx.volumes.get(String(m.name)) ?? fail([...at, 'name'], `no volume named "${m.name}"`, 'declare it in volumes or volumeClaimTemplates')
        for (const k of Object.keys(m)) if (!['name', 'mountPath', 'subPath', 'readOnly'].includes(k)) fail([...at, k], `volumeMounts.${k} is not supported locally`)
        if (seen.has(String(m.mountPath))) return []
        seen.add(String(m.mountPath))
        return [{ path: String(m.mountPath), ...(v.shared !== undefined ? { shared: v.shared } : {}), ...(m.subPath !== undefined ? { subPath: String(m.subPath) } : {}) }]
      }),
    )
    // expression tags of the containers' fields, the memoize key and the artifacts' keys: hidden inputs, computed by each call (leafExprArgs)
    const memoized = tpl.memoize !== undefined ? memoizeOf(tpl.memoize, [...path, 'memoize'], w, cx.memoizeDir, cx.timeScale) : undefined
    // an output parameter's default is the template's text too: Argo substitutes the call's inputs in it (dflow's `dflow-memo` is its memo key)
    const keys = [...(memoized ? [memoized.key] : []), ...[...ins.arts, ...outArtifacts].flatMap((a) => (a.key !== undefined ? [a.key] : [])), ...outParamsRead.flatMap((o) => (o.default !== undefined ? [o.default] : []))]
    const { containers: hoisted, exprs, more } = hoistExprTags(containers, keys)
    // `more` is `keys` hoisted, in order: the memoize key first, then each artifact's key, then each output parameter's default
    let hoistedKeys = 0
    const nextKey = () => more[hoistedKeys++]!
    const memoize = memoized && { ...memoized, key: nextKey() }
    const withKey = <A extends { readonly key?: string }>(a: A): A => (a.key !== undefined ? { ...a, key: nextKey() } : a)
    const [inArts, outArts] = [ins.arts.map(withKey), outArtifacts.map(withKey)]
    const outParams = outParamsRead.map((o) => (o.default !== undefined ? { ...o, default: nextKey() } : o))
    const texts = [...hoisted.flatMap((c) => [...(c.command ?? []), ...(c.args ?? []), c.source ?? '', c.workingDir ?? '', ...c.env.map(([, v]) => v)]), ...ins.arts.map((a) => a.raw ?? '')]
    const workflowParams = [...new Set(texts.flatMap((x) => pieces(x).flatMap((p) => (p._tag === 'Tag' && /^workflow\.parameters\./.test(p.name) ? [p.name.slice('workflow.parameters.'.length)] : []))))]
    for (const wp of workflowParams) if (!cx.workflowParams.has(wp)) fail(path, `{{workflow.parameters.${wp}}}: the workflow has no parameter "${wp}"`)
    const retry = retryOf(tpl.retryStrategy, [...path, 'retryStrategy'])
    const daemon = daemonSpec(tpl, path, cx.timeScale)
    const locks = tpl.synchronization !== undefined ? synchronizationOf(tpl.synchronization, [...path, 'synchronization'], w, cx.syncDir, cx.configMapValue) : []
    // a limit given by an input (`timeout: "{{inputs.parameters.t}}"`) is set by each call's variant, from its literal argument
    let timeoutFrom: string | undefined
    const limits = (['activeDeadlineSeconds', 'timeout'] as const).flatMap((f) => {
      const v = tpl[f]
      if (v === undefined) return []
      const m = typeof v === 'string' ? /^inputs\.parameters\.([-\w]+)$/.exec(onlyTag(v) ?? '') : null
      if (m && ins.params.some((p) => p.name === m[1])) return (timeoutFrom = m[1]!), []
      return [seconds(v, [...path, f])]
    })
    return {
      name: String(tpl.name),
      path,
      kind: kind === 'suspend' ? 'container' : kind,
      ...(containers[0]!.image !== undefined ? { image: containers[0]!.image } : {}),
      containers: hoisted,
      mounts,
      inParams: [...ins.params, ...exprs.map((x) => ({ name: x.name }))],
      ...(exprs.length ? { exprs } : {}),
      inArtifacts: inArts,
      outParams,
      outArtifacts: outArts,
      workflowParams,
      ...(retry ? { retry } : {}),
      ...(limits.length ? { timeout: scale(Math.min(...limits)) } : {}),
      ...(timeoutFrom !== undefined ? { timeoutFrom } : {}),
      ...(memoize ? { memoize } : {}),
      ...(locks.length ? { locks } : {}),
      ...(daemon ? { daemon } : {}),
      repository: cx.artifactRepository,
      timeScale: cx.timeScale,
      serviceAccountName: cx.serviceAccountName,
    }
  }

  /** The template a step or task calls: by name, by templateRef, or inline. */
  const calleeOf = (lib: Library, st: Obj, path: readonly string[]): Template => {
    if (st.template !== undefined) return templateOf(lib, String(st.template), [...path, 'template'])
    if (st.templateRef !== undefined) {
      const r = st.templateRef as Obj
      const other = cx.library(String(r.name), !!r.clusterScope) ?? fail([...path, 'templateRef'], `no ${r.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} named "${r.name}"`, 'give its file with --template FILE')
      return templateOf(other, String(r.template), [...path, 'templateRef', 'template'])
    }
    if (st.inline !== undefined) return buildTemplate(lib, templateKey(lib, path.join('.')), withTemplateDefaults(cx.defaults, { name: `${st.name}-inline`, ...st.inline }), [...path, 'inline'])
    return fail(path, 'the step names no template (template, templateRef or inline)')
  }

  /** One step of a steps template, or one task of a dag. */
  const callOf = (lib: Library, st: Obj, sc: BodyScope, path: readonly string[], siblingsSoFar: Map<string, Template>): Step => {
    check(st, FIELDS.step, path, w)
    const name = String(st.name)
    let callee = calleeOf(lib, st, path)
    siblingsSoFar.set(name, callee)
    /** Arguments that mix text and tags, for a leaf: computed by the leaf runner from hidden inputs (see below). */
    const computed: { name: string; text: string; at: readonly string[] }[] = []
    /** Input artifacts of a leaf that receive a part of the artifact passed (`subPath`). */
    const subPaths: Record<string, string> = {}
    /** Input artifacts of a leaf passed by a key of the artifact repository (`s3: { key }`). */
    const keyArgs: { name: string; text: string; at: readonly string[]; s3?: S3Access; archive?: ArgoArchive }[] = []
    const loops = ['withItems', 'withParam', 'withSequence'].filter((k) => st[k] !== undefined)
    if (loops.length > 1) fail(path, `a step loops one way, this one has ${loops.join(' and ')}`)
    const inner: BodyScope = { ...sc, ...(loops.length ? { loop: name } : {}) }
    const args: Record<string, Arg> = {}
    const a = (st.arguments ?? {}) as Obj
    for (const [i, p] of list(a.parameters, [...path, 'arguments', 'parameters']).entries()) {
      const at = [...path, 'arguments', 'parameters', String(i)]
      // Argo passes a template only the arguments it declares, and drops the others (workflow/controller/operator.go)
      if (callee.inputs[p.name]?._tag !== 'Param') {
        w.add([...at, String(p.name)], `is not an input parameter of template "${callee.name}": dropped, as Argo does`)
        continue
      }
      if (p.valueFrom?.configMapKeyRef) args[p.name] = cx.configMapValue(p.valueFrom.configMapKeyRef.name, p.valueFrom.configMapKeyRef.key, [...at, 'valueFrom'])
      else if (p.valueFrom !== undefined) fail([...at, 'valueFrom'], 'only valueFrom.configMapKeyRef is supported for an argument')
      else if (p.value !== undefined && mixed(p.value) && leafSpecs.has(callee)) computed.push({ name: String(p.name), text: String(p.value), at: [...at, 'value'] })
      else if (p.value !== undefined) args[p.name] = paramArg(inner, p.value, [...at, 'value'])
    }
    for (const [i, x] of list(a.artifacts, [...path, 'arguments', 'artifacts']).entries()) {
      const at = [...path, 'arguments', 'artifacts', String(i)]
      const { s3: _s, ...rest } = x as Obj
      const remote = remoteOf(cx, x, at, 'input')
      check(rest, FIELDS.argumentArtifact, at, w)
      if (callee.inputs[x.name]?._tag !== 'Artifact') fail(at, `template "${callee.name}" has no input artifact "${x.name}" (or it is a raw artifact, which takes no argument)`)
      if (x.raw !== undefined) {
        // a raw artifact argument (a big parameter compiled by dflow): its literal content, kept in a file by its digest
        const data = typeof x.raw?.data === 'string' ? (x.raw.data as string) : fail([...at, 'raw'], 'raw artifacts give their content as raw.data')
        if (pieces(data).some((p) => p._tag !== 'Text')) fail([...at, 'raw', 'data'], 'a raw artifact argument with {{…}} tags is not supported by the local importer yet', 'give the data literally, or pass a parameter')
        args[x.name] = localArtifact(cx.rawFile(data))
        continue
      }
      if (remote !== undefined) {
        // the call passes a key of the artifact repository: the leaf's variant fetches it, the key computed from the call's tags
        if (!leafSpecs.has(callee)) fail([...at, 's3'], 'a key-only artifact argument is supported locally for a container or script template')
        keyArgs.push({ name: String(x.name), text: remote.key, at: [...at, 's3', 'key'], ...(remote.s3 ? { s3: remote.s3, archive: remote.archive! } : {}) })
        continue
      }
      const tag = typeof x.from === 'string' ? onlyTag(x.from) : undefined
      if (tag === undefined) fail(at, 'an artifact argument is supported locally as from: "{{…}}" only')
      args[x.name] = refIn(inner, tag!, t.string, [...at, 'from']) as Arg
      if (x.subPath !== undefined) {
        if (!leafSpecs.has(callee)) fail([...at, 'subPath'], 'subPath is supported locally for the inputs of a container or script template')
        const sub = String(x.subPath)
        // a subPath with tags (`{{item.foo}}`, which dflow's sliced artifacts compile to): computed per call, like a key
        if (mixed(sub) || onlyTag(sub) !== undefined) {
          computed.push({ name: `argo-subpath-${x.name}`, text: sub, at: [...at, 'subPath'] })
          subPaths[x.name] = `{{inputs.parameters.argo-subpath-${x.name}}}`
        } else subPaths[x.name] = sub
      }
    }
    Object.assign(args, exprArgs(callee, new Set([...Object.keys(args), ...computed.map((c) => c.name)])))
    const passed = (x: string): Arg | undefined => {
      const c = computed.find((y) => y.name === x)
      return args[x] ?? (c ? textExpr(inner, c.text, c.at) : undefined)
    }
    Object.assign(args, leafExprArgs(callee, passed, path, { kind: sc.kind, name, loop: loops.length > 0 }))
    const base = leafSpecs.get(callee)
    let timeout: number | undefined
    if (base?.timeoutFrom !== undefined) {
      const given = list(a.parameters, []).find((p: Obj) => p.name === base.timeoutFrom)?.value ?? base.inParams.find((p) => p.name === base.timeoutFrom)?.default
      if (given === undefined || (typeof given === 'string' && pieces(given).some((x) => x._tag !== 'Text')))
        fail([...path, 'arguments'], `template "${callee.name}" takes its time limit from input "${base.timeoutFrom}": the local importer needs a literal value for it here`)
      timeout = scale(seconds(given, [...path, 'arguments', 'parameters', base.timeoutFrom!]))
    }
    for (const k of keyArgs) computed.push({ name: `argo-key-${k.name}`, text: k.text, at: k.at })
    if (computed.length || timeout !== undefined || Object.keys(subPaths).length) {
      // A leaf called with text that holds tags ("{{inputs.parameters.m}}-{{item}}"): a variant of the template
      // for this call, with each tag an input of its own (argo-arg-N) and the parameter computed from them by the
      // leaf runner, with the substitution that Argo makes of the argument.
      const hidden: { name: string; default?: string }[] = []
      const texts: Record<string, string> = {}
      for (const c of computed) {
        texts[c.name] = pieces(c.text)
          .map((x) => {
            if (x._tag === 'Text') return x.text
            if (x._tag === 'ExprTag') return fail(c.at, `the argument ${JSON.stringify(c.text)} computes an expression, which the DSL cannot pass yet`)
            if (LEAF_CONTEXT.includes(x.name)) return `{{${x.name}}}` // the leaf runner knows these itself
            const n = `argo-arg-${hidden.length}`
            hidden.push({ name: n })
            args[n] = refIn(inner, x.name, t.string, c.at) as Arg
            return `{{inputs.parameters.${n}}}`
          })
          .join('')
      }
      const variant: LeafSpec = {
        ...base!,
        inParams: [...base!.inParams.filter((p) => !(p.name in texts)), ...hidden],
        computed: { ...base!.computed, ...texts },
        inArtifacts: base!.inArtifacts.map((x) =>
          x.name in subPaths ? { ...x, subPath: subPaths[x.name]! } : keyArgs.some((k) => k.name === x.name) ? keyed(x, keyArgs.find((k) => k.name === x.name)!) : x,
        ),
        ...(timeout !== undefined ? { timeout: Math.min(timeout, base!.timeout ?? Infinity) } : {}),
      }
      callee = leafTemplate(variant, dslName({ key: '', templates: new Map() }, `${callee.name}-${name}`))
      siblingsSoFar.set(name, callee)
    }
    const options: { -readonly [K in keyof StepOptions]: StepOptions[K] } = {}
    if (st.when !== undefined) {
      options.when = condition(String(st.when), [...path, 'when'], (n, quoted) => refIn(inner, n, quoted ? t.string : argoValue, [...path, 'when']) as ParamRef<any>)
      const ps = conditionProblems(options.when)
      if (ps.length) fail([...path, 'when'], `${JSON.stringify(st.when)}: ${ps.join('; ')}`, 'a pasted {{…}} value is text: compare it with text (or write the condition as {{= asInt(…) … }})')
    }
    if (st.continueOn !== undefined) options.continueOn = { ...(st.continueOn.failed ? { failed: true } : {}), ...(st.continueOn.error ? { error: true } : {}) }
    if (st.dependencies !== undefined) options.dependsOn = list(st.dependencies, [...path, 'dependencies']).map(String)
    if (st.depends !== undefined) options.depends = parseDepends(String(st.depends), [...path, 'depends'])
    const hook = st.hooks?.exit ?? (st.onExit !== undefined ? { template: st.onExit } : undefined)
    // the hooks see this step (its status while it runs, its outputs once it has ended) and those before it; a
    // fan-out's run for each of its calls (Argo's expandStep copies them into each child, its item substituted),
    // and see the call's item
    const hookScope: BodyScope = { ...sc, siblings: new Map([...siblingsSoFar]), ...(loops.length ? { loop: name } : {}) }
    if (hook) options.onExit = callOf(lib, { name: 'onExit', ...hook }, hookScope, [...path, st.hooks ? 'hooks' : 'onExit'], new Map())
    const lifecycle = Object.entries((st.hooks ?? {}) as Record<string, Obj>).filter(([k]) => k !== 'exit')
    // a dag's fan-out: Argo checks the hooks of its task group node and of each child's expanded task, versions
    // apart, so no one meaning can be given to them
    if (lifecycle.length && loops.length && sc.kind === 'dag')
      fail([...path, 'hooks'], `lifecycle hooks on a dag task with ${loops[0]} are not supported locally: Argo runs them on the task group, on each child, or both, as its versions differ`, 'put the hooks on a step of a steps template, or on a task inside a template the fan-out calls')
    if (lifecycle.length)
      options.hooks = Object.fromEntries(
        lifecycle.map(([k, h]) => {
          const at = [...path, 'hooks', k]
          const { expression: _, ...call } = h
          return [k, { when: hookCondition(h, { ...inner, siblings: hookScope.siblings }, at), run: callOf(lib, { ...call, name: k }, hookScope, at, new Map()) }]
        }),
      )
    const s = step(name, callee, args as never, options as never)
    if (!loops.length) return s
    let source: ForEachSource
    if (st.withItems !== undefined) source = { _tag: 'Items', items: Object.freeze(list(st.withItems, [...path, 'withItems'])) }
    else if (st.withParam !== undefined) {
      const v = st.withParam
      const tag = typeof v === 'string' ? onlyTag(v) : undefined
      const ps = typeof v === 'string' ? pieces(v.trim()) : []
      if (tag !== undefined) source = { _tag: 'ItemsFrom', ref: refIn(sc, tag, t.string, [...path, 'withParam']) as ParamRef<readonly unknown[]> }
      else if (ps.length === 1 && ps[0]!._tag === 'ExprTag') source = computedItems(sc, ps[0]!.source, [...path, 'withParam'])
      else {
        let items: unknown
        try {
          items = typeof v === 'string' ? JSON.parse(v) : v
        } catch {
          items = undefined
        }
        if (!Array.isArray(items)) fail([...path, 'withParam'], 'withParam takes one {{…}} tag or a JSON list')
        source = { _tag: 'Items', items: Object.freeze(items as unknown[]) }
      }
    } else {
      const q = st.withSequence as Obj
      const num = (k: string) => {
        const v = q[k]
        if (v === undefined) return {}
        const tag = typeof v === 'string' ? onlyTag(v) : undefined
        if (tag !== undefined) return { [k]: refIn(sc, tag, t.number, [...path, 'withSequence', k]) }
        const n = Number(v)
        if (!Number.isInteger(n)) fail([...path, 'withSequence', k], `${JSON.stringify(v)} is not a whole number`)
        return { [k]: n }
      }
      source = { _tag: 'Sequence', sequence: Object.freeze({ ...num('count'), ...num('start'), ...num('end'), ...(q.format !== undefined ? { format: String(q.format) } : {}) }) }
    }
    return Object.freeze({ ...s, forEach: Object.freeze(source) }) as Step
  }

  /**
   * A withParam computed by an expression (`{{= … }}`: a fan-in's enumeration, zipped or grouped slices): read
   * by the importer's expr-lang evaluator when the fan-out starts, from the wire texts of the references it
   * names; its value is the JSON list text of the items (Argo parses the substituted text as JSON).
   */
  const computedItems = (sc: BodyScope, text: string, path: readonly string[]): ComputedItems => {
    const parsed = parseLang(text, path, (n) => {
      const r = refIn(sc, n, t.string, path)
      return r._tag === 'ParamRef' ? r : fail(path, `{{= ${text} }} reads the artifact ${n}: a withParam reads parameters`)
    })
    const items = (wires: readonly string[]): readonly unknown[] => {
      const v = evalLang(parsed.root, wires)
      const list = typeof v === 'string' ? goUnmarshal(v) : v
      if (!Array.isArray(list)) throw new Error(`withParam must be a JSON list, got ${goSprint(v).slice(0, 60)}`)
      return list
    }
    return Object.freeze({ _tag: 'Computed', text: `{{= ${text} }}`, reads: Object.freeze([...parsed.refs]), items })
  }

  const stepsBody = (lib: Library, groups: unknown, inputs: IoSpec, path: readonly string[]) => {
    const siblings = new Map<string, Template>()
    // every sibling's name is known up front, so that a later step's tags resolve (validation checks the order)
    for (const g of list(groups, path)) for (const st of list(g, path)) siblings.set(String(st?.name), undefined as never)
    const sc: BodyScope = { kind: 'steps', inputs, siblings }
    const nodes: Node[] = list(groups, path).map((g, gi) => {
      const ss = list(g, [...path, String(gi)]).map((st, si) => callOf(lib, st, sc, [...path, String(gi), String(si)], siblings))
      return ss.length === 1 ? ss[0]! : par(...ss)
    })
    return { body: seq(...nodes), siblings }
  }

  const dagBody = (lib: Library, d: Obj, inputs: IoSpec, path: readonly string[]) => {
    for (const k of Object.keys(d ?? {}))
      if (k === 'target') continue
      else if (k === 'failFast') {
        if (typeof d.failFast !== 'boolean') fail([...path, k], `failFast must be true or false, not ${JSON.stringify(d.failFast)}`)
      } else if (k !== 'tasks') fail([...path, k], `the field "${k}" is not supported by the local importer`)
    const siblings = new Map<string, Template>()
    for (const st of list(d?.tasks, [...path, 'tasks'])) siblings.set(String(st?.name), undefined as never)
    const sc: BodyScope = { kind: 'dag', inputs, siblings }
    const all = list(d?.tasks, [...path, 'tasks']).map((st: Obj, i) => ({ st, at: [...path, 'tasks', String(i)] }))
    const wanted = d?.target !== undefined ? targetClosure(all.map((x) => x.st), targetNames(d.target, [...path, 'target']), [...path, 'target']) : undefined
    const tasks = all.filter((x) => !wanted || wanted.has(String(x.st?.name))).map((x) => callOf(lib, x.st, sc, x.at, siblings))
    return { body: d?.failFast === false ? dag.withOptions({ failFast: false })(...tasks) : dag(...tasks), siblings }
  }

  /** A dag's `target`: task names separated by spaces, literal or from a workflow parameter (its value at submission). */
  const targetNames = (v: unknown, path: readonly string[]): readonly string[] => {
    let text = str(v)
    const tag = onlyTag(text)
    const m = tag !== undefined ? /^workflow\.parameters\.([-\w]+)$/.exec(tag) : null
    if (m) text = cx.paramValue(m[1]!) ?? fail(path, `{{${tag}}}: the workflow parameter "${m[1]}" has no value`, 'give it a value, or -p')
    else if (pieces(text).some((p) => p._tag !== 'Text')) fail(path, `the target ${JSON.stringify(text)} uses tags the local importer cannot read at import`, 'write task names, or {{workflow.parameters.NAME}}')
    return text.split(' ').filter((x) => x !== '')
  }

  /**
   * The tasks a dag with targets runs: the targets and their ancestors by `dependencies` and `depends`
   * (Argo's executeDAG runs only those; ancestry by workflow/common/ancestry.go).
   */
  const targetClosure = (tasks: readonly Obj[], targets: readonly string[], path: readonly string[]): ReadonlySet<string> => {
    const byName = new Map(tasks.map((t) => [String(t?.name), t]))
    const out = new Set<string>()
    const visit = (n: string) => {
      if (out.has(n)) return
      const t = byName.get(n) ?? fail(path, `no task "${n}" in this dag (its tasks: ${[...byName.keys()].join(', ')})`)
      out.add(n)
      for (const dep of [...list(t.dependencies, []).map(String), ...(t.depends !== undefined ? dependsNames(String(t.depends)) : [])]) visit(dep)
    }
    for (const n of targets) visit(n)
    return out
  }

  /** An output computed by an expression (evaluated by the engine when the template ends), its type problems at the document's path. */
  const outputExprAt = (e: Expr, path: readonly string[]): Exposable => {
    try {
      return exprOutput(e)
    } catch (x) {
      if (!(x instanceof DflowError)) throw x
      return fail(path, x.problems.map((q) => q.message).join('; '))
    }
  }

  const subflowOutputs = (o: Obj | undefined, sc: BodyScope, path: readonly string[]): Record<string, Exposable> => {
    const out: Record<string, Exposable> = {}
    const paramNames = new Set(list(o?.parameters, []).map((p: Obj) => String(p?.name)))
    const artKey = (n: string) => (paramNames.has(n) ? `${n}${ARTIFACT_ALIAS}` : n)
    for (const k of Object.keys(o ?? {})) if (k !== 'parameters' && k !== 'artifacts') fail([...path, k], `outputs.${k} is not supported locally`)
    for (const [i, p] of list(o?.parameters, [...path, 'parameters']).entries()) {
      const at = [...path, 'parameters', String(i)]
      check(p, FIELDS.outputParameter, at, w)
      const vf = (p.valueFrom ?? {}) as Obj
      const tag = typeof vf.parameter === 'string' ? onlyTag(vf.parameter) : undefined
      if (tag !== undefined) {
        out[p.name] = refIn(sc, tag, t.string, [...at, 'valueFrom', 'parameter'])
        continue
      }
      if (typeof vf.expression === 'string') {
        const where = [...at, 'valueFrom', 'expression']
        // Argo applies valueFrom.default where the expression fails or is nil (operator.go getTemplateOutputsFromScope)
        if (vf.default !== undefined) fail([...at, 'valueFrom', 'default'], 'a default beside valueFrom.expression is not supported locally', 'write the fallback in the expression: EXPR ?? \'default\'')
        const e = exprLang(vf.expression, where, (n) => refIn(sc, n, t.string, where) as ParamRef<any>)
        if (e._tag === 'Var') out[p.name] = e.ref
        else if (e._tag === 'Cond' && e.then._tag === 'Var' && e.else._tag === 'Var') out[p.name] = ifExpr(e.test, e.then.ref, e.else.ref)
        else out[p.name] = outputExprAt(e, where)
        continue
      }
      fail([...at, 'valueFrom'], 'a steps or dag template exposes an output with valueFrom.parameter ("{{…}}") or valueFrom.expression')
    }
    for (const [i, a] of list(o?.artifacts, [...path, 'artifacts']).entries()) {
      const at = [...path, 'artifacts', String(i)]
      check(a, FIELDS.artifact, at, w)
      if (typeof a.fromExpression === 'string') {
        // Argo's fromExpression: an expression whose value is an artifact of a step (conditional-artifacts)
        const where = [...at, 'fromExpression']
        // an artifact enters the expression as a stand-in parameter reference, and is taken back out of the branches
        const arts = new Map<ParamRef<any>, ArtifactRef>()
        const e = exprLang(a.fromExpression, where, (n) => {
          const r = refIn(sc, n, t.string, where)
          if (r._tag === 'ParamRef') return r
          const stand: ParamRef<any> = Object.freeze({ _tag: 'ParamRef', source: r.source, name: r.name, codec: t.string })
          arts.set(stand, r)
          return stand
        })
        const artOf = (x: typeof e) => (x._tag === 'Var' ? arts.get(x.ref) : undefined)
        if (artOf(e)) out[artKey(a.name)] = artOf(e)!
        else if (e._tag === 'Cond' && artOf(e.then) && artOf(e.else)) out[artKey(a.name)] = ifExpr(e.test, artOf(e.then)!, artOf(e.else)!)
        else fail(where, 'fromExpression is supported locally as an artifact reference or `cond ? artifact : artifact`')
        continue
      }
      const tag = typeof a.from === 'string' ? onlyTag(a.from) : undefined
      if (tag === undefined) fail(at, 'a steps or dag template exposes an artifact with from: "{{…}}" or fromExpression')
      out[artKey(a.name)] = refIn(sc, tag!, t.string, [...at, 'from'])
    }
    return out
  }

  /** A lifecycle hook's `expression` (Argo evaluates it as expr-lang, workflow/controller/hooks.go) as the DSL's condition, its names read in `sc`. */
  const hookCondition = (h: Obj, sc: BodyScope, path: readonly string[]): Expr => {
    if (typeof h.expression !== 'string' || !h.expression.trim()) fail([...path, 'expression'], 'a lifecycle hook other than exit runs when its expression holds: it needs one', 'give an expression, e.g. steps.NAME.status == "Running"')
    return exprLang(String(h.expression), [...path, 'expression'], (n, quoted) => {
      // a steps fan-out's children are steps of the group (Argo's expandStepGroup): each child's status is set as
      // steps['NAME(INDEX:ITEM)'] before its hooks are checked, and steps.NAME is not there — expr-lang fails on
      // steps.NAME.status, and the step group errors (steps.go, executeTmplLifeCycleHook)
      if (sc.loop !== undefined && sc.kind === 'steps' && (n === `steps.${sc.loop}` || n.startsWith(`steps.${sc.loop}.`)))
        fail([...path, 'expression'], `${JSON.stringify(h.expression)} reads ${n}: in a hook of a fan-out, Argo's scope names each child's status steps['${sc.loop}(INDEX:ITEM)'] only, and fails on ${n}, erroring the steps`, "read the workflow's status or another step's, or put the hook on a step of the template the fan-out calls")
      return refIn(sc, n, quoted ? t.string : argoValue, [...path, 'expression']) as ParamRef<any>
    })
  }

  /** A workflow-level lifecycle hook (`spec.hooks.NAME` but `exit`): its condition on `workflow.*` and the call of its template, fed as the entrypoint is. */
  const topHook = (lib: Library, name: string, h: Obj, path: readonly string[]): LifecycleHook => {
    if (h.arguments !== undefined) fail([...path, 'arguments'], 'arguments of a workflow-level hook are not supported locally', "read the workflow's parameters in the hook's template")
    if (typeof h.template !== 'string') fail([...path, 'template'], 'a workflow-level hook names a template of the workflow (templateRef is not supported here)')
    return { when: hookCondition(h, { kind: 'workflow', inputs: {}, siblings: new Map() }, path), run: topCall(lib, name, String(h.template), [...path, 'template']) }
  }

  /** A call of a template at the workflow's top level (the entrypoint, the exit handler), fed from the workflow's parameters by name. */
  const topCall = (lib: Library, stepName: string, name: string, path: readonly string[], raw: readonly Obj[] = []): Step => {
    let callee = templateOf(lib, name, path)
    const base = leafSpecs.get(callee)
    if (base?.timeoutFrom !== undefined) fail(path, `template "${name}" takes its time limit from an input, which the local importer sets only for calls with a literal value`)
    if (raw.length) {
      // spec.arguments.artifacts with raw data or an s3 location: the entrypoint leaf's input artifacts, written or fetched by its runner
      const where = [...path.slice(0, -1), 'arguments', 'artifacts']
      if (!base) fail(where, 'workflow artifacts are supported locally for an entrypoint that is a container or script template')
      type Given = { readonly raw?: string; readonly s3?: { readonly text: string; readonly s3?: S3Access; readonly archive?: ArgoArchive }; readonly http?: { readonly http: HttpArtifact; readonly archive: ArgoArchive } }
      const given = new Map<string, Given>(
        raw.map((x, i): readonly [string, Given] => {
          const at = [...where, String(i)]
          if (typeof x.raw?.data === 'string') return [String(x.name), { raw: x.raw.data as string }]
          const http = httpInputOf(cx, x, at)
          if (http) return [String(x.name), { http }]
          if (x.s3 === undefined) fail(at, 'only raw, s3 and http workflow artifacts are supported locally')
          const remote = remoteOf(cx, x, at, 'input')!
          return [String(x.name), { s3: { text: remote.key, ...(remote.s3 ? { s3: remote.s3, archive: remote.archive! } : {}) } }]
        }),
      )
      callee = leafTemplate(
        {
          ...base!,
          inArtifacts: base!.inArtifacts.map((a) => {
            const g = given.get(a.name)
            if (g?.raw !== undefined) return { ...a, raw: g.raw }
            if (g?.http !== undefined) return { ...a, ...g.http }
            if (g?.s3 === undefined) return a
            const { key: _k, ...v } = keyed(a, g.s3)
            return { ...v, key: g.s3.text }
          }),
        },
        dslName({ key: '', templates: new Map() }, `${name}-${stepName}`),
      )
    }
    const args = Object.fromEntries(
      Object.entries(callee.inputs as IoSpec).flatMap(([k, s]) =>
        s._tag === 'Param' && cx.workflowParams.has(k) ? [[k, Object.freeze({ _tag: 'ParamRef', source: { kind: 'workflow' }, name: k, codec: t.string })]] : [],
      ),
    )
    const all = { ...args, ...exprArgs(callee, new Set(Object.keys(args))) } as Record<string, Arg>
    return step(stepName, callee, { ...all, ...leafExprArgs(callee, (x) => all[x], path) } as never)
  }

  // spec.templateDefaults is checked where it is written, before it reaches any template (template-defaults.ts merges it)
  if (cx.defaults !== undefined) {
    const at = cx.defaultsPath ?? ['spec', 'templateDefaults']
    check(cx.defaults, FIELDS.templateDefaults, at, w)
    for (const k of ['container', 'script']) if (cx.defaults[k] !== undefined) check(cx.defaults[k], FIELDS.container, [...at, k], w)
    retryOf(cx.defaults.retryStrategy, [...at, 'retryStrategy'])
    for (const f of ['activeDeadlineSeconds', 'timeout']) if (cx.defaults[f] !== undefined) seconds(cx.defaults[f], [...at, f])
  }

  return { topCall, topHook, retryOf, composite: (): CompositePrior | undefined => (compositeMemos.size ? compositeMemo(compositeMemos, cx.artifactRepository) : undefined) }
}
