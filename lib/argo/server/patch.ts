import { ApiError } from './api-error.ts'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge key by key, `null` removes a
 * key, anything else replaces.
 *
 * @example
 * ```ts
 * mergePatch({ spec: { suspend: true, entrypoint: 'main' } }, { spec: { suspend: null } }) // { spec: { entrypoint: 'main' } }
 * ```
 */
export const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return patch
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** One operation of a JSON patch. @example const op: JsonPatchOp = { op: 'replace', path: '/spec/shutdown', value: 'Stop' } */
export interface JsonPatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  readonly path: string
  readonly from?: string
  readonly value?: unknown
}

const tokens = (pointer: string): string[] => {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new ApiError(422, 'Invalid', `JSON patch: path "${pointer}" does not start with "/"`)
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/**
 * A JSON patch (RFC 6902, `application/json-patch+json`), applied to a copy: add, remove, replace, move, copy
 * and test. A path that does not lead anywhere, or a failed test, is a 422 with the operation's index.
 *
 * @example
 * ```ts
 * jsonPatch({ spec: {} }, [{ op: 'add', path: '/spec/suspend', value: true }]) // { spec: { suspend: true } }
 * ```
 */
export const jsonPatch = (target: unknown, ops: unknown): unknown => {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'JSON patch: the body must be an array of operations')
  let doc = structuredClone(target)
  const fail = (i: number, why: string) => new ApiError(422, 'Invalid', `JSON patch operation ${i}: ${why}`)
  const parentOf = (i: number, path: string[]): [unknown, string] => {
    let at: unknown = doc
    for (const t of path.slice(0, -1)) {
      at = Array.isArray(at) ? at[Number(t)] : isObject(at) ? at[t] : undefined
      if (at === undefined) throw fail(i, `path /${path.join('/')} does not exist`)
    }
    return [at, path.at(-1)!]
  }
  const read = (i: number, pointer: string): unknown => {
    let at: unknown = doc
    for (const t of tokens(pointer)) {
      at = Array.isArray(at) ? at[Number(t)] : isObject(at) ? at[t] : undefined
      if (at === undefined) throw fail(i, `path ${pointer} does not exist`)
    }
    return at
  }
  const remove = (i: number, pointer: string) => {
    const [p, last] = parentOf(i, tokens(pointer))
    if (Array.isArray(p) && Number(last) < p.length) p.splice(Number(last), 1)
    else if (isObject(p) && last in p) delete p[last]
    else throw fail(i, `path ${pointer} does not exist`)
  }
  const add = (i: number, pointer: string, value: unknown, replace: boolean) => {
    const path = tokens(pointer)
    if (path.length === 0) return void (doc = structuredClone(value))
    const [p, last] = parentOf(i, path)
    if (Array.isArray(p)) {
      const n = last === '-' ? p.length : Number(last)
      if (!Number.isInteger(n) || n < 0 || n > p.length || (replace && n >= p.length)) throw fail(i, `index ${last} out of range at ${pointer}`)
      p.splice(n, replace ? 1 : 0, structuredClone(value))
    } else if (isObject(p)) {
      if (replace && !(last in p)) throw fail(i, `path ${pointer} does not exist`)
      p[last] = structuredClone(value)
    } else throw fail(i, `path ${pointer} does not exist`)
  }
  ops.forEach((raw, i) => {
    const op = raw as JsonPatchOp
    switch (op.op) {
      case 'add':
        return add(i, op.path, op.value, false)
      case 'replace':
        return add(i, op.path, op.value, true)
      case 'remove':
        return remove(i, op.path)
      case 'copy':
        return add(i, op.path, read(i, op.from ?? ''), false)
      case 'move': {
        const v = read(i, op.from ?? '')
        remove(i, op.from ?? '')
        return add(i, op.path, v, false)
      }
      case 'test':
        if (JSON.stringify(read(i, op.path)) !== JSON.stringify(op.value)) throw fail(i, `test failed at ${op.path}`)
        return
      default:
        throw fail(i, `unknown op ${JSON.stringify((op as { op?: unknown }).op)}`)
    }
  })
  return doc
}
