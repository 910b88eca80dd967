import { codecsCompatible } from './codec.ts'
import { isOptional, type IoSpec } from './io.ts'
import { nameProblems } from './names.ts'
import type { Arg, Node, Step, Template, Workflow } from './node.ts'
import type { Expr } from './expr/ast.ts'
import type { ForEachSource } from './control/source.ts'
import { foldNode } from './node.ts'
import { findCycle } from './cycle.ts'
import { problem, type Problem } from './problem.ts'
import { isRef, type Ref } from './refs.ts'
import { argRefs, isExprArg } from './arg-refs.ts'
import { fnProblems } from './fn/check.ts'
import { scalarsOf } from './script/script.ts'
import { failurePolicyProblems } from './retry.ts'
import { batchProblems, stepBatchProblems } from './batch.ts'
import { cacheProblems } from './cache.ts'
import { thresholdProblems } from './threshold.ts'
import { controlProblems, duplicateKeyProblems } from './control/validate.ts'
import { EXIT_CODE, STATUS, STEP_IP, WORKFLOW_VARS, varsOf } from './expr/ast.ts'
import { typeProblems } from './expr/types.ts'
import { callsOf, rootsOf } from './hooks.ts'
import { ALL_OUTPUTS } from './control/all-outputs.ts'
import { keyRefs } from './control/key.ts'
import { dependsSteps } from './control/depends.ts'
import { refsOfExposed } from './control/output-choice.ts'
import { loopNameProblems, loopsIn } from './control/loop-template.ts'
import { unsupportedHint, type Feature, type ValidateOptions } from './features.ts'

/** What a template body can see while it is checked. */
interface Scope {
  readonly path: readonly string[]
  /** The inputs of the enclosing template (or none at the workflow's top level). */
  readonly inputs: IoSpec
  readonly params: IoSpec
  /** The workflow artifacts this body may read: the workflow's own body reads them all, other bodies none. */
  readonly artifacts: IoSpec
  /** Where this body is, when it cannot read workflow artifacts: `inside template "t"`, `in the exit handler`. */
  readonly elsewhere?: string
  /** The features the interpreter implements (see `dsl/features.ts`). */
  readonly supports: ReadonlySet<Feature>
  /** Every step of this body, by name. */
  readonly steps: ReadonlyMap<string, Step>
  /** The names of the composite `forEach` nodes around this body, outermost first (their items are defined here). */
  readonly loops?: readonly string[]
  /** The workflow outputs the workflow's templates export (`global: NAME` on an output), by name. */
  readonly globals: IoSpec
}

/**
 * The steps that finish before a node starts, asked by name: a view, so that a dag's child or a seq's next
 * child widens what its parent sees without copying it (a copy per child is quadratic in a wide dag).
 */
type Visible = Pick<ReadonlySet<string>, 'has'>
const NONE: Visible = new Set<string>()

/** References from outside a composite forEach to the steps inside it (whose outputs exist once per item). */
const leakProblems = (n: Extract<Node, { _tag: 'ForEach' }>, scope: Scope): Problem[] => {
  const inside = new Set(stepsIn(n.body).map((s) => s.name))
  return [...scope.steps.values()]
    .filter((s) => !inside.has(s.name))
    .flatMap((s) =>
      refsOfStep(s)
        .filter((r) => r.source.kind === 'step' && inside.has(r.source.step))
        .map((r) => problem([...scope.path, s.name], `step "${s.name}" reads an output of "${(r.source as { step: string }).step}", inside forEach "${n.name}"`, 'outputs inside a composite forEach exist once per item: expose them from a subflow and fan out its call instead')),
    )
}

/** All steps of a body, not entering other templates. @example stepsIn(seq(a, par(b, c))) // [a, b, c] */
export const stepsIn: (n: Node) => readonly Step[] = foldNode<readonly Step[]>({
  Step: (s) => [s],
  Seq: (n, go) => n.children.flatMap(go),
  Par: (n, go) => n.children.flatMap(go),
  Dag: (n, go) => n.children.flatMap(go),
  When: (n, go) => go(n.body),
  ForEach: (n, go) => go(n.body),
})

