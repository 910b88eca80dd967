import { foldNode, isRef, problem, stepsIn, type IoSpec, type Node, type Problem, type Ref, type Step } from 'dflow-ts'
import type { ArgoCall, ArgoTemplate } from './manifest.ts'
import type { ResolvedOptions } from './options.ts'
import { s3Location } from './repository.ts'
import { accessPath } from './expr-print.ts'
import { tag } from './tags.ts'
import { enumeratedZip } from './slice.ts'

/*
 * Fan-in of artifacts on Argo. Argo neither gathers a fan-out's output artifacts nor tells a call its item
 * index, so the compiler does both, with key-only (or inline) S3 artifacts as dflow does:
 *
 * - the fan-out iterates over its items enumerated: each item becomes `{dflow-index, dflow-item, …fields
 *   the body reads}` (a literal list or sequence at compile time, a reference's list by an expression), and
 *   the call passes `dflow-index` and its group's key prefix to the template;
 * - the called leaf template (a variant of it) writes each gathered output unarchived at
 *   `{{workflow.name}}/dflow-fan-in/SCOPE/STEP/ARTIFACT/INDEX`;
 * - the consumer's input artifact is the key prefix `…/STEP/ARTIFACT`: Argo fetches it as a folder with one
 *   entry per call that left the artifact, named by its index (a function OP reads it as the list of its
 *   entries in index order).
 *
 * SCOPE is the template whose body holds both steps (the workflow's entry template or a sub-workflow), so a
 * key prefix is unique only when that body runs once per workflow: a fan-in in a sub-workflow called more
 * than once, from a fan-out or inside a composite forEach is a compile problem.
 */

/** The input parameters of a gathering template variant: its group's key prefix and the call's index. @example FAN_IN_PREFIX // 'dflow-fan-in' */
export const FAN_IN_PREFIX = 'dflow-fan-in'
/** @example FAN_IN_INDEX // 'dflow-index' */
export const FAN_IN_INDEX = 'dflow-index'
/** The field of an enumerated item holding the item itself. @example ITEM_FIELD // 'dflow-item' */
const ITEM_FIELD = 'dflow-item'

/** Which fan-outs of a body are gathered, and which of their artifacts. @example fanInsOf(seq(fan, join)) // Map { 'mk' => Set { 'f' } } */
export const fanInsOf = (body: Node): ReadonlyMap<string, ReadonlySet<string>> => {
  const steps = stepsIn(body)
  const named = new Map(steps.map((s) => [s.name, s]))
  const out = new Map<string, Set<string>>()
  for (const s of steps)
    for (const [input, v] of Object.entries(s.args)) {
      if (!isRef(v) || v._tag !== 'ArtifactRef' || v.source.kind !== 'step') continue
      const spec = (s.template.inputs as IoSpec)[input]
      if (!named.get(v.source.step)?.forEach || spec?._tag !== 'Artifact' || spec.shape !== 'list') continue
      out.set(v.source.step, (out.get(v.source.step) ?? new Set()).add(v.name))
    }
  return out
}

/** The names of the steps inside composite forEach nodes of a body (they run once per item). @example stepsInLoops(forEach(xs, (x) => seq(a, b), { name: 'l' })) // Set { 'a', 'b' } */
export const stepsInLoops: (n: Node) => ReadonlySet<string> = (n) =>
  new Set(
    foldNode<readonly string[]>({
      Step: () => [],
      Seq: (x, go) => x.children.flatMap(go),
      Par: (x, go) => x.children.flatMap(go),
      Dag: (x, go) => x.children.flatMap(go),
      When: (x, go) => go(x.body),
      ForEach: (x) => stepsIn(x.body).map((s) => s.name),
    })(n),
  )

