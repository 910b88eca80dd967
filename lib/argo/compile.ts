import { ALL_FEATURES, DflowError, keepsStdout, WORKFLOW_VARS, callsOf, rootsOf, exposedRef, type ExprVar, groupedTemplateOf, loopsIn, stepsIn, type Node, loopTemplateName, templatesOf, validate, type IoSpec, type ParamSpec, type Problem, type Step, type Template, type Workflow } from 'dflow-ts'
import { compileBody, type BodyTarget } from './body.ts'
import type { Compiler } from './compiler.ts'
import { codecDescription, compact, encodedDefault } from './io.ts'
import type { ArgoArtifact, ArgoParameter, ArgoTemplate, ArgoWorkflow } from './manifest.ts'
import { printCondition, quote } from './expr-print.ts'
import { resolveOptions, type CompileOptions } from './options.ts'
import { nameAllocator } from './refs.ts'
import { compileScript } from './script-template.ts'
import { compileFn } from './fn-template.ts'
import { failureFields, retryStrategy } from './retry.ts'
import { templatesCalledBy } from './called.ts'
import { withKeyInput } from './key.ts'
import { withMemoize } from './memoize.ts'
import { leafParts } from '../fn/leaf-parts.ts'
import { templateDigest } from '../run/template-digest.ts'
import { withSuccessOutput } from './threshold.ts'
import { problem } from 'dflow-ts'
import { gathering, stepsInLoops } from './fan-in.ts'
import { archiveLocation, placed } from './repository.ts'
import { withSliceInits } from './slice-init.ts'
import { withGlobals } from './globals.ts'

const inputDecls = (io: IoSpec) =>
  compact({
    parameters: Object.entries(io).flatMap(([name, s]) =>
      s._tag === 'Param' && !s.big ? [compact({ name, default: encodedDefault(s), description: codecDescription(s) }) as ArgoParameter] : [],
    ),
    artifacts: Object.entries(io).flatMap(([name, s]): ArgoArtifact[] =>
      s._tag === 'Artifact' ? [compact({ name, optional: s.optional || undefined })] : s.big ? [compact({ name, ...(s.default ? { raw: { data: encodedDefault(s) } } : {}) })] : [],
    ),
  })

/**
 * Whether the workflow is one call whose arguments are exactly workflow parameters of the same names: it
 * then compiles idiomatically, with the called template as the entrypoint and the parameters as
 * `spec.arguments` (Argo hands those to the entrypoint's inputs). Not a template with a `stdout()` output, whose
 * result Argo keeps only for a call some template makes.
 */
const asEntrypoint = (wf: Workflow): Step | undefined => {
  const b = wf.body
  if (b._tag !== 'Step' || b.key !== undefined || b.dependsOn.length || b.continueOn.failed || b.continueOn.error) return undefined
  if (b.when || b.forEach || b.onExit || b.hooks?.length || b.depends || b.threshold) return undefined
  // Argo keeps no result for a template run with no caller (result-capture.ts): a stdout() output needs one
  if (b.template._tag !== 'Subflow' && keepsStdout(b.template)) return undefined
  const direct = Object.entries(b.args).every(([name, v]) => {
    const r = v as { _tag?: string; source?: { kind: string }; name?: string }
    return typeof v === 'object' && v !== null && (r._tag === 'ParamRef' || r._tag === 'ArtifactRef') && r.source?.kind === 'workflow' && r.name === name
  })
  return direct ? b : undefined
}

/**
 * Compiles a workflow to an Argo Workflows manifest: a pure function of the workflow and the options, with
 * no cluster and no network. Every template is defined once however often it is called; names are the
 * user's (generated templates get deterministic names); nothing random. A workflow that does not validate,
 * or that Argo cannot express (a literal `{{`, a local artifact without an upload), throws a
 * {@link DflowError} listing every problem.
 *
 * @example
 * ```ts
 * import { compile } from 'dflow-ts/argo'
 * const manifest = compile(wf, { namespace: 'argo' })
 * manifest.spec.templates.map((t) => t.name) // ['steps', 'hello', 'duplicate']
 * ```
 */
export const compile = (wf: Workflow, options: CompileOptions = {}): ArgoWorkflow => compileWithTemplates(wf, options).manifest

/**
 * {@link compile}, and which template of the workflow each of the manifest's templates compiles (a call with
 * other retry or timeout settings gets a variant `NAME-2`): what a client needs to decode a node's inputs and
 * outputs, found by its `templateName`, with the template's codecs.
 *
 * @example
 * ```ts
 * const { manifest, templates } = compileWithTemplates(wf)
 * templates.get('duplicate')?.outputs.msg // the ParamSpec whose codec decodes hello1's msg
 * ```
 */