/**
 * The references read by the composite nodes inside a node: the conditions of `when(…)` nodes and the
 * lists of composite `forEach` nodes (steps' own `when` and `forEach` are covered by {@link refsOfStep});
 * `inner` leaves out the node's own.
 *
 * @example
 * ```ts
 * condRefsIn(when(expr`${a.outputs.n} > 1`, seq(b, c))) // [a.outputs.n]
 * ```
 */
export const condRefsIn = (n: Node, inner = false): readonly Ref[] => {
  const own = inner ? [] : n._tag === 'When' ? varsOf(n.cond) : n._tag === 'ForEach' ? sourceRefs(n.source) : []
  const children = n._tag === 'Step' ? [] : n._tag === 'When' || n._tag === 'ForEach' ? [n.body] : n.children
  return [...own, ...children.flatMap((c) => condRefsIn(c))].filter((r) => r.source.kind !== 'item')
}

/** The references a fan-out's list reads: a list-valued reference, a sequence's bounds, or a slice's sliced references. @example sourceRefs({ _tag: 'ItemsFrom', ref: gen.outputs.result }) // [gen.outputs.result] */
export const sourceRefs = (f: ForEachSource): readonly Ref[] =>
  f._tag === 'ItemsFrom'
    ? [f.ref]
    : f._tag === 'Sequence'
      ? [f.sequence.count, f.sequence.start, f.sequence.end].flatMap((v) => (isRef(v) ? [v] : []))
      : f._tag === 'Zip'
        ? Object.values(f.lists).flatMap((v) => (isRef(v) ? [v] : []))
        : f._tag === 'Computed'
          ? f.reads
          : []

/**
 * Every reference a step makes: its arguments, its `when` and its `forEach` list (not the item, which is its own).
 *
 * @example
 * ```ts
 * const a = step('a', producer)
 * refsOfStep(step('b', consumer, { n: a.outputs.n }))  // [a.outputs.n]
 * ```
 */
export const refsOfStep = (s: Step): readonly Ref[] => (<Ref[]>[
  ...Object.values(s.args).flatMap(argRefs),
  ...(s.when ? varsOf(s.when).flatMap((v) => (v._tag === 'ParamRef' ? [v] : [])) : []),
  ...(s.forEach ? sourceRefs(s.forEach) : []),
  ...keyRefs(s.key),
]).filter((r) => r.source.kind !== 'item')

/**
 * The names of the steps a node depends on from outside itself (by reference or `dependsOn`).
 *
 * @example
 * ```ts
 * const a = step('a', producer)
 * externalDeps(seq(step('b', consumer, { n: a.outputs.n })))  // Set { 'a' }
 * ```
 */
export const externalDeps = (n: Node): ReadonlySet<string> => {
  const inside = new Set(stepsIn(n).map((s) => s.name))
  const deps = new Set<string>()
  for (const r of condRefsIn(n)) if (r.source.kind === 'step' && !inside.has(r.source.step)) deps.add(r.source.step)
  for (const s of stepsIn(n)) {
    for (const r of refsOfStep(s)) if (r.source.kind === 'step' && !inside.has(r.source.step)) deps.add(r.source.step)
    for (const d of [...s.dependsOn, ...(s.depends ? dependsSteps(s.depends) : [])]) if (!inside.has(d)) deps.add(d)
  }
  return deps
}

const ioProblems = (io: IoSpec, path: readonly string[]): Problem[] =>
  Object.entries(io).flatMap(([n, s]) => [
    ...nameProblems(s._tag === 'Param' ? 'param' : 'artifact', n, [...path, n]),
    ...(s._tag === 'Param' && s.default && !s.codec.is(s.default.value)
      ? [problem([...path, n], `default ${JSON.stringify(s.default.value)} is not a ${s.codec.name}`, `give a default that ${s.codec.name} accepts`)]
      : []),
  ])

