import type { KubeObject } from '../kube-object.ts'
import { ApiError } from './api-error.ts'

/** A parsed selector: a predicate on an object. @example const s: Selector = labelSelector('app=x'); s(obj) */
export type Selector = (o: KubeObject) => boolean

const everything: Selector = () => true

/**
 * A label selector as Kubernetes reads it: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * joined by commas (all must hold).
 *
 * @example
 * ```ts
 * labelSelector('workflows.argoproj.io/completed!=true,team in (a,b)')({ metadata: { labels: { team: 'a' } } }) // true
 * ```
 */
export const labelSelector = (text: string | undefined): Selector => {
  if (!text) return everything
  // Split on commas outside parentheses.
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) (parts.push(cur), (cur = ''))
    else cur += ch
  }
  parts.push(cur)
  const tests = parts.map((raw): Selector => {
    const p = raw.trim()
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p)
    if (set) {
      const [, key, op, list] = set
      const values = list!.split(',').map((v) => v.trim())
      return (o) => {
        const v = o.metadata.labels?.[key!]
        return op === 'in' ? v !== undefined && values.includes(v) : v === undefined || !values.includes(v)
      }
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(p)
    if (cmp) {
      const [, key, op, value] = cmp
      return (o) => (op === '!=' ? o.metadata.labels?.[key!] !== value : o.metadata.labels?.[key!] === value)
    }
    const exists = /^(!?)([^\s!=()]+)$/.exec(p)
    if (exists) return (o) => (o.metadata.labels?.[exists[2]!] !== undefined) !== (exists[1] === '!')
    throw new ApiError(400, 'BadRequest', `unable to parse requirement: invalid label selector "${text}"`)
  })
  return (o) => tests.every((t) => t(o))
}

/**
 * A field selector on `metadata.name` and `metadata.namespace` (what `kubectl get NAME -w` sends).
 *
 * @example
 * ```ts
 * fieldSelector('metadata.name=hello')({ metadata: { name: 'hello' } }) // true
 * ```
 */
export const fieldSelector = (text: string | undefined): Selector => {
  if (!text) return everything
  const tests = text.split(',').map((raw): Selector => {
    const m = /^\s*(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw)
    if (!m) throw new ApiError(400, 'BadRequest', `field label not supported: ${raw.split(/[=!]/)[0]} (only metadata.name and metadata.namespace)`)
    const field = m[1] === 'metadata.name' ? 'name' : 'namespace'
    return (o) => (o.metadata[field] === m[3]) === (m[2] !== '!=')
  })
  return (o) => tests.every((t) => t(o))
}