/** What a body compiles gathered fan-outs with: its scope's name and its gathered artifacts. @example { name: 'main', fanIns, loopSteps, once: true } */
export interface FanInScope {
  readonly name: string
  readonly fanIns: ReadonlyMap<string, ReadonlySet<string>>
  /** Steps inside composite forEach nodes. */
  readonly loopSteps: ReadonlySet<string>
  /** Whether the scope's body runs once per workflow. */
  readonly once: boolean
}

/** The key prefix of a gathered fan-out's group. @example groupKey('main', 'mk') // '{{workflow.name}}/dflow-fan-in/main/mk' */
const groupKey = (scope: string, step: string): string => `${tag('workflow.name')}/${FAN_IN_PREFIX}/${scope}/${step}`

/** The key prefix under which the calls of a gathered fan-out leave an artifact. @example fanInKey('main', 'mk', 'f') // '{{workflow.name}}/dflow-fan-in/main/mk/f' */
export const fanInKey = (scope: string, step: string, artifact: string): string => `${groupKey(scope, step)}/${artifact}`

/** Whether a reference reads a gathered fan-out's artifact. @example isFanInRef(scope, fan.outputs.f) // true */
export const isFanInRef = (scope: FanInScope | undefined, r: Ref): boolean =>
  r._tag === 'ArtifactRef' && r.source.kind === 'step' && scope?.fanIns.get(r.source.step)?.has(r.name) === true

/**
 * The argument of a consumer reading a gathered artifact: the key prefix, as an S3 artifact location.
 *
 * @example
 * ```ts
 * fanInArgument(o, scope, fan.outputs.f, path) // { fields: { s3: { key: '{{workflow.name}}/dflow-fan-in/main/mk/f' } }, problems: [] }
 * ```
 */
export const fanInArgument = (o: ResolvedOptions, scope: FanInScope, r: Ref, path: readonly string[]) =>
  s3Location(o, { key: fanInKey(scope.name, (r.source as { step: string }).step, r.name) }, path)

/**
 * The variant of a leaf template that a gathered fan-out calls: it takes its group's key prefix and its
 * index, and writes each gathered output unarchived under `PREFIX/ARTIFACT/INDEX`. A grouped slice's
 * template (`grouped`) takes the prefix only: its artifact is already a folder of entries named by slice
 * index, written under `PREFIX/ARTIFACT`, where the groups' entries meet.
 *
 * @example
 * ```ts
 * gathering(template, ['f'], o).outputs.artifacts[0].s3.key // '{{inputs.parameters.dflow-fan-in}}/f/{{inputs.parameters.dflow-index}}'
 * ```
 */
export const gathering = (t: ArgoTemplate, names: readonly string[], o: ResolvedOptions, grouped = false): ArgoTemplate => ({
  ...t,
  inputs: {
    ...t.inputs,
    parameters: [...(t.inputs?.parameters ?? []), { name: FAN_IN_PREFIX }, ...(grouped ? [] : [{ name: FAN_IN_INDEX }])],
  },
  outputs: {
    ...t.outputs,
    artifacts: (t.outputs?.artifacts ?? []).map((a) =>
      names.includes(a.name) ? { ...a, archive: { none: {} }, ...s3Location(o, { key: `${tag(`inputs.parameters.${FAN_IN_PREFIX}`)}/${a.name}${grouped ? '' : `/${tag(`inputs.parameters.${FAN_IN_INDEX}`)}`}` }, []).fields } : a,
    ),
  },
})

const textOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** The item fields (paths) a fan-out step's arguments read of its own item. */
const itemFields = (s: Step): readonly (readonly string[])[] => {
  const seen = new Map<string, readonly string[]>()
  for (const v of Object.values(s.args)) if (isRef(v) && v.source.kind === 'item' && v.source.loop === s.name && v.source.path.length) seen.set(v.source.path.join('.'), v.source.path)
  return [...seen.values()]
}

const fieldOf = (v: unknown, path: readonly string[]): unknown => path.reduce<unknown>((x, k) => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[k] : undefined), v)