/** An archive on an input (where it means nothing), or a compression level gzip does not have. */
const archiveProblems = (io: IoSpec, path: readonly string[], side: 'inputs' | 'outputs'): Problem[] =>
  Object.entries(io).flatMap(([n, s]) => {
    if (s._tag !== 'Artifact' || s.archive === undefined) return []
    if (side === 'inputs') return [problem([...path, n, 'archive'], 'an input artifact has no archive', 'declare the archive on the output that makes it (an input is unpacked whatever it was)')]
    const level = typeof s.archive === 'object' ? s.archive.tar.compressionLevel : 0
    return Number.isInteger(level) && level >= -1 && level <= 9 ? [] : [problem([...path, n, 'archive'], `compression level ${level} is not one of gzip's`, 'give an integer from -1 (gzip\'s default) to 9 (smallest)')]
  })

const withArticle = (word: string): string => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`

/** Checks a reference used at `path` against what is visible from there. */
const refProblems = (r: Ref, scope: Scope, visible: Visible, path: readonly string[], want?: IoSpec[string]): Problem[] => {
  const kindWord = r._tag === 'ParamRef' ? 'parameter' : 'artifact'
  let target: IoSpec[string] | undefined
  let where: string
  switch (r.source.kind) {
    case 'item':
      return []
    case 'workflow':
      if (r.name in WORKFLOW_VARS) return []
      if (r._tag === 'ArtifactRef') {
        target = scope.artifacts[r.name]
        where = 'workflow artifacts'
        if (!target && scope.elsewhere !== undefined)
          return [problem(path, `workflow artifact "${r.name}" is read ${scope.elsewhere}`, "only the workflow's own body reads workflow artifacts: declare an input artifact and pass the reference as an argument")]
        if (!target) return [problem(path, `no workflow artifact "${r.name}"`, `declare it in workflow(…, { artifacts: { ${r.name}: artifact() } })`)]
        break
      }
      target = scope.params[r.name]
      where = 'workflow parameters'
      if (!target) return [problem(path, `no workflow parameter "${r.name}"`, `declare it in workflow(…, { parameters: { ${r.name}: param(…) } })`)]
      break
    case 'global':
      target = scope.globals[r.name]
      where = 'the workflow outputs'
      if (!target) return [problem(path, `no template of the workflow exports a workflow output "${r.name}"`, `declare it on a template's output: ${r._tag === 'ParamRef' ? 'param(…, { global: NAME })' : 'artifact({ …, global: NAME })'}`)]
      if (target._tag === 'Param' && r._tag === 'ParamRef' && !codecsCompatible(r.codec, target.codec))
        return [problem(path, `workflow output "${r.name}" is exported as ${target.codec.name} but read as ${r.codec.name}`, 'read it with the codec its output declares')]
      break
    case 'input':
      target = scope.inputs[r.name]
      where = 'the inputs of the enclosing template'
      if (!target) return [problem(path, `no input "${r.name}" in ${where}`, 'a reference to an input can only be used inside the template that declares it')]
      break
    case 'step': {
      const from = scope.steps.get(r.source.step)
      if (!from) return [problem(path, `no step "${r.source.step}" in this template`, 'references can only name steps of the same body (pass values into a subflow through its inputs)')]
      if (!visible.has(r.source.step))
        return [problem(path, `step "${r.source.step}" is not upstream of this step`, 'a step can only use outputs of steps that finish before it: order them with seq(…) or use dag(…)')]
      if (r.name === STATUS || r.name === EXIT_CODE || r.name === STEP_IP) return []
      if (r.name === ALL_OUTPUTS) return from.forEach ? [] : [problem(path, `allOutputs(…) of step "${r.source.step}", which is not a forEach`, 'read its outputs one by one')]
      target = (from.template.outputs as IoSpec)[r.name]
      where = `the outputs of step "${r.source.step}"`
      if (!target) return [problem(path, `${where} have no "${r.name}"`, `declared outputs: ${Object.keys(from.template.outputs).join(', ') || 'none'}`)]
      if (from.forEach && target._tag === 'Artifact') {
        // Fan-in: an input declared artifactList() receives every call's artifact (see artifactList()).
        if (want?._tag === 'Artifact' && want.shape === 'list')
          return scope.supports.has('fan-in-artifacts')
            ? []
            : [problem(path, `fan-in of artifact "${r.name}" of fan-out "${r.source.step}" is not supported by this interpreter yet`, unsupportedHint('fan-in-artifacts'))]
        return [
          problem(
            path,
            `artifact "${r.name}" of fan-out "${r.source.step}" has no single value: each call makes its own`,
            "declare the consumer's input with artifactList() to receive them all (list artifacts: one entry per call, in item order); or return a parameter (a fan-out gathers those into a list)",
          ),
        ]
      }
      break
    }
  }
  const kindOf = (s: IoSpec[string]) => (s._tag === 'Param' ? 'parameter' : 'artifact')
  if (kindOf(target) !== kindWord)
    return [problem(path, `"${r.name}" in ${where} is ${withArticle(kindOf(target))}, not ${withArticle(kindWord)}`, 'the reference does not match its declaration: build references with step(…).outputs or the inputs a template receives')]
  if (want && kindOf(want) !== kindWord)
    return [problem(path, `${withArticle(kindWord)} reference cannot feed ${withArticle(kindOf(want))} input`, want._tag === 'Artifact' ? 'pass an artifact output of a step, or localArtifact(path)' : 'pass a value or a parameter output of a step')]
  if (want?._tag === 'Param' && r._tag === 'ParamRef' && !!want.big !== !!r.big)
    return [problem(path, `"${r.name}" is ${r.big ? 'a big' : 'a normal'} parameter but the input is ${want.big ? 'a big' : 'a normal'} one`, 'declare both with bigParam(…) or both with param(…): on Argo a big parameter travels as an artifact')]
  if (want?._tag === 'Param' && r._tag === 'ParamRef' && !codecsCompatible(r.codec, want.codec))
    return [problem(path, `"${r.name}" is a ${r.codec.name} but the input expects ${want.codec.name}`, 'convert the value in a step, or change one of the declarations')]
  return []
}

