import { isExpr, mapVars } from '../expr/ast.ts'
import type { Node, Step } from '../node.ts'
import { isRef, type ParamRef, type Ref } from '../refs.ts'
import type { KeyTemplate } from './key.ts'
import type { ForEachSource } from './source.ts'

type RefMap = (r: Ref) => Ref

const mapSource = (src: ForEachSource, f: RefMap): ForEachSource => {
  if (src._tag === 'ItemsFrom') {
    const ref = f(src.ref) as ParamRef<readonly unknown[]>
    return ref === src.ref ? src : Object.freeze({ ...src, ref })
  }
  if (src._tag === 'Zip') {
    const lists = Object.fromEntries(Object.entries(src.lists).map(([k, v]) => [k, isRef(v) ? (f(v) as ParamRef<readonly unknown[]>) : v]))
    return Object.keys(lists).some((k) => lists[k] !== src.lists[k]) ? Object.freeze({ ...src, lists: Object.freeze(lists) }) : src
  }
  if (src._tag === 'Computed') {
    const reads = src.reads.map((r) => f(r) as ParamRef<any>)
    return reads.some((r, i) => r !== src.reads[i]) ? Object.freeze({ ...src, reads: Object.freeze(reads) }) : src
  }
  if (src._tag !== 'Sequence') return src
  const q = src.sequence
  const at = (v: number | ParamRef<number> | undefined) => (isRef(v) ? (f(v) as ParamRef<number>) : v)
  const [count, start, end] = [at(q.count), at(q.start), at(q.end)]
  if (count === q.count && start === q.start && end === q.end) return src
  return Object.freeze({ ...src, sequence: Object.freeze({ ...q, ...(count !== undefined ? { count } : {}), ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) }) })
}

const mapKey = (k: string | KeyTemplate | undefined, f: RefMap): string | KeyTemplate | undefined => {
  if (typeof k !== 'object') return k
  const parts = k.parts.map((p) => (typeof p === 'string' ? p : (f(p) as ParamRef<any>)))
  return parts.some((p, i) => p !== k.parts[i]) ? Object.freeze({ ...k, parts: Object.freeze(parts) }) : k
}

const mapStep = (s: Step, f: RefMap): Step => {
  const args = Object.fromEntries(Object.entries(s.args).map(([k, v]) => [k, isRef(v) ? f(v) : isExpr(v) ? mapVars(v, (x) => f(x) as ParamRef<any>) : v]))
  const changedArgs = Object.keys(args).some((k) => args[k] !== s.args[k])
  const when = s.when && mapVars(s.when, (v) => f(v) as ParamRef<any>)
  const key = mapKey(s.key, f)
  const forEach = s.forEach && mapSource(s.forEach, f)
  const onExit = s.onExit && mapStep(s.onExit, f)
  const hooks = s.hooks?.map((h) => {
    const [hw, run] = [mapVars(h.when, (v) => f(v) as ParamRef<any>), mapStep(h.run, f)]
    return hw === h.when && run === h.run ? h : Object.freeze({ ...h, when: hw, run })
  })
  const sameHooks = !hooks || hooks.every((h, i) => h === s.hooks![i])
  if (!changedArgs && when === s.when && key === s.key && forEach === s.forEach && onExit === s.onExit && sameHooks) return s
  return Object.freeze({
    ...s,
    args: changedArgs ? Object.freeze(args) : s.args,
    ...(when !== undefined ? { when } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(forEach !== undefined ? { forEach } : {}),
    ...(onExit !== undefined ? { onExit } : {}),
    ...(hooks !== undefined ? { hooks: sameHooks ? s.hooks : Object.freeze(hooks) } : {}),
  })
}

/**
 * The same node with every reference it reads (arguments, conditions, keys, fan-out lists, hooks'
 * conditions and arguments) replaced by `f(ref)`, not entering other templates; parts that do not change are shared.
 *
 * @example
 * ```ts
 * mapRefs(seq(step('a', echo, { m: item })), (r) => (r === item ? other : r)) // seq(step('a', echo, { m: other }))
 * ```
 */
export const mapRefs = (n: Node, f: RefMap): Node => {
  switch (n._tag) {
    case 'Step':
      return mapStep(n, f)
    case 'Seq':
    case 'Par':
    case 'Dag': {
      const children = n.children.map((c) => mapRefs(c, f))
      return children.some((c, i) => c !== n.children[i]) ? Object.freeze({ ...n, children: Object.freeze(children) }) : n
    }
    case 'When': {
      const cond = mapVars(n.cond, (v) => f(v) as ParamRef<any>)
      const body = mapRefs(n.body, f)
      return cond === n.cond && body === n.body ? n : Object.freeze({ ...n, cond, body })
    }
    case 'ForEach': {
      const source = mapSource(n.source, f)
      const body = mapRefs(n.body, f)
      return source === n.source && body === n.body ? n : Object.freeze({ ...n, source, body })
    }
  }
}
