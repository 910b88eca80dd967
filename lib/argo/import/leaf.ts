import { workflowCreationTimestamp, workflowDuration, workflowFailures, workflowStatus, fileVarOf, artifact, ctx, envNameOf, param, script, stdout, t, type ArtifactSpec, type Segment, type IoSpec, type ParamSpec, type Retry, type ScriptTemplate, type Scalar } from 'dflow-ts'
import { packageFile } from '../../loader/package-files.ts'
import type { LeafExpr } from './leaf-exprs.ts'
import type { Memoize } from './memoize.ts'
import type { Daemon } from '../../engine/daemon.ts'
import type { Lock } from './sync.ts'
import { hasTags, pieces } from './tags.ts'
import type { S3Access } from './s3-artifact.ts'
import type { ArgoArchive } from '../../storage/argo-s3.ts'
import { HTTP_TOOL, S3_TOOL } from './s3-tool-command.ts'
import type { HttpArtifact } from './http-artifact.ts'
import { hostPython } from './host-python.ts'
import { namespaceExec, namespaceRequest, namespaceTops, sandboxScript, SCRIPT_PATH } from './leaf-sandbox.ts'
import { fail } from './fail.ts'

/** The program that runs an imported leaf (see its docstring). @example LEAF_RUNNER // '/…/lib/argo/import/argo-leaf.py' */
export const LEAF_RUNNER = packageFile('lib/argo/import/argo-leaf.py')

/** Top-level folders a declared path may not live in: they are the host's, bound into each step's root. */
const SYSTEM = new Set(['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr', 'etc', 'proc', 'dev', 'sys', 'run', 'boot'])