const argProblems = (s: Step, scope: Scope, visible: Visible, path: readonly string[]): Problem[] => {
  const inputs = s.template.inputs as IoSpec
  const given = Object.entries(s.args) as [string, Arg][]
  return [
    ...given.flatMap(([name, value]) => {
      const p = [...path, 'args', name]
      const want = inputs[name]
      if (!want) return [problem(p, `template "${s.template.name}" has no input "${name}"`, `its inputs: ${Object.keys(inputs).join(', ') || 'none'}`)]
      if (isRef(value)) return refProblems(value, scope, visible, p, want)
      if (isExprArg(value))
        return want._tag === 'Artifact'
          ? [problem(p, `input "${name}" is an artifact`, 'an expression gives a parameter')]
          : [...argRefs(value).flatMap((r) => refProblems(r, scope, visible, p, undefined)), ...typeProblems(value as Expr).map((m) => problem(p, m))]
      if (want._tag === 'Artifact') {
        const isLocal = typeof value === 'object' && value !== null && (value as { _tag?: string })._tag === 'LocalArtifact'
        return isLocal ? [] : [problem(p, `input "${name}" is an artifact`, 'pass a step output artifact or localArtifact(path)')]
      }
      return want.codec.is(value) ? [] : [problem(p, `${JSON.stringify(value)} is not a ${want.codec.name}`, `pass a value that ${want.codec.name} accepts`)]
    }),
    ...Object.entries(inputs)
      .filter(([name, spec]) => !(name in s.args) && !isOptional(spec))
      .map(([name]) => problem([...path, 'args', name], `missing argument "${name}" of template "${s.template.name}"`, 'pass it, or give the input a default')),
  ]
}