/**
 * The loop of a gathered fan-out, enumerated so that each call knows its index: the call's `withItems` or
 * `withParam`, and how its own item references read (`{{item.dflow-item}}`, `{{item.FIELD}}`), or a
 * problem when Argo could not enumerate it.
 *
 * @example
 * ```ts
 * enumeratedLoop(fanOverAB, resolve, path).fields // { withItems: [{ 'dflow-index': '0', 'dflow-item': 'a' }, { 'dflow-index': '1', 'dflow-item': 'b' }] }
 * ```
 */
export const enumeratedLoop = (
  s: Step,
  resolve: (r: Ref, path: readonly string[]) => string,
  path: readonly string[],
): { readonly fields: Partial<ArgoCall>; readonly problems: readonly Problem[] } => {
  const f = s.forEach!
  const fields = itemFields(s)
  const enumerate = (items: readonly unknown[]) =>
    items.map((x, i) => ({ [FAN_IN_INDEX]: String(i), [ITEM_FIELD]: textOf(x), ...Object.fromEntries(fields.map((p) => [p.join('.'), textOf(fieldOf(x, p))])) }))
  if (f._tag === 'Items') return { fields: { withItems: enumerate(f.items) }, problems: [] }
  if (f._tag === 'Sequence') {
    const { count, start, end, format } = f.sequence
    const literal = (v: unknown): v is number | undefined => v === undefined || typeof v === 'number'
    if (format !== undefined || !literal(count) || !literal(start) || !literal(end))
      return {
        fields: {},
        problems: [problem([...path, 'forEach'], 'on Argo a gathered fan-out over a sequence needs literal numbers and no format', 'give count/start/end as numbers, or fan out over a list')],
      }
    const from = start ?? 0
    const to = count !== undefined ? from + count - 1 : (end ?? from)
    const n = count !== undefined ? count : Math.abs(to - from) + 1
    const step = count !== undefined || to >= from ? 1 : -1
    return { fields: { withItems: enumerate(Array.from({ length: Math.max(0, n) }, (_, i) => String(from + i * step))) }, problems: [] }
  }
  if (f._tag === 'Computed') return { fields: {}, problems: [problem([...path, 'forEach'], `the list computed by ${f.text} (an imported withParam) does not compile to Argo`)] }
  if (f._tag === 'Zip') return { fields: enumeratedZip(f.lists, fields, enumerate, { resolve, prefix: 'steps', path }, { index: FAN_IN_INDEX, item: ITEM_FIELD }), problems: [] }
  // A reference's list, enumerated when the call is expanded: the expression builds the same objects.
  const list = `jsonpath(${accessPath(resolve(f.ref, [...path, 'forEach']).replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, ''))}, '$')`
  const quoted = (k: string) => `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  const entries = [`${quoted(FAN_IN_INDEX)}: string(#)`, `${quoted(ITEM_FIELD)}: ${list}[#]`, ...fields.map((p) => `${quoted(p.join('.'))}: ${list}[#]${p.map((k) => `[${quoted(k)}]`).join('')}`)]
  return { fields: { withParam: `{{=toJson(map(0..(len(${list}) - 1), { {${entries.join(', ')}} }))}}` }, problems: [] }
}

/** How a gathered fan-out's arguments read its own item: the enumerated item's fields. @example enumeratedItem(itemRef) // '{{item.dflow-item}}' */
export const enumeratedItem = (r: Ref): string => tag(`item.${r.source.kind === 'item' && r.source.path.length ? r.source.path.join('.') : ITEM_FIELD}`)

/** The arguments a gathered fan-out's call adds: its group's key prefix and its index (a grouped slice's call: the prefix only). @example fanInArguments('main', 'mk') */
export const fanInArguments = (scope: string, step: string, grouped = false) => [
  { name: FAN_IN_PREFIX, value: groupKey(scope, step) },
  ...(grouped ? [] : [{ name: FAN_IN_INDEX, value: tag(`item.${FAN_IN_INDEX}`) }]),
]
