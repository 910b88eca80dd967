import { foldNode, stepsIn, type Node, type NodeCases, type Step, type SuccessThreshold } from 'dflow-ts'

/**
 * What a steps or DAG template calls: one step; (in a DAG) a `par` of steps, flattened into tasks that all
 * start together and that dependents all wait for; or a fragment of the body that Argo cannot express
 * inline (a `seq` inside a `par`, a `dag` inside a `seq`, a `when(…)` around a composite node, …), which
 * becomes a generated template (called under `when` for a `when(…)` node).
 *
 * @example
 * ```ts
 * shapeOf(seq(a, par(b, seq(c, d))))
 * // { kind: 'steps', groups: [[{ kind: 'step', step: a }], [{ kind: 'step', step: b }, { kind: 'fragment', node: seq(c, d) }]] }
 * ```
 */
export type Unit =
  | { readonly kind: 'step'; readonly step: Step }
  | { readonly kind: 'par'; readonly steps: readonly Step[] }
  | { readonly kind: 'fragment'; readonly node: Node }

/** The shape of a template body: sequential groups of parallel units, or the units of a DAG. @example shapeOf(par(a, b)) // { kind: 'steps', groups: [[a, b]] } */
export type Shape =
  | { readonly kind: 'steps'; readonly groups: readonly (readonly Unit[])[]; readonly threshold?: SuccessThreshold }
  // with a threshold: a `par`'s members (one group), or a thresholded fan-out step alone
  | { readonly kind: 'dag'; readonly units: readonly Unit[]; readonly failFast?: false }

const single = (step: Step): Unit => ({ kind: 'step', step })
const fragment = (node: Node): Unit => ({ kind: 'fragment', node })
/** A step; a fan-out with a success threshold is a template of its own (the fan-out, then the check). */
const stepUnit = (s: Step): Unit => (s.threshold ? fragment(s) : single(s))

/** The members of one parallel group. */
const members: (n: Node) => Unit[] = foldNode<Unit[]>({
  Step: (s) => [stepUnit(s)],
  Par: (n, go) => (n.threshold ? [fragment(n)] : n.children.flatMap(go)),
  Seq: (n, go) => (n.children.length <= 1 ? n.children.flatMap(go) : [fragment(n)]),
  Dag: (n) => [fragment(n)],
  When: (n) => [fragment(n)],
  ForEach: (n) => [fragment(n)],
})

/** Sequential groups of a steps body. */
const groups: (n: Node) => Unit[][] = foldNode<Unit[][]>({
  Step: (s) => [[stepUnit(s)]],
  Seq: (n, go) => n.children.flatMap(go),
  Par: (n) => {
    const m = members(n)
    return m.length ? [m] : []
  },
  Dag: (n) => [[fragment(n)]],
  When: (n) => [[fragment(n)]],
  ForEach: (n) => [[fragment(n)]],
})

/** The units of a DAG body. */
const dagUnits: NodeCases<Unit[]> = {
  Step: (s) => [stepUnit(s)],
  Par: (n) => {
    if (n.threshold) return [fragment(n)]
    const m = members(n)
    return m.every((u) => u.kind === 'step') ? (m.length ? [{ kind: 'par', steps: m.map((u) => (u as { step: Step }).step) }] : []) : [fragment(n)]
  },
  Seq: (n, go) => (n.children.length <= 1 ? n.children.flatMap(go) : [fragment(n)]),
  Dag: (n) => [fragment(n)],
  When: (n) => [fragment(n)],
  ForEach: (n) => [fragment(n)],
}

/** Strips `seq`/`par` wrappers of a single child, which mean nothing. */
const unwrap = (n: Node): Node => ((n._tag === 'Seq' || (n._tag === 'Par' && !n.threshold)) && n.children.length === 1 ? unwrap(n.children[0]!) : n)

/** The shape of a template body. @example shapeOf(dag(a, b)).kind // 'dag' */
export const shapeOf = (body: Node): Shape => {
  const n = unwrap(body)
  // A par with a success threshold is a steps template of its own: its members, then the check.
  if (n._tag === 'Par' && n.threshold) return { kind: 'steps', groups: [n.children.map((c) => (c._tag === 'Step' ? stepUnit(c) : fragment(c)))], threshold: n.threshold }
  // So is a fan-out with one: the fan-out, then the check.
  if (n._tag === 'Step' && n.threshold) return { kind: 'steps', groups: [[single(n)]], threshold: n.threshold }
  return n._tag === 'Dag' ? { kind: 'dag', units: n.children.flatMap(foldNode(dagUnits)), ...(n.failFast === false ? { failFast: false as const } : {}) } : { kind: 'steps', groups: groups(n) }
}

/** Every step inside a unit. @example unitSteps({ kind: 'step', step: a }) // [a] */
export const unitSteps = (u: Unit): readonly Step[] => (u.kind === 'step' ? [u.step] : u.kind === 'par' ? u.steps : stepsIn(u.node))