/** Checks a body under `scope`; `visible` holds the names of the steps that finish before it starts. */
const nodeProblems = (node: Node, scope: Scope, visible: Visible): Problem[] => {
  switch (node._tag) {
    case 'Step': {
      const path = [...scope.path, node.name]
      return [
        ...nameProblems('step', node.name, path),
        ...(typeof node.key === 'string' ? nameProblems('key', node.key, [...path, 'key']) : []),
        ...failurePolicyProblems(node, path),
        ...stepBatchProblems(node.batch, path),
        ...(node.template._tag === 'Subflow' && node.batch ? [problem([...path, 'batch'], 'batch settings apply to leaf steps only', 'set them on the steps inside the sub-workflow')] : []),
        ...thresholdProblems(node, path),
        ...(node.template._tag === 'Subflow' && (node.retry || node.timeout)
          ? [
              node.retry
                ? problem([...path, 'retry'], 'a call of a sub-workflow takes its retries from the sub-workflow', `set retry on subflow "${node.template.name}" (subflow({ …, retry }))`)
                : problem([...path, 'timeout'], 'timeouts apply to leaf steps only (Argo enforces a template timeout on pods, not on steps or dag templates)', 'set them on the steps inside the sub-workflow'),
            ]
          : []),
        ...node.dependsOn.flatMap((d) =>
          scope.steps.has(d) && visible.has(d)
            ? []
            : [problem([...path, 'dependsOn'], `"${d}" is not a step that can run before this one`, scope.steps.has(d) ? 'dependsOn can only name other steps of the same dag or steps before it' : 'name a step of the same body (to wait for a forEach, pass the node itself: dependsOn: [node])')],
        ),
        ...argProblems(node, scope, visible, path),
        ...controlProblems(node, scope, visible, path),
        ...sliceArtifactSupport(node, scope.supports, path),
        // an exit hook runs after its step: it may read the step's own outputs
        ...(node.onExit ? argProblems(node.onExit, scope, { has: (d) => d === node.name || visible.has(d) }, [...path, 'onExit', node.onExit.name]) : []),
        ...hookProblems(node, scope, visible, path),
      ]
    }
    case 'Seq': {
      // each child is checked before the steps of the next are added, so a child sees only those before it
      const seen = new Set<string>()
      const before: Visible = { has: (d) => seen.has(d) || visible.has(d) }
      return node.children.flatMap((c) => {
        const ps = nodeProblems(c, scope, before)
        for (const s of stepsIn(c)) seen.add(s.name)
        return ps
      })
    }
    case 'Par':
      return [...thresholdProblems(node, scope.path), ...node.children.flatMap((c) => nodeProblems(c, scope, visible))]
    case 'ForEach':
      return [
        ...sourceRefs(node.source).flatMap((r) => refProblems(r, scope, visible, [...scope.path, node.name, 'forEach'])),
        ...nodeProblems(node.body, { ...scope, path: [...scope.path, node.name], loops: [...(scope.loops ?? []), node.name] }, visible),
        ...leakProblems(node, scope),
      ]
    case 'When':
      return [
        ...varsOf(node.cond).flatMap((r) => refProblems(r, scope, visible, [...scope.path, 'when'])),
        ...nodeProblems(node.body, scope, visible),
      ]
    case 'Dag': {
      // A child sees the steps of the other children (cycles among them are found below); its own steps are
      // ordered by the child itself, so a step never sees itself and par siblings never see each other.
      const owner = ownerOf(node.children)
      return [
        ...node.children.flatMap((c, i) => nodeProblems(c, scope, { has: (d) => visible.has(d) || (owner.has(d) && owner.get(d) !== i) })),
        ...cycleProblems(node.children, owner, scope.path),
      ]
    }
  }
}

/** For each step name of a dag, the index of the child holding it (-1 when two children hold it: a duplicate). */
const ownerOf = (children: readonly Node[]): ReadonlyMap<string, number> => {
  const owner = new Map<string, number>()
  children.forEach((c, i) => stepsIn(c).forEach((s) => owner.set(s.name, (owner.get(s.name) ?? i) === i ? i : -1)))
  return owner
}

/** Finds a dependency cycle among the children of a dag. */
const cycleProblems = (children: readonly Node[], owner: ReadonlyMap<string, number>, path: readonly string[]): Problem[] => {
  const edges = children.map((c) => [...externalDeps(c)].map((d) => owner.get(d)).filter((i): i is number => i !== undefined && i >= 0))
  const label = (i: number) => stepsIn(children[i]!).map((s) => s.name).join('+')
  const cycle = findCycle(children.length, (i) => edges[i]!)
  return cycle ? [problem(path, `dependency cycle: ${[...cycle, cycle[0]!].map(label).join(' -> ')}`, 'remove one of the references or dependsOn entries')] : []
}

