import type { IoSpec } from '../io.ts'
import type { Step } from '../node.ts'
import { problem, type Problem } from '../problem.ts'
import { isRef, type Ref } from '../refs.ts'
import { varsOf, WORKFLOW_VARS } from '../expr/ast.ts'
import { dependsSteps } from './depends.ts'
import { argRefs } from '../arg-refs.ts'

/** What {@link controlProblems} needs to know of the body around a step. @example const s: ControlScope = { steps: new Map(), inputs: {}, params: {} } */
export interface ControlScope {
  readonly steps: ReadonlyMap<string, Step>
  readonly inputs: IoSpec
  readonly params: IoSpec
  /** The names of the composite `forEach` nodes around the step (their items are defined there). */
  readonly loops?: readonly string[]
}

const usesItem = (r: Ref): boolean => r.source.kind === 'item'

/**
 * Checks a step's control flow: references in its `when` and its `forEach` list name steps that run before
 * it; `item` is only used in a fan-out; a subflow's `parallelism` is a positive integer.
 *
 * @example
 * ```ts
 * controlProblems(step('a', t, { x: itemRef(t.string) }), scope, new Set(), ['wf', 'a'])
 * // [problem: "item" is only defined inside forEach]
 * ```
 */
export const controlProblems = (s: Step, scope: ControlScope, visible: Pick<ReadonlySet<string>, 'has'>, path: readonly string[]): Problem[] => {
  const problems: Problem[] = []
  const stepVisible = (name: string, where: readonly string[]) => {
    if (!scope.steps.has(name) || !visible.has(name))
      problems.push(problem(where, `step "${name}" is not upstream of this step`, 'a condition can only read steps that finish before it'))
  }
  const loops = [...(scope.loops ?? []), ...(s.forEach ? [s.name] : [])]
  const hasItem = loops.length > 0
  if (!hasItem && Object.values(s.args).flatMap(argRefs).some(usesItem))
    problems.push(problem([...path, 'args'], '"item" is only defined inside forEach', 'build the step in the body of forEach(items, (item) => step(…))'))
  const outside = (r: Ref) => r.source.kind === 'item' && r.source.loop !== undefined && !loops.includes(r.source.loop)
  for (const [name, arg] of Object.entries(s.args))
    for (const a of argRefs(arg))
      if (outside(a)) problems.push(problem([...path, 'args', name], `the item of forEach "${(a.source as { loop: string }).loop}" is read outside that forEach`, 'read an item only in the body of the forEach that gives it'))
  for (const v of s.when ? varsOf(s.when) : []) {
    const where = [...path, 'when']
    if (v._tag === 'ParamRef') {
      if (v.source.kind === 'step') stepVisible(v.source.step, where)
      if (v.source.kind === 'input' && !scope.inputs[v.name]) problems.push(problem(where, `no input "${v.name}"`))
      if (v.source.kind === 'workflow' && !scope.params[v.name] && !(v.name in WORKFLOW_VARS)) problems.push(problem(where, `no workflow parameter "${v.name}"`))
      if (v.source.kind === 'item' && !hasItem) problems.push(problem(where, '"item" is only defined inside forEach'))
    }
  }
  for (const d of s.depends ? dependsSteps(s.depends) : []) stepVisible(d, [...path, 'depends'])
  if (s.forEach?._tag === 'ItemsFrom' && s.forEach.ref.source.kind === 'step') stepVisible(s.forEach.ref.source.step, [...path, 'forEach'])
  if (s.forEach?._tag === 'Computed') for (const r of s.forEach.reads) if (r.source.kind === 'step') stepVisible(r.source.step, [...path, 'forEach'])
  if (s.forEach?._tag === 'Zip')
    for (const [name, v] of Object.entries(s.forEach.lists)) {
      if (isRef(v) && v.source.kind === 'step') stepVisible(v.source.step, [...path, 'slice', name])
      if (isRef(v) && v._tag === 'ArtifactRef') problems.push(...slicedArtifactProblems(v, scope, [...path, 'slice', name]))
    }
  const sq = s.forEach?._tag === 'Sequence' ? s.forEach.sequence : undefined
  if (sq && (sq.count === undefined) === (sq.end === undefined))
    problems.push(problem([...path, 'forEach'], 'a sequence takes either count or end', 'sequence({ count: 5 }) or sequence({ start: 1, end: 5 })'))
  const par = s.template._tag === 'Subflow' ? s.template.parallelism : undefined
  if (par !== undefined && !(Number.isInteger(par) && par > 0))
    problems.push(problem(['templates', s.template.name, 'parallelism'], `parallelism must be a positive integer, got ${par}`))
  return problems
}

/**
 * A sliced list artifact's producer, where it is known (a step's output): each call stages only its part
 * (dflow's `sub_path`), so the output must be stored unarchived — a tar archive has no parts to fetch.
 */
const slicedArtifactProblems = (v: Ref, scope: ControlScope, where: readonly string[]): Problem[] => {
  if (v.source.kind !== 'step') return []
  const producer = scope.steps.get(v.source.step)
  const spec = (producer?.template.outputs as IoSpec | undefined)?.[v.name]
  // A fan-out's output is its calls' artifacts stacked, which every store keeps unarchived.
  if (spec?._tag !== 'Artifact' || spec.archive === 'none' || producer!.forEach !== undefined) return []
  const how = spec.archive === undefined ? 'tar, the default' : 'tar'
  return [
    problem(
      [...where, 'archive'],
      `"${v.name}" of step "${v.source.step}" is archived (${how}): each slice stages only its own part of it, which an archive does not have`,
      `declare output "${v.name}" of "${producer!.template.name}" with archive: 'none' (artifactList({ archive: 'none' }))`,
    ),
  ]
}

/**
 * Literal keys used twice (keys are unique within a run; built keys are checked when the run makes them).
 *
 * @example
 * ```ts
 * duplicateKeyProblems([step('a', t, {}, { key: 'k' }), step('b', t, {}, { key: 'k' })]) // [problem: key "k" is used by a and b]
 * ```
 */
export const duplicateKeyProblems = (steps: readonly Step[]): Problem[] => {
  const holders = new Map<string, string[]>()
  for (const s of steps) if (typeof s.key === 'string') holders.set(s.key, [...(holders.get(s.key) ?? []), s.name])
  return [...holders].flatMap(([k, names]) =>
    names.length > 1 ? [problem(['keys', k], `key "${k}" is used by ${names.join(' and ')}`, 'keys are unique within a run: build them from inputs or the item, key`iter-${i}`')] : [],
  )
}
