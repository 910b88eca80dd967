import { envLimitProblems } from './env-limit.ts'
import {
  ALL_OUTPUTS,
  keepsStdout,
  groupedTemplateOf,
  WORKFLOW_VARS,
  dependsSteps,
  EXIT_CODE,
  STATUS,
  encodeParam,
  isExpr,
  isRef,
  problem,
  condRefsIn,
  freeItemRefs,
  loopTemplateName,
  refsOfExposed,
  varsOf,
  type Expr,
  refsOfStep,
  type OutputChoice,
  stepsIn,
  type Arg,
  type IoSpec,
  type LocalArtifact,
  type Node,
  type Problem,
  type Ref,
  type Step,
} from 'dflow-ts'
import type { Compiler } from './compiler.ts'
import type { ArgoArtifact, ArgoCall, ArgoIo, ArgoParameter, ArgoTask, ArgoTemplate } from './manifest.ts'
import { compact, encodedDefault } from './io.ts'
import { placed } from './repository.ts'
import { enumeratedItem, enumeratedLoop, fanInArgument, fanInArguments, fanInsOf, isFanInRef, stepsInLoops, type FanInScope } from './fan-in.ts'
import { choiceExpression, outputExpression, controlFields, exprTag, fanOutFields, hookExpression, isStdout, whenTag } from './control.ts'
import { stackedTag } from './slice.ts'
import { accessPath } from './expr-print.ts'
import { keyArgument } from './key.ts'
import { printDepends } from './depends.ts'
import { ioKind, nameAllocator, refKey } from './refs.ts'
import { tag, tagProblems } from './tags.ts'
import { shapeOf, unitSteps, type Unit } from './units.ts'
import { fanOutTally, parTally, successCheck, successCheckCall } from './threshold.ts'
import { memoArgument, memoParam } from './memoize.ts'
import { mentionsResult, RESULTS_KEPT } from './result-capture.ts'

/** A reference the template exposes as one of its outputs. @example const e: Exposed = { name: 'n', ref: b.outputs.n } */
export interface Exposed {
  readonly name: string
  readonly ref: Ref
  /** Set when the output is chosen by a condition (`ifExpr`); `ref` is then its first branch. */
  readonly choice?: OutputChoice
  /** Set when the output is computed by an expression (`exprOutput`); `ref` then only stands for its type. */
  readonly expr?: Expr
}

/** What to compile into a steps or DAG template. @example const t: BodyTarget = { name: 'main', body: seq(a, b), outputs: [], lifted: new Map(), path: ['main'] } */
export interface BodyTarget {
  readonly name: string
  readonly body: Node
  readonly inputs?: ArgoIo
  readonly outputs: readonly Exposed[]
  /** References that this template receives as its own inputs (lifted into a generated template): key → input name. */
  readonly lifted: ReadonlyMap<string, string>
  readonly path: readonly string[]
  /** At most this many of its steps at once. */
  readonly parallelism?: number
  /** The template whose body this is part of, for gathered fan-outs (set for generated fragments; a root computes its own). */
  readonly scope?: FanInScope
}

/** A fragment of the body compiled as a template of its own: its call name, template name, and lifted inputs and outputs. */
interface Fragment {
  readonly call: string
  readonly template: string
  readonly imports: readonly Exposed[]
  readonly exports: readonly Exposed[]
  readonly exportName: ReadonlyMap<string, string>
}

const uniqueRefs = (refs: readonly Ref[]): Ref[] => {
  const seen = new Map<string, Ref>()
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r)
  return [...seen.values()]
}

/** How a reference's value is described in the declarations of a generated template. */
const declDescription = (r: Ref): string | undefined => (r._tag === 'ParamRef' ? JSON.stringify({ type: r.codec.name }) : undefined)

/** Inputs or outputs declared for lifted references. */
const declare = (xs: readonly Exposed[], out: (x: Exposed) => Partial<ArgoParameter & ArgoArtifact>): ArgoIo =>
  compact({
    parameters: xs.filter((x) => ioKind(x.ref) === 'parameters').map((x) => compact({ name: x.name, ...out(x), description: declDescription(x.ref) }) as ArgoParameter),
    artifacts: xs.filter((x) => ioKind(x.ref) === 'artifacts').map((x) => ({ name: x.name, ...out(x) }) as ArgoArtifact),
  })