const duplicateStepProblems = (body: Node, path: readonly string[]): Problem[] => {
  const seen = new Set<string>()
  const steps = stepsIn(body).flatMap((s) => {
    if (!seen.has(s.name)) return (seen.add(s.name), [])
    return [problem([...path, s.name], `two steps are named "${s.name}" in the same body`, 'step names must be unique within a template')]
  })
  // A composite forEach is recorded (and called on Argo) by its name, beside the steps.
  const loops = loopsIn(body).flatMap((n) => (seen.has(n.name) ? [problem([...path, n.name], `a step and a forEach are named "${n.name}" in the same body`, 'give the forEach another name')] : []))
  return [...steps, ...loops]
}

/**
 * Every template reachable from a body (templates called by steps, recursively), in first-use order.
 *
 * @example
 * ```ts
 * templatesOf(seq(step('a', hello), step('b', hello)))  // [hello]
 * ```
 */
export const templatesOf = (body: Node): readonly Template[] => {
  // A set, in first-call order: a workflow of many distinct templates stays linear.
  const out = new Set<Template>()
  const visit = (n: Node) => {
    for (const s of stepsIn(n).flatMap(callsOf)) {
      if (out.has(s.template)) continue
      out.add(s.template)
      if (s.template._tag === 'Subflow') visit(s.template.body)
    }
  }
  visit(body)
  return [...out]
}

/**
 * A step's lifecycle hooks: on a fan-out only where the interpreter runs them per call (the feature
 * `fan-out-hooks`); each hook's condition and arguments may read the step itself (its status,
 * as it runs) and what the step may read.
 */
const hookProblems = (node: Step, scope: Scope, visible: Visible, path: readonly string[]): Problem[] => {
  if (!node.hooks?.length) return []
  if (node.forEach && !scope.supports.has('fan-out-hooks')) return [problem([...path, 'hooks'], 'lifecycle hooks on a forEach step are not supported by this interpreter', unsupportedHint('fan-out-hooks'))]
  const seen: Visible = { has: (d) => d === node.name || visible.has(d) }
  // a fan-out's hooks run for each call: they may read its item
  const inner: Scope = node.forEach ? { ...scope, loops: [...(scope.loops ?? []), node.name] } : scope
  return node.hooks.flatMap((h) => {
    const at = [...path, 'hooks', h.name]
    return [...argProblems(h.run, inner, seen, at), ...controlProblems({ ...h.run, when: h.when }, inner, seen, at)]
  })
}

/** A slice of a list artifact, refused by an interpreter that does not slice artifacts (see `dsl/features.ts`). */
const sliceArtifactSupport = (s: Step, supports: ReadonlySet<Feature>, path: readonly string[]): Problem[] =>
  s.forEach?._tag === 'Zip' && !supports.has('slice-artifacts')
    ? Object.entries(s.forEach.lists).flatMap(([name, v]) =>
        isRef(v) && v._tag === 'ArtifactRef' ? [problem([...path, 'slice', name], `a slice of list artifact "${name}" is not supported by this interpreter yet`, unsupportedHint('slice-artifacts'))] : [],
      )
    : []

