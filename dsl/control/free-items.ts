import { varsOf } from '../expr/ast.ts'
import { foldNode, type Step } from '../node.ts'
import { isRef, type Ref } from '../refs.ts'
import { sourceRefs } from '../validate.ts'
import { keyRefs } from './key.ts'
import { argRefs } from '../arg-refs.ts'

const isItem = (r: Ref): boolean => r.source.kind === 'item'

/** Whether a reference is to the item of the loop `loop` (a reference naming no loop is to the innermost). */
const ofLoop = (loop: string) => (r: Ref): boolean => r.source.kind === 'item' && (r.source.loop === undefined || r.source.loop === loop)

/** The item references a step's call reads: its arguments, `when`, key, and its hooks' (their conditions too). */
const callItems = (s: Step): readonly Ref[] => [
  ...[...Object.values(s.args).flatMap(argRefs), ...(s.when ? varsOf(s.when) : []), ...keyRefs(s.key), ...(s.hooks ?? []).flatMap((h) => varsOf(h.when))].filter(isItem),
  ...(s.onExit ? callItems(s.onExit) : []),
  ...(s.hooks ?? []).flatMap((h) => callItems(h.run)),
]

/**
 * The references to items that a node reads from loops around it: every item reference inside it, except
 * those to the item of a loop inside it (a fan-out step's, a composite forEach's). A loop's list is read
 * where the loop is, so its item references count as read from outside it. On Argo these are the item
 * values a generated template must receive as inputs.
 *
 * @example
 * ```ts
 * freeItemRefs(forEach(['1', '2'], (y) => step('s', echo2, { x, y }))) // [x]: y is the fan-out's own
 * ```
 */
export const freeItemRefs = foldNode<readonly Ref[]>({
  Step: (s) => (s.forEach ? [...sourceRefs(s.forEach).filter(isItem), ...callItems(s).filter((r) => !ofLoop(s.name)(r))] : callItems(s)),
  Seq: (n, go) => n.children.flatMap(go),
  Par: (n, go) => n.children.flatMap(go),
  Dag: (n, go) => n.children.flatMap(go),
  When: (n, go) => [...varsOf(n.cond).filter(isItem), ...go(n.body)],
  ForEach: (n, go) => [...sourceRefs(n.source).filter(isItem), ...go(n.body).filter((r) => !ofLoop(n.name)(r))],
})