export const compileWithTemplates = (given: Workflow, options: CompileOptions = {}): { readonly manifest: ArgoWorkflow; readonly templates: ReadonlyMap<string, Template> } => {
  const invalid = validate(given, { supports: ALL_FEATURES })
  if (invalid.length) throw new DflowError(invalid)
  // Slices of list artifacts read their catalogs in steps of their own first (slice-init.ts).
  const wf = withSliceInits(given)
  const o = resolveOptions(options)
  const problems: Problem[] = []
  const slots: (ArgoTemplate | undefined)[] = []
  const names = new Map<Template, Map<string, string>>()
  const volumes = new Map<string, string>()
  const roots = rootsOf(wf)
  const templates = [...new Set(roots.flatMap(templatesOf))]
  // A composite forEach's template has the forEach's name (as in the local records), kept free here.
  const loopNames = [...roots, ...templates.flatMap((t) => (t._tag === 'Subflow' ? [t.body] : []))].flatMap(loopsIn).map(loopTemplateName)
  const freshName = nameAllocator([...templates.map((t) => t.name), ...loopNames])

  const keyed = templatesCalledBy(roots, (s) => s.key !== undefined)
  const tagged = templatesCalledBy(roots, (s) => s.forEach !== undefined && s.threshold !== undefined)
  // Which bodies run once per workflow (a gathered fan-out's keys are unique only there): see fan-in.ts.
  const onceRoots = new Set<string>()
  const callers = new Map<string, { scope: string; repeated: boolean }[]>()
  const scopeBodies: [string | undefined, Node][] = [...roots.map((r): [undefined, Node] => [undefined, r]), ...templates.flatMap((t): [string, Node][] => (t._tag === 'Subflow' ? [[t.name, t.body]] : []))]
  for (const [scope, body] of scopeBodies) {
    const looped = stepsInLoops(body)
    for (const s of stepsIn(body).flatMap(callsOf))
      if (s.template._tag === 'Subflow') callers.set(s.template.name, [...(callers.get(s.template.name) ?? []), { scope: scope ?? '', repeated: s.forEach !== undefined || looped.has(s.name) }])
  }
  const runsOnce = (name: string, seen: ReadonlySet<string> = new Set()): boolean => {
    if (name === '' || onceRoots.has(name)) return true
    const by = callers.get(name) ?? []
    return by.length === 1 && !by[0]!.repeated && !seen.has(name) && runsOnce(by[0]!.scope, new Set([...seen, name]))
  }
  const c: Compiler = {
    options: o,
    freshName,
    report: (ps) => problems.push(...ps),
    runsOnce: (name) => runsOnce(name),
    define: (build) => {
      const at = slots.push(undefined) - 1
      slots[at] = build()
    },
    templateOf: (t, call = {}, gathered = []) => {
      const wanted = t._tag === 'Subflow' ? '' : JSON.stringify([failureFields(call, t), gathered])
      const variants = names.get(t) ?? new Map<string, string>()
      names.set(t, variants)
      const known = variants.get(wanted)
      if (known !== undefined) return known
      // The first call of a template names it; a call with other retry/timeout settings gets a variant NAME-2, …
      const name = variants.size === 0 ? t.name : freshName(t.name)
      variants.set(wanted, name)
      // A template some step calls with a key declares the key input; one a thresholded fan-out calls
      // reports its success (every variant of it).
      const decorate = (a: ArgoTemplate): ArgoTemplate => {
        const g = withGlobals(t.outputs, a, ['templates', t.name])
        problems.push(...g.problems)
        const k = keyed.has(t.name) ? withKeyInput(g.template) : g.template
        return tagged.has(t.name) ? withSuccessOutput(k) : k
      }
      // A leaf's outputs: under the inline repository's key format; a gathered fan-out's under keys by index.
      const located = (a: ArgoTemplate): ArgoTemplate => {
        const at = a.outputs?.artifacts?.length ? archiveLocation(o) : undefined
        const stored = at ? { ...a, archiveLocation: at } : a
        return gathered.length ? gathering(stored, gathered, o, groupedTemplateOf(t) !== undefined) : stored
      }
      switch (t._tag) {
        case 'ScriptTemplate':
        case 'FnTemplate':
          c.define(() => {
            const r = t._tag === 'ScriptTemplate' ? compileScript(t, o) : { ...compileFn(t, o), volumes: t.volumes ?? [] }
            problems.push(...r.problems)
            for (const v of r.volumes) {
              const vname = String(v['name'])
              const prev = volumes.get(vname)
              if (prev !== undefined && prev !== JSON.stringify(v)) problems.push(problem(['templates', t.name, 'volumes', vname], `volume "${vname}" is defined differently by another template`, 'volumes are workflow-wide on Argo: give different volumes different names'))
              volumes.set(vname, JSON.stringify(v))
            }
            const leaf = decorate(located({ ...r.template, name, ...failureFields(call, t) }))
            return t.cache === true ? withMemoize(leaf, templateDigest(t, leafParts(t)), o.memoize) : leaf
          })
          break
        case 'Subflow': {
          const target: BodyTarget = {
            name: t.name,
            body: t.body,
            inputs: inputDecls(t.inputs),
            outputs: Object.entries(t.exposes).map(([n, x]) => ({ name: n, ref: exposedRef(x), ...(x._tag === 'OutputChoice' ? { choice: x } : x._tag === 'OutputExpr' ? { expr: x.expr } : {}) })),
            lifted: new Map(),
            path: ['templates', t.name],
            ...(t.parallelism !== undefined ? { parallelism: t.parallelism } : {}),
          }
          // A retried sub-workflow: retryStrategy on its steps or dag template, which Argo's controller wraps in a
          // Retry node whose attempts NAME(n) each run the whole template again (operator.go, executeTemplate).
          const retry = t.retry ? { retryStrategy: retryStrategy(t.retry, undefined, ['templates', t.name, 'retry', 'expression']) } : {}
          c.define(() => decorate({ ...compileBody(c, target), ...retry }))
          break
        }
        default: {
          const unhandled: never = t // a new template kind is a compile error here until handled
          throw new Error(`unknown template kind ${(unhandled as Template)._tag}`)
        }
      }
      return name
    },
  }

  // Workflow artifacts: spec.arguments.artifacts, which Argo hands to the entry template's inputs.
  const wfArtifacts = Object.entries(wf.artifacts ?? {})
  const argumentArtifacts = wfArtifacts.map(([name, spec]): ArgoArtifact => {
    const value = o.artifacts?.[name]
    const path = [wf.name, 'artifacts', name]
    if (value === undefined) {
      if (!spec.optional) problems.push(problem(path, `workflow artifact "${name}" has no value on the cluster`, `give it at compile time: compile(wf, { artifacts: { ${name}: 's3://BUCKET/KEY' } }) (dflow compile FILE -a ${name}=REF)`))
      return compact({ name, optional: spec.optional || undefined })
    }
    const r = placed(o, value, path)
    problems.push(...r.problems)
    return { name, ...r.fields }
  })
  for (const name of Object.keys(o.artifacts ?? {}))
    if (!wf.artifacts?.[name]) problems.push(problem([wf.name, 'artifacts', name], `the workflow has no artifact "${name}"`, `its artifacts: ${wfArtifacts.map(([n]) => n).join(', ') || 'none'}`))
  const single = asEntrypoint(wf)
  let entrypoint: string
  if (single) entrypoint = c.templateOf(single.template, single)
  else {
    entrypoint = freshName(wf.name)
    onceRoots.add(entrypoint)
    const inputs = compact({ artifacts: wfArtifacts.map(([name, s]) => compact({ name, optional: s.optional || undefined }) as ArgoArtifact) })
    c.define(() => compileBody(c, { name: entrypoint, body: wf.body, inputs, outputs: [], lifted: new Map(), path: [wf.name] }))
  }
  /** The template a top-level root runs (the exit handler, a workflow hook): its own, or a steps template of it. */
  const topTemplate = (body: Node, name: string, path: readonly string[]): string => {
    const single = body._tag === 'Step' && !Object.keys(body.args).length ? asEntrypoint({ ...wf, body }) : undefined
    if (single) return c.templateOf(single.template, single)
    const fresh = freshName(name)
    onceRoots.add(fresh)
    c.define(() => compileBody(c, { name: fresh, body, outputs: [], lifted: new Map(), path }))
    return fresh
  }
  const onExit = wf.onExit ? topTemplate(wf.onExit, `${wf.name}-on-exit`, [wf.name, 'onExit']) : undefined
  // a workflow hook's condition reads the workflow's status and parameters (Argo evaluates it with workflow.*)
  const topVar = (v: ExprVar): string => (v._tag === 'ParamRef' && v.source.kind === 'workflow' ? (WORKFLOW_VARS[v.name] ?? `workflow.parameters[${quote(v.name)}]`) : (problems.push(problem([wf.name, 'hooks'], 'a workflow hook\'s condition reads the workflow\'s status and parameters only')), 'nil'))
  const hooks = wf.hooks?.length
    ? Object.fromEntries(wf.hooks.map((h) => [h.name, { template: topTemplate(h.run, `${wf.name}-hook-${h.name}`, [wf.name, 'hooks', h.name]), expression: printCondition(h.when, topVar, [wf.name, 'hooks', h.name, 'when']) }]))
    : undefined
  if (problems.length) throw new DflowError(problems)

  const parameters = Object.entries(wf.parameters).map(([name, s]) =>
    compact({ name, value: encodedDefault(s as ParamSpec<any, boolean>), description: codecDescription(s as ParamSpec<any, boolean>) }),
  )
  const byName = new Map([...names].flatMap(([t, variants]) => [...variants.values()].map((n) => [n, t] as const)))
  const manifest: ArgoWorkflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: compact({
      ...(o.generateName ? { generateName: `${wf.name}-` } : { name: wf.name }),
      namespace: o.namespace,
      labels: wf.labels,
      annotations: wf.annotations,
    }),
    spec: compact({
      entrypoint,
      onExit,
      hooks,
      arguments: compact({ parameters, artifacts: argumentArtifacts }),
      serviceAccountName: o.serviceAccount,
      parallelism: wf.parallelism,
      podGC: o.podGC ? { strategy: o.podGC } : undefined,
      artifactRepositoryRef: o.artifactRepositoryRef,
      volumes: [...volumes.values()].map((v) => JSON.parse(v) as unknown),
      templates: slots as ArgoTemplate[],
    }),
  }
  return { manifest, templates: byName }
}