const templateProblems = (t: Template, params: IoSpec, globals: IoSpec, supports: ReadonlySet<Feature>): Problem[] => {
  const path = ['templates', t.name]
  const common = [
    ...nameProblems('template', t.name, path),
    ...ioProblems(t.inputs, [...path, 'inputs']),
    ...ioProblems(t.outputs, [...path, 'outputs']),
    ...archiveProblems(t.inputs, [...path, 'inputs'], 'inputs'),
    ...archiveProblems(t.outputs, [...path, 'outputs'], 'outputs'),
  ]
  if (t._tag === 'FnTemplate') return [...common, ...batchProblems(t.batch, path), ...failurePolicyProblems(t, path), ...cacheProblems(t, path), ...fnProblems(t, path)]
  if (t._tag === 'ScriptTemplate') {
    const holes = scalarsOf(t.source).flatMap((v, i) =>
      isRef(v) && (v.source.kind === 'step' || v.source.kind === 'global')
        ? [problem([...path, 'script', `hole ${i}`], v.source.kind === 'step' ? `a script cannot use step "${v.source.step}" directly` : `a script cannot read workflow output "${v.name}" directly`, 'declare an input and pass the reference as an argument')]
        : isRef(v) && v.source.kind === 'workflow' && v._tag === 'ArtifactRef'
          ? [problem([...path, 'script', `hole ${i}`], `a script cannot read workflow artifact "${v.name}" directly`, 'declare an input artifact and pass the reference as an argument')]
        : isRef(v) && v.source.kind === 'workflow' && !params[v.name] && !(v.name in WORKFLOW_VARS)
          ? [problem([...path, 'script', `hole ${i}`], `no workflow parameter "${v.name}"`, `declare it in workflow(…, { parameters: { ${v.name}: param(…) } })`)]
          : [],
    )
    return [...common, ...batchProblems(t.batch, path), ...failurePolicyProblems(t, path), ...cacheProblems(t, path), ...holes]
  }
  const scope: Scope = { path, inputs: t.inputs, params, globals, artifacts: {}, elsewhere: `inside template "${t.name}"`, supports, steps: new Map(stepsIn(t.body).map((s) => [s.name, s])) }
  const all = new Set(scope.steps.keys())
  return [
    ...common,
    ...(t.retry ? failurePolicyProblems({ retry: t.retry }, path) : []),
    // A composite attempt has no exit code (Argo's lastRetry.exitCode is -1 for it), which OnTransientError reads.
    ...(t.retry?.policy === 'OnTransientError' ? [problem([...path, 'retry', 'policy'], 'a sub-workflow has no exit code, which OnTransientError reads', "use 'OnFailure', 'OnError' or 'Always', or an expression on lastRetry.status")] : []),
    ...duplicateStepProblems(t.body, path),
    ...nodeProblems(t.body, scope, NONE),
    ...Object.entries(t.exposes).flatMap(([name, x]) => refsOfExposed(x).flatMap((r) => refProblems(r, scope, all, [...path, 'outputs', name]))),
  ]
}

/**
 * The workflow outputs the templates export, by name (the first declaration of each), and the problems: a
 * name exported both as a parameter and as an artifact, or one that is not a valid parameter name.
 */
const globalsOf = (templates: readonly Template[]): { specs: IoSpec; problems: Problem[] } => {
  const specs: Record<string, IoSpec[string]> = {}
  const problems: Problem[] = []
  for (const t of templates)
    for (const [n, s] of Object.entries(t.outputs as IoSpec)) {
      if (s.global === undefined) continue
      const at = ['templates', t.name, 'outputs', n, 'global']
      if (s._tag === 'Param' && s.big) problems.push(problem(at, 'a big parameter cannot be a workflow output', 'export a normal parameter, or the file as an artifact'))
      if (!/^[A-Za-z0-9_-]+$/.test(s.global)) problems.push(problem(at, `workflow output name "${s.global}" is not a valid name`, 'use letters, digits, "-" and "_"'))
      const prev = specs[s.global]
      if (prev && prev._tag !== s._tag) problems.push(problem(at, `workflow output "${s.global}" is exported both as a parameter and as an artifact`, 'give the two exports different names'))
      else if (!prev) specs[s.global] = s
    }
  return { specs, problems }
}

/** Workflow artifacts: valid names, none shared with a parameter, no path or archive (they mean nothing there); and the interpreter must support them. */
const workflowArtifactProblems = (wf: Workflow, supports: ReadonlySet<Feature>): Problem[] => {
  const declared = Object.entries(wf.artifacts ?? {})
  if (!declared.length) return []
  const path = [wf.name, 'artifacts']
  return [
    ...(supports.has('workflow-artifacts') ? [] : [problem(path, 'workflow artifacts are not supported by this interpreter yet', unsupportedHint('workflow-artifacts'))]),
    ...ioProblems(Object.fromEntries(declared), path),
    ...declared.flatMap(([n, s]) => [
      ...(s._tag !== 'Artifact' ? [problem([...path, n], `"${n}" is not an artifact`, 'declare workflow parameters under parameters, artifacts under artifacts')] : []),
      ...(n in wf.parameters ? [problem([...path, n], `"${n}" is both a workflow parameter and a workflow artifact`, 'give them different names: the body receives both in one record')] : []),
      ...(s.path !== undefined || s.archive !== undefined ? [problem([...path, n], `a workflow artifact has no ${s.path !== undefined ? 'path' : 'archive'}`, 'declare it with artifact() (the steps that read it declare where)')] : []),
    ]),
  ]
}