/**
 * Compiles a template body (a sub-workflow's, the workflow's, or a generated fragment's) to an Argo steps
 * template (sequential groups of parallel steps) or DAG template (tasks with `depends` inferred from
 * references and `dependsOn`). A child that Argo cannot express inline becomes a generated template named
 * `PARENT-KIND-N` (e.g. `steps-seq-1`); references crossing into it are lifted into its inputs, and
 * references to its steps from outside come out through its outputs.
 *
 * @example
 * ```ts
 * compileBody(c, { name: 'main', body: seq(a, par(b, c)), outputs: [], lifted: new Map(), path: ['main'] })
 * // { name: 'main', steps: [[{ name: 'a', template: … }], [{ name: 'b', … }, { name: 'c', … }]] }
 * ```
 */
export const compileBody = (c: Compiler, target: BodyTarget): ArgoTemplate => {
  const scope: FanInScope = target.scope ?? { name: target.name, fanIns: fanInsOf(target.body), loopSteps: stepsInLoops(target.body), once: c.runsOnce(target.name) }
  const shape = shapeOf(target.body)
  const units = shape.kind === 'dag' ? shape.units : shape.groups.flat()
  const prefix: 'tasks' | 'steps' = shape.kind === 'dag' ? 'tasks' : 'steps'
  const problems: Problem[] = []
  const allSteps = stepsIn(target.body)
  const stepNamed = new Map(allSteps.map((s) => [s.name, s]))
  const freshCall = nameAllocator(allSteps.map((s) => s.name))
  const owner = new Map<string, Unit>()
  for (const u of units) for (const s of unitSteps(u)) owner.set(s.name, u)

  // What the rest of this template needs from each fragment, and what each fragment needs from outside itself.
  const fromOutside = (ref: Ref) => ({ ref, from: undefined as string | undefined })
  const uses = [
    ...allSteps.flatMap((s) => refsOfStep(s).map((ref) => ({ ref, from: s.name as string | undefined }))),
    ...condRefsIn(target.body).map(fromOutside),
    ...target.outputs.flatMap((o) => (o.choice ? refsOfExposed(o.choice) : o.expr ? varsOf(o.expr) : [o.ref]).map(fromOutside)),
  ]
  const fragments = new Map<Unit, Fragment>()
  let counter = 0
  /** A fragment's call name: a thresholded fan-out keeps its step's name, a forEach its own; others are `KIND-N`. */
  const fragmentCall = (n: Node): string => {
    if (n._tag === 'Step') return n.name
    if (n._tag === 'ForEach') return freshCall(n.name)
    let call: string
    do call = `${n._tag.toLowerCase()}-${++counter}`
    while (owner.has(call))
    return freshCall(call)
  }
  for (const u of units) {
    if (u.kind !== 'fragment') continue
    const inside = new Set(unitSteps(u).map((s) => s.name))
    const isInside = (r: Ref) => r.source.kind === 'step' && inside.has(r.source.step)
    const freshIo = nameAllocator()
    const ioName = (r: Ref) => freshIo((r.source.kind === 'step' ? `${r.source.step}-${r.name.replace(/^\$/, '')}` : r.name).replace(/[^-a-zA-Z0-9_]/g, '-'))
    // The items of the loops around the fragment that it reads (a forEach's own item among them: its call carries the loop).
    const items = freeItemRefs(fragmentBody(u.node))
    // Workflow parameters are global (`{{workflow.parameters.X}}`), workflow artifacts are not: they are lifted.
    // A gathered artifact is a key prefix, the same wherever it is read: neither lifted nor exported.
    // Workflow outputs are global too (`{{workflow.outputs.parameters|artifacts.X}}`, Argo's global scope).
    const global = (r: Ref) => (r.source.kind === 'workflow' && r._tag === 'ParamRef') || r.source.kind === 'global' || isFanInRef(scope, r)
    const imports = uniqueRefs([...unitSteps(u).flatMap(refsOfStep), ...condRefsIn(u.node, true), ...items].filter((r) => !global(r) && !isInside(r))).map((ref) => ({ ref, name: ioName(ref) }))
    const exports = uniqueRefs(uses.filter((x) => isInside(x.ref) && !global(x.ref) && !(x.from !== undefined && inside.has(x.from))).map((x) => x.ref)).map((ref) => ({ ref, name: ioName(ref) }))
    const call = fragmentCall(u.node)
    const template = u.node._tag === 'ForEach' ? loopTemplateName(u.node) : c.freshName(`${target.name}-${call}`)
    fragments.set(u, { call, template, imports, exports, exportName: new Map(exports.map((e) => [refKey(e.ref), e.name])) })
  }

  const resolveRef = (r: Ref, path: readonly string[]): string => {
    const kind = ioKind(r)
    const lifted = target.lifted.get(refKey(r))
    if (lifted !== undefined) return tag(`inputs.${kind}.${lifted}`)
    switch (r.source.kind) {
      case 'item':
        return tag(['item', ...r.source.path].join('.'))
      case 'workflow':
        // A workflow artifact is an input of the entry template (inside a fragment it is lifted, above).
        return r._tag === 'ArtifactRef' ? tag(`inputs.artifacts.${r.name}`) : tag(WORKFLOW_VARS[r.name] ?? `workflow.parameters.${r.name}`)
      case 'global':
        return tag(`workflow.outputs.${kind}.${r.name}`)
      case 'input':
        return tag(`inputs.${kind}.${r.name}`)
      case 'step': {
        const u = owner.get(r.source.step)
        const f = u && fragments.get(u)
        if (!u) problems.push(problem(path, `no step "${r.source.step}" in template "${target.name}"`))
        if (f) return tag(`${prefix}.${f.call}.outputs.${kind}.${f.exportName.get(refKey(r))}`)
        const producer = r.source.step
        if (r.name === ALL_OUTPUTS) return tag(`${prefix}.${producer}.outputs.parameters`)
        if (r.name === STATUS) return tag(`${prefix}.${producer}.status`)
        if (r.name === EXIT_CODE) return tag(`${prefix}.${producer}.exitCode`)
        // A grouped slice's calls stack their slices' outputs per group: the consumer reads them flattened.
        if (r._tag === 'ParamRef' && groupedTemplateOf(stepNamed.get(producer)?.template ?? {})) return stackedTag(accessPath(`${prefix}.${producer}.outputs.parameters.${r.name}`))
        return isStdout(stepNamed.get(producer), r.name)
          ? tag(`${prefix}.${producer}.outputs.result`)
          : tag(`${prefix}.${producer}.outputs.${kind}.${r.name}`)
      }
    }
  }

  const localArtifact = (name: string, a: LocalArtifact, path: readonly string[]): ArgoArtifact => {
    const at = c.options.localArtifact?.(a)
    if (at === undefined) {
      problems.push(problem(path, `local artifact "${a.path}" has no place on the cluster`, "upload it first (dflow upload) and pass compile options { localArtifact: (a) => 's3://BUCKET/KEY' } (dflow compile --local-artifact PATH=REF)"))
      return { name }
    }
    const r = placed(c.options, at, path)
    problems.push(...r.problems)
    return { name, ...r.fields }
  }

  /** A step's arguments; `own` reads the step's own item (a gathered fan-out reads it from the enumerated item). */
  const stepArguments = (s: Step, path: readonly string[], own?: (r: Ref) => string): ArgoIo => {
    const inputs = Object.entries(s.template.inputs as IoSpec).filter(([name]) => name in s.args)
    const arg = (name: string): Arg => s.args[name] as Arg
    const resolve = (r: Ref, p: readonly string[]) => (own && r.source.kind === 'item' && r.source.loop === s.name ? own(r) : resolveRef(r, p))
    const artifacts = inputs.flatMap(([name, spec]): ArgoArtifact[] => {
      const v = arg(name)
      if (spec._tag === 'Param' && spec.big) {
        if (isRef(v)) return [{ name, from: resolve(v, [...path, name]) }]
        const data = encodeParam(spec.codec, v)
        problems.push(...envLimitProblems(`input "${name}"`, 'ARGO_TEMPLATE', data, [...path, name], true))
        return [{ name, raw: { data } }]
      }
      if (spec._tag !== 'Artifact') return []
      if (isRef(v) && isFanInRef(scope, v)) {
        const r = fanInArgument(c.options, scope, v, [...path, name])
        problems.push(...r.problems)
        return [{ name, ...r.fields }]
      }
      // A slice's part of a list artifact: the artifact, and the part's path in it from the item (slice-init.ts).
      if (isRef(v) && v._tag === 'ArtifactRef' && v.list) {
        const subPath = resolve(v, [...path, name])
        if (!isFanInRef(scope, v.list)) return [{ name, from: resolve(v.list, [...path, name]), subPath }]
        const r = fanInArgument(c.options, scope, v.list, [...path, name])
        problems.push(...r.problems)
        return [{ name, ...r.fields, subPath }]
      }
      return [isRef(v) ? { name, from: resolve(v, [...path, name]) } : localArtifact(name, v as LocalArtifact, [...path, name])]
    })
    // A memoized template names each input artifact by key (lib/argo/memoize.ts).
    const memo = s.template._tag !== 'Subflow' && s.template.cache === true ? memoArguments(artifacts, path) : []
    return compact({
      parameters: inputs.flatMap(([name, spec]) => {
        if (spec._tag !== 'Param' || spec.big) return []
        const v = arg(name)
        if (isRef(v)) return [{ name, value: resolve(v, [...path, name]) }]
        // an expression argument: an expr-lang tag Argo evaluates when the call starts
        if (isExpr(v)) return [{ name, value: exprTag(v, { resolve: (r, p) => resolve(r, p), prefix, path }, name) }]
        const value = encodeParam(spec.codec, v)
        problems.push(...tagProblems(value, [...path, name]), ...envLimitProblems(`input "${name}"`, `dflow_in_${name}`, value, [...path, name]))
        return [{ name, value }]
      }).concat(s.key !== undefined ? [keyArgument(s.key, (r) => resolve(r, [...path, 'key']))] : [], memo),
      artifacts,
    })
  }

  /** The memo parameters of a memoized template's call: each input artifact named by key. */
  const memoArguments = (artifacts: readonly ArgoArtifact[], path: readonly string[]): { name: string; value: string }[] =>
    artifacts.map((a) => {
      const producer = (step: string) => {
        const p = stepNamed.get(step)
        return p !== undefined && !p.forEach && p.template._tag !== 'Subflow' && p.template.cache === true
      }
      const r = memoArgument(a.name, a, producer, path)
      problems.push(...r.problems)
      return { name: memoParam(a.name), value: r.value }
    })

  const resolve = resolveRef

  /** The call of a gathered fan-out: its loop enumerated, its template's gathering variant, its group's key and index passed. */
  const gatheredCall = (s: Step, names: ReadonlySet<string>): ArgoCall => {
    const path = [...target.path, s.name]
    if (s.template._tag === 'Subflow') problems.push(problem(path, `on Argo a fan-out of sub-workflow "${s.template.name}" cannot hand its artifacts to an artifactList() input`, 'fan out a leaf template (a script or a function OP), or return a parameter'))
    if (scope.loopSteps.has(s.name) || !scope.once)
      problems.push(problem(path, `on Argo the artifacts of fan-out "${s.name}" can be gathered only where its body runs once per workflow`, 'gather them in the workflow\'s own body or in a sub-workflow called once (not fanned out, not inside a forEach)'))
    // A grouped slice's calls write their entries by slice index: its loop (over groups) stays as it is.
    const grouped = groupedTemplateOf(s.template) !== undefined
    const loop = grouped ? { fields: {}, problems: [] } : enumeratedLoop(s, resolveRef, path)
    problems.push(...loop.problems)
    const args = grouped ? stepArguments(s, [...path, 'args']) : stepArguments(s, [...path, 'args'], enumeratedItem)
    const control = grouped
      ? controlFields(s, { resolve, prefix, path })
      : (({ withItems: _i, withParam: _p, withSequence: _s, ...rest }) => rest)(controlFields(s, { resolve: (r, p) => (r.source.kind === 'item' && r.source.loop === s.name ? enumeratedItem(r) : resolveRef(r, p)), prefix, path }))
    return compact({
      name: s.name,
      template: c.templateOf(s.template, s, [...names].sort()),
      arguments: { ...args, parameters: [...(args.parameters ?? []), ...fanInArguments(scope.name, s.name, grouped)] },
      continueOn: continueOn(s),
      ...control,
      ...loop.fields,
      ...hookFields(s),
    })
  }

  /** A step's hooks (Argo's `hooks`): its lifecycle hooks, with their conditions, and its exit hook. */
  const hookFields = (s: Step): Pick<ArgoCall, 'hooks'> => {
    if (!s.onExit && !s.hooks?.length) return {}
    const path = [...target.path, s.name]
    const call = (h: Step, at: readonly string[]) => ({ template: c.templateOf(h.template, h), arguments: stepArguments(h, [...at, 'args']) })
    return {
      hooks: {
        ...Object.fromEntries((s.hooks ?? []).map((h) => [h.name, compact({ ...call(h.run, [...path, 'hooks', h.name]), expression: hookExpression(h.when, { resolve, prefix, path }) })])),
        ...(s.onExit ? { exit: compact(call(s.onExit, [...path, 'onExit'])) } : {}),
      },
    }
  }

  const continueOn = (s: Step) => (s.continueOn.failed || s.continueOn.error ? compact({ failed: s.continueOn.failed, error: s.continueOn.error }) : undefined)

  /** The calls this template makes whose callee declares a `stdout()` output: Argo must keep their result. */
  const stdoutCalls = new Set<string>()
  /** The calls a unit makes (one, or one per member of a flattened `par`). */
  const callsOf = (u: Unit): ArgoCall[] => {
    const f = fragments.get(u)
    if (f) {
      const path = [...target.path, f.call, 'args']
      return [
        compact({
          name: f.call,
          template: f.template,
          arguments: declare(f.imports, (x) => (ioKind(x.ref) === 'parameters' ? { value: resolve(x.ref, path) } : { from: resolve(x.ref, path) })),
          ...(u.kind === 'fragment' && u.node._tag === 'When' ? { when: whenTag(u.node.cond, { resolve, prefix, path }) } : {}),
          ...(u.kind === 'fragment' && u.node._tag === 'ForEach' ? fanOutFields(u.node.source, { resolve, prefix, path }) : {}),
        }),
      ]
    }
    for (const s of unitSteps(u)) if (keepsStdout(s.template)) stdoutCalls.add(s.name)
    return unitSteps(u).map((s) =>
      scope.fanIns.has(s.name) ? gatheredCall(s, scope.fanIns.get(s.name)!) : compact({
        name: s.name,
        template: c.templateOf(s.template, s),
        arguments: stepArguments(s, [...target.path, s.name, 'args']),
        continueOn: continueOn(s),
        ...controlFields(s, { resolve, prefix, path: [...target.path, s.name] }),
        ...hookFields(s),
      }),
    )
  }

  /** The declared default of a step output, carried along so that a skipped producer still yields it. */
  const defaultOf = (r: Ref): string | undefined => {
    if (r.source.kind !== 'step') return undefined
    const producer = stepNamed.get(r.source.step)
    const spec = (producer?.template.outputs as IoSpec | undefined)?.[r.name]
    return spec?._tag === 'Param' && !producer?.forEach ? encodedDefault(spec) : undefined
  }
  const outputs = declare(target.outputs, (x) => {
    const path = [...target.path, 'outputs', x.name]
    if (x.expr) return { valueFrom: { expression: outputExpression(x.expr, (r) => resolve(r, path), path) } }
    if (x.choice) {
      const expression = choiceExpression(x.choice, (r) => resolve(r, path))
      return ioKind(x.ref) === 'parameters' ? { valueFrom: { expression } } : { fromExpression: expression }
    }
    return ioKind(x.ref) === 'parameters' ? { valueFrom: compact({ parameter: resolve(x.ref, path), default: defaultOf(x.ref) }) } : { from: resolve(x.ref, path) }
  })

  let template: ArgoTemplate
  if (shape.kind === 'steps' && shape.threshold) {
    // Members carry on whatever happens; the check step after them decides.
    const members = shape.groups.flatMap((g) => g.flatMap(callsOf)).map((m) => ({ ...m, continueOn: { failed: true, error: true } }))
    const only = shape.groups[0]?.[0]
    const fan = only?.kind === 'step' && only.step.threshold ? only.step : undefined
    const tally = fan ? fanOutTally(fan, { resolve, prefix, path: [...target.path, fan.name] }) : parTally(members.map((m) => m.name))
    const check = successCheckCall(freshCall('success-check'), c.templateOf(successCheck), tally, shape.threshold)
    template = compact({ name: target.name, inputs: target.inputs, outputs, parallelism: target.parallelism, steps: [members, [check]] })
  } else if (shape.kind === 'steps') {
    template = compact({ name: target.name, inputs: target.inputs, outputs, parallelism: target.parallelism, steps: shape.groups.map((g) => g.flatMap(callsOf)) })
  } else {
    template = compact({ name: target.name, inputs: target.inputs, outputs, parallelism: target.parallelism, dag: compact({ failFast: shape.failFast, tasks: dagTasks(shape.units, owner, fragments, callsOf, target.path, problems) }) })
  }
  template = keepingResults(template, shape.kind === 'steps' ? 'steps' : 'tasks', stdoutCalls)
  c.report(problems)
  for (const [u, f] of fragments) {
    c.define(() =>
      compileBody(c, {
        name: f.template,
        body: fragmentBody((u as { node: Node }).node),
        inputs: declare(f.imports, () => ({})),
        outputs: f.exports,
        lifted: new Map(f.imports.map((i) => [refKey(i.ref), i.name])),
        path: [...target.path, f.call],
        scope,
      }),
    )
  }
  return template
}

