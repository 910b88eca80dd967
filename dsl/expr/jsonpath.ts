/** One step of a JSON path: a key of an object or an index of a list. @example const s: JsonPathStep = { key: 'a' } */
export type JsonPathStep = { readonly key: string } | { readonly index: number }

const STEP = /^(?:\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/

/**
 * The steps of a JSON path in the subset both interpreters read alike — `$`, then `.key`, `['key']`,
 * `["key"]`, `[n]` — or the text from where it leaves the subset (wildcards, `..`, filters, slices).
 *
 * @example
 * ```ts
 * jsonPathSteps("$.a['b-c'][0]") // { steps: [{ key: 'a' }, { key: 'b-c' }, { index: 0 }] }
 * jsonPathSteps('$..a')           // { unsupported: '..a' }
 * ```
 */
export const jsonPathSteps = (path: string): { readonly steps: readonly JsonPathStep[] } | { readonly unsupported: string } => {
  if (!path.startsWith('$')) return { unsupported: path }
  const steps: JsonPathStep[] = []
  let rest = path.slice(1)
  while (rest) {
    const m = STEP.exec(rest)
    if (!m) return { unsupported: rest }
    steps.push(m[2] !== undefined ? { index: Number(m[2]) } : { key: m[1] ?? m[3] ?? m[4]! })
    rest = rest.slice(m[0].length)
  }
  return { steps }
}