/**
 * Checks a workflow and returns every problem at once, each with its path and a hint: Argo's name rules,
 * duplicate names, references to steps that are not upstream, unknown inputs and outputs, missing
 * arguments, values and references whose codec does not fit, dependency cycles in a dag; and the features
 * the interpreter does not implement (`options.supports`, see `dsl/features.ts`).
 *
 * @example
 * ```ts
 * validate(workflow('Bad_Name', step('a', hello)))
 * // [{ path: ['Bad_Name'], message: 'workflow name "Bad_Name" must match …', … }]
 * validate(wf, { supports: ALL_FEATURES }) // what the Argo compiler checks
 * ```
 */
export const validate = (wf: Workflow, options: ValidateOptions = {}): readonly Problem[] => {
  const supports = new Set(options.supports ?? [])
  const path = [wf.name]
  const templates = [...new Set(rootsOf(wf).flatMap(templatesOf))]
  const byName = new Map<string, Template>()
  const dupTemplates = templates.flatMap((t) => {
    const prev = byName.get(t.name)
    byName.set(t.name, t)
    return prev && prev !== t
      ? [problem(['templates', t.name], `two different templates are named "${t.name}"`, 'give each template its own name (a template reused by many steps is fine)')]
      : []
  })
  const globals = globalsOf(templates)
  const scope: Scope = { path, inputs: {}, params: wf.parameters, globals: globals.specs, artifacts: wf.artifacts ?? {}, supports, steps: new Map(stepsIn(wf.body).map((s) => [s.name, s])) }
  return [
    ...nameProblems('workflow', wf.name, path),
    ...ioProblems(wf.parameters, [...path, 'parameters']),
    ...workflowArtifactProblems(wf, supports),
    ...(wf.parallelism !== undefined && !(Number.isInteger(wf.parallelism) && wf.parallelism > 0)
      ? [problem([...path, 'parallelism'], `parallelism must be a positive integer, got ${wf.parallelism}`, 'leave it out for no limit')]
      : []),
    ...dupTemplates,
    ...globals.problems,
    ...templates.flatMap((t) => templateProblems(t, wf.parameters, globals.specs, supports)),
    ...duplicateStepProblems(wf.body, path),
    ...loopNameProblems([...rootsOf(wf), ...templates.flatMap((t) => (t._tag === 'Subflow' ? [t.body] : []))], [wf.name, ...templates.map((t) => t.name)], path),
    ...nodeProblems(wf.body, scope, NONE),
    ...duplicateKeyProblems([wf.body, ...templates.flatMap((t) => (t._tag === 'Subflow' ? [t.body] : []))].flatMap(stepsIn).filter((s) => !s.forEach)),
    ...(wf.onExit ? nodeProblems(wf.onExit, { ...scope, path: [...path, 'onExit'], artifacts: {}, elsewhere: 'in the exit handler', steps: new Map(stepsIn(wf.onExit).map((s) => [s.name, s])) }, NONE) : []),
    // a workflow hook reads the workflow's parameters and status (its condition), as the exit handler does
    ...(wf.hooks ?? []).flatMap((h) => {
      const at = [...path, 'hooks', h.name]
      const hs = { ...scope, path: at, artifacts: {}, elsewhere: 'in a workflow hook', steps: new Map(stepsIn(h.run).map((s) => [s.name, s])) }
      return [...nodeProblems(h.run, hs, NONE), ...controlProblems({ ...h.run, when: h.when }, hs, NONE, at)]
    }),
  ]
}