/** What an image runs when a container gives no command (its entrypoint, or its default command). */
const entrypointOf = (image: string | undefined): readonly string[] | undefined => {
  const i = (image ?? '').replace(/^docker\.io\//, '').replace(/^library\//, '')
  if (/^argoproj\/argosay(:v1)?$/.test(i)) return ['argosay']
  if (/^argoproj\/argosay:v2/.test(i)) return ['argosay']
  if (/^python(:|$)/.test(i)) return ['python3']
  if (/^(alpine|busybox|debian|ubuntu)(:|$)/.test(i)) return ['sh']
  if (/^docker\/whalesay/.test(i)) return ['cowsay']
  // the daemons of Argo's examples: the images' default commands
  if (/^influxdb(:|$)/.test(i)) return ['influxd']
  if (/^nginx(:|$)/.test(i)) return ['nginx', '-g', 'daemon off;']
  return undefined
}

/** One container of a pod: the main one, an init container, a sidecar, or a member of a containerSet. @example const c: ContainerSpec = { name: 'main', path: ['spec', 'templates', '0', 'container'], role: 'main', image: 'busybox', command: ['echo', 'hi'], env: [] } */
export interface ContainerSpec {
  readonly name: string
  /** Its path in the document, for errors. */
  readonly path: readonly string[]
  /** `init` run first, one after another; `sidecar` run beside the others and stopped when they end; `main` (and containerSet members, with `dependencies`) make the pod's outcome. */
  readonly role: 'main' | 'init' | 'sidecar'
  readonly image?: string
  readonly command?: readonly string[]
  readonly args?: readonly string[]
  /** A script template's source: written to a file that is the command's last argument. */
  readonly source?: string
  readonly workingDir?: string
  readonly env: readonly (readonly [string, string])[]
  readonly dependencies?: readonly string[]
}

/** An Argo leaf template, as the importer has read it (names and paths checked). @example leafTemplate(spec, 'whalesay') // the ScriptTemplate that runs it */
export interface LeafSpec {
  readonly name: string
  /** The document path of the template, for errors. */
  readonly path: readonly string[]
  readonly kind: 'container' | 'script' | 'containerSet' | 'http'
  readonly image?: string
  readonly containers: readonly ContainerSpec[]
  readonly mounts: readonly { readonly path: string; readonly shared?: string; readonly subPath?: string }[]
  readonly inParams: readonly { readonly name: string; readonly default?: string }[]
  readonly inArtifacts: readonly { readonly name: string; readonly path?: string; readonly raw?: string; readonly optional: boolean; readonly subPath?: string; readonly key?: string; readonly s3?: S3Access; readonly http?: HttpArtifact; readonly archive?: ArgoArchive }[]
  readonly outParams: readonly { readonly name: string; readonly path: string; readonly default?: string }[]
  readonly outArtifacts: readonly { readonly name: string; readonly path: string; readonly optional: boolean; readonly key?: string; readonly s3?: S3Access; readonly archive?: ArgoArchive }[]
  readonly workflowParams: readonly string[]
  /** The `{{= … }}` tags of its own fields, each now the tag of a hidden input that every call computes (leaf-exprs.ts). */
  readonly exprs?: readonly LeafExpr[]
  /** Input parameters the runner computes from this text (with tags of other inputs), for one call's variant. */
  readonly computed?: Readonly<Record<string, string>>
  readonly retry?: Retry
  readonly timeout?: number
  /** The input a call's literal argument gives the time limit from (`timeout: "{{inputs.parameters.t}}"`): set by each call's variant. */
  readonly timeoutFrom?: string
  readonly timeScale: number
  /** The workflow's service account's name, as `{{workflow.serviceAccountName}}` says it (empty when it names none). */
  readonly serviceAccountName?: string
  readonly memoize?: Memoize
  /** The template's synchronization: locks held while its containers run. */
  readonly locks?: readonly Lock[]
  /** The artifact repository's folder (key-only artifacts). */
  readonly repository?: string
  /**
   * Whether its stdout is kept as the output `result` (default true): false where Argo's controller keeps it for
   * none of its calls (lib/argo/import/results-kept.ts) — the step's stdout then goes to its log only.
   */
  readonly result?: boolean
  /** Set for a `daemon: true` template: done for its successors once ready, stopped when its scope ends (lib/engine/daemon.ts). */
  readonly daemon?: Daemon
}

/** The tags of the run and the pod that the leaf runner substitutes itself. @example LEAF_CONTEXT.includes('workflow.name') // true */
export const LEAF_CONTEXT: readonly string[] = ['workflow.status', 'workflow.failures', 'workflow.duration', 'workflow.name', 'workflow.namespace', 'workflow.uid', 'pod.name', 'node.name', 'workflow.serviceAccountName', 'workflow.creationTimestamp', 'workflow.scheduledTime']

/** The run's values a leaf's texts may paste, each given to the runner only when its texts use it: the workflow's phase, failures and duration in an exit handler, its creation time (a cron run's scheduled time too). */
const RUN_VARS = [
  ['workflow.status', workflowStatus],
  ['workflow.failures', workflowFailures],
  ['workflow.duration', workflowDuration],
  ['workflow.creationTimestamp', workflowCreationTimestamp],
  ['workflow.scheduledTime', workflowCreationTimestamp],
] as const

/** The tags a leaf may use, checked at import so that the runner only meets names it knows. */
const checkTags = (s: LeafSpec, text: string, path: readonly string[], key = false): void => {
  for (const p of pieces(text)) {
    if (p._tag === 'Text') continue
    if (p._tag === 'ExprTag') fail(path, `the expression {{=${p.source}}} is supported locally in a container's command, args, source, workingDir and env, a memoize key and an artifact's key`, 'compute the value in a step, or pass it as an argument')
    const n = p._tag === 'Tag' ? p.name : ''
    const m = /^(inputs|outputs)\.(parameters|artifacts)\.([-\w]+)(\.path)?$/.exec(n)
    const ok =
      (m && m[1] === 'inputs' && m[2] === 'parameters' && !m[4] && (s.inParams.some((x) => x.name === m[3]) || m[3]! in (s.computed ?? {}))) ||
      (m && m[1] === 'inputs' && m[2] === 'artifacts' && m[4] && s.inArtifacts.some((x) => x.name === m[3])) ||
      (m && m[1] === 'outputs' && m[4] && (m[2] === 'parameters' ? s.outParams : s.outArtifacts).some((x) => x.name === m[3])) ||
      /^workflow\.parameters\.[-\w]+$/.test(n) ||
      LEAF_CONTEXT.includes(n) ||
      // an artifact's key (a repository's keyFormat): the creation time's strftime fields too, which the leaf runner gives keys
      (key && /^workflow\.creationTimestamp\.[YmdHMSyj]$/.test(n))
    if (!ok) fail(path, `unknown or unsupported tag {{${n}}}`, 'a leaf template can use its inputs, its outputs\' paths, workflow.parameters.*, workflow.name, pod.name')
  }
}

/**
 * Argo keeps output parameters and artifacts apart, the DSL has one record of outputs: an artifact named as a
 * parameter of the same template is the output `NAME__artifact` (workspace-workflow's `out`).
 *
 * @example
 * ```ts
 * artifactOutput(t, 'out') // 'out__artifact' when t has an output parameter "out" too, else 'out'
 * ```
 */
export const ARTIFACT_ALIAS = '__artifact'

/** The DSL output name of a template's output artifact named `name` in Argo (see {@link ARTIFACT_ALIAS}). @example artifactOutput(t, 'out') // 'out__artifact' */
export const artifactOutput = (t: { readonly outputs: IoSpec } | undefined, name: string): string =>
  t && t.outputs[name]?._tag !== 'Artifact' && t.outputs[`${name}${ARTIFACT_ALIAS}`]?._tag === 'Artifact' ? `${name}${ARTIFACT_ALIAS}` : name

const topOf = (p: string): string => p.replace(/^\/+/, '').split('/')[0]!

/**
 * A leaf template (container or script) as a DSL script template: a small sh
 * script that exports the call's values and runs the leaf runner (argo-leaf.py), which substitutes Argo's
 * tags and runs the command in the step's private root.
 *
 * @example
 * ```ts
 * const t = leafTemplate({ name: 'whalesay', kind: 'container', image: 'busybox', command: ['echo', 'hi'], … })
 * t._tag // 'ScriptTemplate'
 * ```
 */
export const leafTemplate = (s: LeafSpec, dslName: string): ScriptTemplate => {
  const containers = s.containers.map((c) => {
    const cmd = c.command ?? entrypointOf(c.image)
    if (!cmd?.length) fail([...c.path, 'command'], `no command, and what the image ${JSON.stringify(c.image)} runs is not known here`, 'give the container a command')
    return { name: c.name, role: c.role, argv: [...cmd!, ...(c.args ?? [])], source: c.source ?? null, workingDir: c.workingDir ?? null, env: c.env, dependencies: c.dependencies ?? [] }
  })
  const texts = [
    ...containers.flatMap((c) => [...c.argv, ...(c.source !== null ? [c.source] : []), ...c.env.map(([, v]) => v), ...(c.workingDir ? [c.workingDir] : [])]),
    ...s.inArtifacts.flatMap((a) => (a.raw !== undefined ? [a.raw] : [])),
    ...s.inArtifacts.flatMap((a) => (a.http ? [a.http.url, ...a.http.headers.map(([, v]) => v)] : [])),
    ...Object.values(s.computed ?? {}),
    ...(s.memoize ? [s.memoize.key] : []),
    ...s.outParams.flatMap((o) => (o.default !== undefined ? [o.default] : [])),
  ]
  const keys = [...s.inArtifacts, ...s.outArtifacts].flatMap((a) => (a.key !== undefined ? [a.key] : []))
  for (const x of texts) checkTags(s, x, [...s.path, s.kind])
  for (const x of keys) checkTags(s, x, [...s.path, s.kind], true)
  texts.push(...keys)
  const dirs = containers.flatMap((c) => (c.workingDir && !c.workingDir.includes('{{') ? [c.workingDir] : []))
  const declared = [...s.inArtifacts.flatMap((a) => (a.path ? [a.path] : [])), ...s.outParams.map((o) => o.path), ...s.outArtifacts.map((o) => o.path), ...s.mounts.map((m) => m.path), ...dirs]
  for (const p of declared) {
    if (!p.startsWith('/')) fail(s.path, `the path ${JSON.stringify(p)} is relative`, 'declare absolute paths, as Argo does')
    if (SYSTEM.has(topOf(p))) fail(s.path, `the path ${p} is in the host's /${topOf(p)}, which steps share`, 'use a path under /tmp or another folder of its own')
  }
  const inputs: Record<string, ParamSpec<any, boolean> | ArtifactSpec<boolean>> = {}
  for (const p of s.inParams) inputs[p.name] = p.default !== undefined ? param(t.string, { default: p.default }) : param(t.string)
  for (const a of s.inArtifacts) if (a.raw === undefined && a.key === undefined && a.http === undefined) inputs[a.name] = a.optional ? artifact({ optional: true, ...(a.path ? { path: a.path } : {}) }) : artifact(a.path ? { path: a.path } : {})
  // Argo's outputs.result is the stdout; an output named "result" of its own is kept under that name instead
  const outputs: Record<string, ParamSpec<any, boolean> | ArtifactSpec<boolean>> = [...s.outParams, ...s.outArtifacts].some((o) => o.name === 'result') || s.result === false ? {} : { result: stdout(t.string) }
  // a default with tags is the runner's to write (substituted from the call's values) when the file is missing
  const tagged = (x: string | undefined): x is string => x !== undefined && hasTags(x)
  for (const o of s.outParams) outputs[o.name] = o.default !== undefined && !tagged(o.default) ? param(t.string, { path: o.path, default: o.default }) : param(t.string, { path: o.path })
  for (const o of s.outArtifacts) {
    const k = s.outParams.some((p) => p.name === o.name) ? `${o.name}${ARTIFACT_ALIAS}` : o.name
    if (k in outputs) fail([...s.path, 'outputs', 'artifacts'], `two outputs are named "${k}"`)
    outputs[k] = o.optional ? artifact({ path: o.path, optional: true }) : artifact({ path: o.path })
  }
  const spec = {
    name: s.name,
    containers,
    computed: s.computed ?? {},
    scriptPath: SCRIPT_PATH,
    params: {} as Record<string, string>,
    workflowParams: {} as Record<string, string>,
    context: { 'workflow.namespace': 'default', 'workflow.serviceAccountName': s.serviceAccountName ?? '', 'workflow.uid': 'local' } as Record<string, string>,
    inArtifacts: {} as Record<string, { path: string | null; env: string | null; raw: string | null; subPath: string | null; key: string | null; s3?: { s3: S3Access; archive: ArgoArchive }; http?: HttpArtifact & { archive: ArgoArchive }; optional: boolean }>,
    outKeys: Object.fromEntries(s.outArtifacts.flatMap((o) => (o.key !== undefined ? [[o.path, o.key]] : []))),
    // artifacts in an S3 bucket (not the local folder repository): moved by the S3 tool, through lib/storage's client
    outS3: Object.fromEntries(s.outArtifacts.flatMap((o) => (o.s3 !== undefined ? [[o.path, { s3: o.s3, archive: o.archive ?? 'tar' }]] : []))),
    s3Tool: [...s.inArtifacts, ...s.outArtifacts].some((a) => a.s3 !== undefined) ? S3_TOOL() : null,
    // input artifacts over HTTP: fetched by the HTTP tool, which http templates run too
    httpTool: s.inArtifacts.some((a) => a.http !== undefined) ? HTTP_TOOL() : null,
    repository: s.repository ?? null,
    outputPaths: Object.fromEntries([...s.outParams.map((o) => [`outputs.parameters.${o.name}.path`, o.path]), ...s.outArtifacts.map((o) => [`outputs.artifacts.${o.name}.path`, o.path])]),
    outputs: [...s.outParams.map((o) => o.path), ...s.outArtifacts.map((o) => o.path)],
    outDefaults: Object.fromEntries(s.outParams.flatMap((o) => (tagged(o.default) ? [[o.path, o.default]] : []))),
    // a path right under / (`/result.txt`) stays in the step's root, and is copied out when it ends
    private: [...new Set(declared.filter((p) => p.replace(/^\/+/, '').includes('/')).map(topOf))],
    mounts: s.mounts.map((m) => ({ path: m.path, shared: m.shared ?? null, subPath: m.subPath ?? null })),
    locks: s.locks ?? [],
    // what a cache entry keeps: the output parameters' values, and the output artifacts (copied into the repository)
    memoize: s.memoize ? { ...s.memoize, outputs: Object.fromEntries(s.outParams.map((o) => [o.name, o.path])), artifacts: Object.fromEntries(s.outArtifacts.map((o) => [o.name, o.path])) } : null,
  }
  // what the template asks the launcher for: decided by build, which script() calls once, with the template's inputs
  let asked: string | undefined
  const build = (ins: Record<string, any>) => {
    const holes: Scalar[] = []
    const hole = (v: Scalar, lit: string) => (holes.push(v), envNameOf(v, lit))
    for (const p of s.inParams) spec.params[p.name] = hole(ins[p.name], '')
    for (const a of s.inArtifacts)
      spec.inArtifacts[a.name] = { path: a.path ?? null, env: a.raw === undefined && a.key === undefined && a.http === undefined ? hole(ins[a.name], '') : null, raw: a.raw ?? null, subPath: a.subPath ?? null, key: a.key ?? null, ...(a.s3 ? { s3: { s3: a.s3, archive: a.archive ?? 'auto' } } : {}), ...(a.http ? { http: { ...a.http, archive: a.archive ?? 'auto' } } : {}), optional: a.optional }
    for (const w of s.workflowParams) spec.workflowParams[w] = hole({ _tag: 'ParamRef', source: { kind: 'workflow' }, name: w, codec: t.string }, '')
    spec.context['workflow.name'] = hole(ctx.workflowName, '')
    // the workflow's phase and failures, in an exit handler (Argo's workflow.status, workflow.failures), and the run's creation time
    for (const [tag, ref] of RUN_VARS)
      if (texts.some((x) => x.includes(tag))) spec.context[tag] = hole(ref, '')
    spec.context['pod.name'] = hole(ctx.stepName, '')
    spec.context['node.name'] = spec.context['pod.name']!
    const names = [...new Set(holes.map((h) => envNameOf(h, '')))]
    const { bwrap: fast, request } = sandboxed(s, spec, names)
    asked = request
    // a value the interpreter gave as a file (a big one) stays in its file: one environment string holds at
    // most 128 KiB (Linux's MAX_ARG_STRLEN), and the runner reads the file (argo-leaf.py `env_of`); the fast
    // way pastes values from the environment, so a call given any value as a file takes the runner
    const noFiles = names.map((n) => ` && [ -z "\${${fileVarOf(n)}+x}" ]`).join('')
    const exports = names.map((n) => `[ -n "\${${fileVarOf(n)}+x}" ] || export ${n}`).join('\n')
    const strings = [': ', ...holes.slice(1).map(() => ' '), `\n${fast ? `if [ "\${DFLOW_ARGO_ISOLATION-}" != none ]${noFiles} && command -v bwrap >/dev/null 2>&1; then\n${fast}fi\n` : ''}${exports}\n${runnerExec(fast === undefined && request === undefined)}\n`]
    // The text is the script as it must run (a leaf's source may hold `\${` or a backtick): segments as they are,
    // not through sh`…`, which reads its text as a template literal's (and so turns `\${` into `${`).
    const segments: Segment[] = strings.flatMap((text, i) => [...(text ? [{ _tag: 'Text' as const, text }] : []), ...(i < holes.length ? [{ _tag: 'Hole' as const, value: holes[i]!, context: 'word' as const }] : [])])
    return Object.freeze({ _tag: 'Script' as const, lang: 'sh' as const, segments: Object.freeze(segments) })
  }
  const tpl = script({
    name: dslName,
    ...(s.image ? { image: s.image } : {}),
    inputs: inputs as IoSpec,
    outputs: outputs as IoSpec,
    ...(s.retry ? { retry: s.retry } : {}),
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    source: (ins) => build(ins as Record<string, any>),
  })
  return Object.freeze({ ...tpl, ...(s.daemon ? { daemon: s.daemon } : {}), env: Object.freeze({ DFLOW_ARGO_TEMPLATE: JSON.stringify(spec), ...(asked ? { DFLOW_NAMESPACE: asked } : {}), ...(s.timeScale !== 1 ? { DFLOW_ARGO_TIME_SCALE: String(s.timeScale) } : {}) }) })
}

/** The call's values a leaf's script knows, by the variable holding each (sandboxed's `spec`). */
interface CallSpec { readonly params: Record<string, string>; readonly outDefaults: Record<string, string>; readonly workflowParams: Record<string, string>; readonly context: Record<string, string>; readonly outputPaths: Record<string, string>; readonly outputs: readonly string[]; readonly private: readonly string[] }

/**
 * The line of a leaf's script that hands the step to argo-leaf.py: through `python3` on the PATH where the
 * fast way usually runs the step instead, and, where argo-leaf.py always runs it (`always`), through the real
 * interpreter behind it, found once per process (a pyenv shim costs ~90 ms at every start), or `python3` where
 * that is not there (a batch job's host).
 */
const runnerExec = (always: boolean): string => {
  const runner = `'${LEAF_RUNNER.replace(/'/g, `'\\''`)}'`
  const py = always ? hostPython() : undefined
  return py ? `dflow_python='${py.replace(/'/g, `'\\''`)}'; [ -x "$dflow_python" ] || dflow_python=python3; exec "$dflow_python" ${runner}` : `exec python3 ${runner}`
}

