import { DflowError, and, not, on, or, problem, type Depends, type Outcome } from 'dflow-ts'

const OUTCOMES: readonly Outcome[] = ['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned', 'AnySucceeded', 'AllFailed']

/**
 * Parses a dag task's enhanced `depends` (`A && (B.Succeeded || C.Failed)`, `!D.Errored`) into the DSL's
 * condition; a bare task name means its default outcome (Done: Argo's workflow/common/ancestry.go reads
 * `A` as `(A.Succeeded || A.Skipped || A.Daemoned)`).
 *
 * @example
 * ```ts
 * parseDepends('A && B.Failed', ['depends']) // and(on({ name: 'A' }), on({ name: 'B' }, 'Failed'))
 * ```
 */
export const parseDepends = (source: string, path: readonly string[]): Depends => {
  const toks = source.match(/&&|\|\||!|\(|\)|[A-Za-z0-9][-A-Za-z0-9_]*(?:\.[A-Za-z]+)?|\S/g) ?? []
  let p = 0
  const bad = (why: string): never => {
    throw new DflowError([problem(path, `depends ${JSON.stringify(source)}: ${why}`, 'write task names and TASK.Outcome joined by &&, ||, ! and parentheses')])
  }
  const or_ = (): Depends => {
    const items = [and_()]
    while (toks[p] === '||') (p++, items.push(and_()))
    return items.length === 1 ? items[0]! : or(...items)
  }
  const and_ = (): Depends => {
    const items = [unary()]
    while (toks[p] === '&&') (p++, items.push(unary()))
    return items.length === 1 ? items[0]! : and(...items)
  }
  const unary = (): Depends => {
    const t = toks[p++]
    if (t === undefined) return bad('unexpected end')
    if (t === '!') return not(unary())
    if (t === '(') {
      const d = or_()
      if (toks[p++] !== ')') bad('expected ")"')
      return d
    }
    const m = /^([A-Za-z0-9][-A-Za-z0-9_]*)(?:\.([A-Za-z]+))?$/.exec(t) ?? bad(`unexpected "${t}"`)
    const outcome = m[2] as Outcome | undefined
    if (outcome !== undefined && !OUTCOMES.includes(outcome)) bad(`unknown outcome .${outcome} (known: ${OUTCOMES.join(', ')})`)
    return on({ name: m[1]! }, outcome ?? 'Done')
  }
  const d = or_()
  if (p < toks.length) bad(`unexpected "${toks[p]}"`)
  return d
}

/**
 * The task names a `depends` names (`A && (B.Succeeded || !C)` → A, B, C): the tasks Argo counts as its
 * ancestors (workflow/common/ancestry.go).
 *
 * @example
 * ```ts
 * dependsNames('A && (B.Succeeded || !C)') // ['A', 'B', 'C']
 * ```
 */
export const dependsNames = (source: string): readonly string[] =>
  [...source.matchAll(/(?<![-\w.])([A-Za-z0-9][-A-Za-z0-9_]*)(?:\.[A-Za-z]+)?/g)].map((m) => m[1]!)
