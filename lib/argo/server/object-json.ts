import type { KubeObject } from '../kube-object.ts'

/**
 * The JSON text of the objects the server sends, made once per object and, inside a workflow, once per node:
 * the same text as `JSON.stringify`, kept by object identity. The controller writes a workflow's status as
 * a new object each tick whose unchanged nodes (and whose spec) are the objects of the last one, so a watch
 * event of a 1,000-node workflow serialises the nodes that changed and joins the rest; an event sent to
 * several watchers is serialised once. It relies on what the store promises: a stored object, its spec and
 * its status nodes are never changed in place (a change is a new object).
 *
 * @example
 * ```ts
 * const json = objectJson()
 * json.of(wf) === JSON.stringify(wf) // true; the next status's unchanged nodes are not serialised again
 * ```
 */
export const objectJson = () => {
  const texts = new WeakMap<object, string>()
  const kept = (v: unknown, make: (o: Record<string, unknown>) => string | undefined): string | undefined => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v)
    let s = texts.get(v)
    if (s === undefined) {
      s = make(v as Record<string, unknown>)
      if (s !== undefined) texts.set(v, s)
    }
    return s
  }
  /** An object's members, each made by `member` (undefined: left out, as JSON.stringify leaves out undefined and functions). */
  const members = (o: Record<string, unknown>, member: (k: string, v: unknown) => string | undefined): string => {
    let s = ''
    for (const k of Object.keys(o)) {
      const m = member(k, o[k])
      if (m !== undefined) s += `${s ? ',' : ''}${JSON.stringify(k)}:${m}`
    }
    return `{${s}}`
  }
  const whole = (v: unknown) => kept(v, (o) => JSON.stringify(o))
  const status = (v: unknown) => kept(v, (o) => members(o, (k, x) => (k === 'nodes' ? kept(x, (nodes) => members(nodes, (_, n) => whole(n))) : JSON.stringify(x))))
  return {
    /** The JSON text of an object (a workflow's spec and each of its status's nodes kept apart). */
    of: (o: KubeObject): string => kept(o, (x) => members(x, (k, v) => (k === 'status' ? status(v) : k === 'spec' ? whole(v) : JSON.stringify(v))))!,
  }
}
