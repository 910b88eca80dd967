import type { Ref } from 'dflow-ts'

/**
 * A key identifying what a reference points at, equal for equal references (references are plain data,
 * often rebuilt, so identity will not do).
 *
 * @example
 * ```ts
 * refKey(h0.outputs.msg) // 'ParamRef|step|hello0|msg'
 * ```
 */
export const refKey = (r: Ref): string =>
  `${r._tag}|${r.source.kind}|${r.source.kind === 'step' ? r.source.step : r.source.kind === 'item' ? (r.source.loop ?? '') : ''}|${r.name}`

/** The plural Argo uses for a reference's kind (a big parameter travels as an artifact). @example ioKind(h0.outputs.bar) // 'artifacts' */
export const ioKind = (r: Ref): 'parameters' | 'artifacts' => (r._tag === 'ParamRef' && !r.big ? 'parameters' : 'artifacts')

/**
 * Allocates names unique within one scope: the wanted name if free, else with `-2`, `-3`, … appended.
 *
 * @example
 * ```ts
 * const fresh = nameAllocator(['a'])
 * fresh('a') // 'a-2'
 * fresh('b') // 'b'
 * ```
 */
export const nameAllocator = (taken: Iterable<string> = []): ((wanted: string) => string) => {
  const used = new Set(taken)
  return (wanted) => {
    let name = wanted
    for (let k = 2; used.has(name); k++) name = `${wanted}-${k}`
    used.add(name)
    return name
  }
}