/**
 * The leaf's two fast ways (leaf-sandbox.ts) when its features are all theirs: `request`, what the template asks
 * the launcher for (the namespace and the command it runs there), and `bwrap`, the script that makes its own
 * namespace; each undefined where it cannot run the leaf (argo-leaf.py does).
 */
const sandboxed = (s: LeafSpec, spec: CallSpec, names: readonly string[]): { readonly bwrap?: string; readonly request?: string } => {
  const [c, ...more] = s.containers
  const plain = !more.length && c?.role === 'main' && !c.dependencies?.length && !s.locks?.length && !s.memoize && !s.mounts.length && !s.inArtifacts.length && !Object.keys(s.computed ?? {}).length && !Object.keys(spec.outDefaults).length
  const tops = [...new Set([...spec.private, 'tmp'])].sort()
  // an output right under / is copied out of the root: argo-leaf.py's
  if (!plain || s.outArtifacts.some((o) => o.key !== undefined) || spec.outputs.some((p) => p.replace(/^\/+/, '').split('/').length < 2)) return {}
  // an output in a sub-folder (`/tmp/workdir/y.txt`, as dflow's compiler writes one): its empty folders below the top-level one are removed
  // first — but the working folder and those it is in, which a pod's runtime makes before the command starts
  const wd = c.workingDir !== undefined && !c.workingDir.includes('{{') ? c.workingDir.replace(/^\/+|\/+$/g, '') : undefined
  const prune = [...new Set(spec.outputs.flatMap((p) => p.replace(/^\/+/, '').split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, parts.length - i).join('/')).filter((d) => d.includes('/'))))]
    .filter((d) => wd === undefined || (wd !== d && !wd.startsWith(`${d}/`)))
    .sort((a, b) => b.split('/').length - a.split('/').length)
  const cmd = c.command ?? entrypointOf(c.image)
  const vars: Record<string, string> = {}
  const literals: Record<string, string> = { ...spec.outputPaths }
  for (const [k, v] of Object.entries(spec.params)) vars[`inputs.parameters.${k}`] = v
  for (const [k, v] of Object.entries(spec.workflowParams)) vars[`workflow.parameters.${k}`] = v
  for (const [k, v] of Object.entries(spec.context)) (v.startsWith('dflow_') ? vars : literals)[k] = v
  const container = { argv: [...cmd!, ...(c.args ?? [])], source: c.source ?? null, workingDir: c.workingDir ?? null, env: c.env }
  const scope = { private: tops, vars, literals, unset: names, scaled: s.timeScale !== 1, ...(prune.length ? { prune } : {}) }
  // in the launcher's namespace a script's source is written at Argo's path, in a private folder of its own
  const nsTops = namespaceTops(tops, container.source !== null)
  const exec = namespaceExec(container, { ...scope, private: nsTops })
  return { bwrap: sandboxScript(container, scope), ...(exec !== undefined ? { request: namespaceRequest(tops, exec) } : {}) }
}
