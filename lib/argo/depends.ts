import type { Depends } from 'dflow-ts'

/**
 * Prints a `depends` condition in Argo's syntax: a bare name for `Done`, `NAME.Outcome` otherwise, `&&`,
 * `||`, `!`, with parentheses where needed. `task` maps a step name to the task that holds it.
 *
 * @example
 * ```ts
 * printDepends(and(on(a), or(on(c, 'Succeeded'), on(c, 'Failed'))), (n) => n) // 'A && (C.Succeeded || C.Failed)'
 * ```
 */
export const printDepends = (d: Depends, task: (step: string) => string): string => {
  const inner = (x: Depends, parent: Depends['_tag']): string => {
    const s = printDepends(x, task)
    return (x._tag === 'And' || x._tag === 'Or') && x._tag !== parent ? `(${s})` : s
  }
  switch (d._tag) {
    case 'On':
      return d.outcome === 'Done' ? task(d.step) : `${task(d.step)}.${d.outcome}`
    case 'And':
      return d.items.map((x) => inner(x, 'And')).join(' && ')
    case 'Or':
      return d.items.map((x) => inner(x, 'Or')).join(' || ')
    case 'Not': {
      const s = printDepends(d.item, task)
      return d.item._tag === 'On' ? `!${s}` : `!(${s})`
    }
  }
}