/**
 * A steps or dag template with the calls of `names` whose result it mentions nowhere (a `stdout()` output read
 * after the run, or only through optional chaining, `steps?.['a']?.outputs?.result`, which Argo's test does not
 * see) named in its {@link RESULTS_KEPT} annotation, so that Argo keeps their stdout as their result
 * (result-capture.ts).
 */
const keepingResults = (t: ArgoTemplate, kind: 'steps' | 'tasks', names: ReadonlySet<string>): ArgoTemplate => {
  const json = JSON.stringify(t)
  const unseen = [...names].filter((n) => !mentionsResult(t, kind, n, json))
  if (!unseen.length) return t
  return { ...t, metadata: { ...t.metadata, annotations: { ...t.metadata?.annotations, [RESULTS_KEPT]: unseen.map((n) => `${kind}.${n}.outputs.result`).join(' ') } } }
}

/** What a fragment's template runs: the body of a `when` or `forEach` (the call carries the condition or the items), else the node. */
const fragmentBody = (n: Node): Node => (n._tag === 'When' || n._tag === 'ForEach' ? n.body : n)

/** The tasks of a DAG template, each depending on the units its steps reference or name in `dependsOn`. */
const dagTasks = (
  units: readonly Unit[],
  owner: ReadonlyMap<string, Unit>,
  fragments: ReadonlyMap<Unit, Fragment>,
  callsOf: (u: Unit) => ArgoCall[],
  path: readonly string[],
  problems: Problem[],
): ArgoTask[] => {
  const taskNames = (u: Unit): string[] => {
    const f = fragments.get(u)
    return f ? [f.call] : unitSteps(u).map((s) => s.name)
  }
  // Argo forbids continueOn beside `depends`; the plain `dependencies` list (an AND, all we need) allows it.
  const withContinueOn = units.some((u) => unitSteps(u).some((s) => s.continueOn.failed || s.continueOn.error) && !fragments.has(u))
  const index = new Map(units.map((u, i) => [u, i]))
  return units.flatMap((u) => {
    const inside = new Set(unitSteps(u).map((s) => s.name))
    const deps = new Set<Unit>()
    for (const s of unitSteps(u)) {
      const names = [...refsOfStep(s).flatMap((r) => (r.source.kind === 'step' ? [r.source.step] : [])), ...s.dependsOn, ...(s.depends ? dependsSteps(s.depends) : [])]
      if (u.kind === 'fragment') names.push(...condRefsIn(u.node).flatMap((r) => (r.source.kind === 'step' ? [r.source.step] : [])))
      for (const n of names) {
        const d = owner.get(n)
        if (d && !inside.has(n)) deps.add(d)
      }
    }
    const on = [...deps].sort((a, b) => index.get(a)! - index.get(b)!).flatMap(taskNames)
    const cond = u.kind === 'step' ? u.step.depends : undefined
    if (cond && withContinueOn) problems.push(problem([...path, u.kind === 'step' ? u.step.name : '', 'depends'], 'a dag cannot mix continueOn and depends conditions on Argo', 'name the failure in depends (on(step, "Failed")) instead of continueOn'))
    const taskOf = (n: string) => {
      const d = owner.get(n)
      return d ? taskNames(d)[0]! : n
    }
    const named = new Set(cond ? dependsSteps(cond).map(taskOf) : [])
    return callsOf(u).map((call): ArgoTask => {
      if (/^[0-9]/.test(call.name)) problems.push(problem([...path, call.name], `DAG task name "${call.name}" begins with a digit, which Argo rejects in a DAG`, 'start the step name with a letter'))
      if (cond) {
        const rest = on.filter((n) => !named.has(n))
        const printed = printDepends(cond, taskOf)
        const { name, ...others } = call
        return { name, depends: rest.length ? [...rest, cond._tag === 'Or' ? `(${printed})` : printed].join(' && ') : printed, ...others }
      }
      if (!on.length) return call
      const { name, ...rest } = call
      return withContinueOn ? { name, dependencies: on, ...rest } : { name, depends: on.join(' && '), ...rest }
    })
  })
}
